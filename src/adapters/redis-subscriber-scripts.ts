/** The subscriber store's Lua scripts: each is one atomic step whose comment names the race it closes. */

/**
 * The email index and the subscriber hash are written in one script: two concurrent sign-ups of
 * the same address (a double-clicked form, an import racing the web) must yield one subscriber.
 * Subscriber keys are built inside the script because the id is only known there; that is fine
 * on a single Redis (Frontera does not run on Cluster). The suppression check is in the same
 * script, so an operator's `forget` cannot slip between the check and the create.
 * KEYS: emails hash, suppressed hash.
 * ARGV: emailKey, email, name, hasName, status, now, newId, subscriberPrefix, statusPrefix,
 * onlyFrom (comma-separated statuses an existing subscriber may move from; '' = any),
 * suppressionHash ('' = no check), allowSuppressed ('1'), fields (JSON object; '' value clears).
 * Returns { id, outcome }.
 */
export const UPSERT_LUA = `
local fields = cjson.decode(ARGV[13])
local function applyFields(key)
  for f, v in pairs(fields) do
    if v == '' then redis.call('HDEL', key, f) else redis.call('HSET', key, f, v) end
  end
end
local id = redis.call('HGET', KEYS[1], ARGV[1])
if (not id) or redis.call('EXISTS', ARGV[8] .. id) == 0 then
  if ARGV[11] ~= '' and ARGV[12] ~= '1' and redis.call('HEXISTS', KEYS[2], ARGV[11]) == 1 then
    return {'', 'suppressed'}
  end
  id = id or ARGV[7]
  local key = ARGV[8] .. id
  redis.call('HSET', KEYS[1], ARGV[1], id)
  redis.call('HSET', key, 'id', id, 'email', ARGV[2], 'status', ARGV[5], 'createdAt', ARGV[6], 'updatedAt', ARGV[6])
  if ARGV[4] == '1' and ARGV[3] ~= '' then redis.call('HSET', key, 'name', ARGV[3]) end
  applyFields(key)
  redis.call('SADD', ARGV[9] .. ARGV[5], id)
  return {id, 'created'}
end
local key = ARGV[8] .. id
local changed = false
local old = redis.call('HGET', key, 'status')
local allowed = ARGV[10] == '' or (old and string.find(',' .. ARGV[10] .. ',', ',' .. old .. ',', 1, true))
if allowed then
  if old ~= ARGV[5] then
    if old then redis.call('SREM', ARGV[9] .. old, id) end
    redis.call('SADD', ARGV[9] .. ARGV[5], id)
    redis.call('HSET', key, 'status', ARGV[5])
    changed = true
  end
  if next(fields) ~= nil then applyFields(key); changed = true end
  -- Inside 'allowed': a sign-up form must not rename somebody already confirmed.
  if ARGV[4] == '1' then
    local oldName = redis.call('HGET', key, 'name')
    if ARGV[3] == '' then
      if oldName then redis.call('HDEL', key, 'name'); changed = true end
    elseif oldName ~= ARGV[3] then
      redis.call('HSET', key, 'name', ARGV[3]); changed = true
    end
  end
end
if changed then redis.call('HSET', key, 'updatedAt', ARGV[6]) end
return {id, changed and 'changed' or 'unchanged'}`;

/**
 * ARGV: id, to, now, subscriberPrefix, statusPrefix, from ('' = any), fields JSON.
 * Returns the previous status ('' when there is no subscriber) and 1 when it changed. One script,
 * so an unsubscribe landing between a confirm's read and write is never undone.
 */
export const TRANSITION_LUA = `
local key = ARGV[4] .. ARGV[1]
local old = redis.call('HGET', key, 'status')
if not old then return {'', 0} end
if ARGV[6] ~= '' and not string.find(',' .. ARGV[6] .. ',', ',' .. old .. ',', 1, true) then return {old, 0} end
if old ~= ARGV[2] then
  redis.call('SREM', ARGV[5] .. old, ARGV[1])
  redis.call('SADD', ARGV[5] .. ARGV[2], ARGV[1])
end
redis.call('HSET', key, 'status', ARGV[2], 'updatedAt', ARGV[3])
for f, v in pairs(cjson.decode(ARGV[7])) do
  if v == '' then redis.call('HDEL', key, f) else redis.call('HSET', key, f, v) end
end
return {old, old ~= ARGV[2] and 1 or 0}`;

/** KEYS: subscriber hash. ARGV: now, fields JSON. Only an existing subscriber is updated. */
export const UPDATE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for f, v in pairs(cjson.decode(ARGV[2])) do
  if v == '' then redis.call('HDEL', KEYS[1], f) else redis.call('HSET', KEYS[1], f, v) end
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
return 1`;

/**
 * Erasure, part one: the subscriber, its index entry and status membership go, the keyed hash
 * is suppressed, in one step. KEYS: emails hash, subscriber hash, suppressed hash, slot key.
 * ARGV: emailKey, id, statusPrefix, hash, entry JSON.
 */
export const FORGET_LUA = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
local status = redis.call('HGET', KEYS[2], 'status')
if status then redis.call('SREM', ARGV[3] .. status, ARGV[2]) end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('DEL', KEYS[4])
return redis.call('DEL', KEYS[2])`;

/**
 * Erasure, part two, per digest: the ledger record (which may hold an SMTP error quoting the
 * address), the audience entry, and the state count it was part of, so counts stay true.
 * KEYS: records hash, audience set, counts hash. ARGV: subscriber id.
 */
export const FORGET_DELIVERY_LUA = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
if not raw then return 0 end
local rec = cjson.decode(raw)
redis.call('HDEL', KEYS[1], ARGV[1])
if rec.state then redis.call('HINCRBY', KEYS[3], rec.state, -1) end
return 1`;

/** ARGV: id, status, now, subscriberPrefix, statusPrefix. Shared with the ledger's bounce path. */
export const SET_STATUS_LUA = `
local key = ARGV[4] .. ARGV[1]
local old = redis.call('HGET', key, 'status')
if not old then return 0 end
if old ~= ARGV[2] then
  redis.call('SREM', ARGV[5] .. old, ARGV[1])
  redis.call('SADD', ARGV[5] .. ARGV[2], ARGV[1])
  redis.call('HSET', key, 'status', ARGV[2], 'updatedAt', ARGV[3])
end
return 1`;

/** KEYS: emails hash, subscriber hash. ARGV: emailKey, id, statusPrefix */
export const REMOVE_LUA = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
local status = redis.call('HGET', KEYS[2], 'status')
if status then redis.call('SREM', ARGV[3] .. status, ARGV[2]) end
return redis.call('DEL', KEYS[2])`;
