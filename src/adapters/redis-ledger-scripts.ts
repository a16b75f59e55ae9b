/**
 * The ledger's state transitions, one Lua script each, so no two callers can interleave inside a
 * transition. Counters live in the same scripts, so counts stay O(1) at 100,000 deliveries.
 * Records are cjson-encoded, which writes `"state":"pending"` with no spaces: the planner relies on
 * that to pick states out of an HSCAN without decoding every record.
 */

/**
 * KEYS: audience set, records hash, counts hash. ARGV: now, digestId, subscriberPrefix,
 * pausedBefore (ISO, '' for none), ids…
 * One chunk of the frozen audience; adding an id twice is a no-op, so a planner that takes over
 * an interrupted freeze can simply start again. A reader whose pause (preferences) runs past
 * `pausedBefore` is left out; ISO timestamps in UTC compare as strings.
 */
export const FREEZE_CHUNK_LUA = `
local added = {}
for i = 5, #ARGV do
  local paused = ARGV[4] ~= '' and redis.call('HGET', ARGV[3] .. ARGV[i], 'pausedUntil')
  if paused and paused > ARGV[4] then
    -- on pause for this issue
  elseif redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[2], ARGV[i], cjson.encode({digestId = ARGV[2], subscriberId = ARGV[i],
      state = 'pending', attempts = 0, updatedAt = ARGV[1]}))
    added[#added + 1] = ARGV[i]
  end
end
if #added > 0 then redis.call('HINCRBY', KEYS[3], 'pending', #added) end
return added`;

/**
 * KEYS: audience, records, counts, subscriber hash, leases, breaker.
 * ARGV: subscriberId, now, owner, leaseUntil (ISO), leaseUntil (ms).
 * Only `pending` is claimable: a failed delivery goes back to pending when an operator runs `send`
 * again (REQUEUE_LUA), never by a batch retry. The subscriber's status is read inside the claim, so
 * an unsubscribe that lands a second before the send is still honoured. A claim whose reply was
 * lost (Redis restarted) is retried with the same owner and finds itself: it was ours.
 */
export const CLAIM_LUA = `
if redis.call('HEXISTS', KEYS[6], 'trippedAt') == 1 then return {'paused'} end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return {'not-in-audience'} end
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return {'not-in-audience'} end
local rec = cjson.decode(raw)
if rec.state == 'sending' and rec.owner == ARGV[3] then
  local who = redis.call('HMGET', KEYS[4], 'email', 'lang')
  return {'claimed', who[1] or '', who[2] or ''}
end
if rec.state ~= 'pending' then return {'already-claimed', rec.state} end
if redis.call('HGET', KEYS[4], 'status') ~= 'confirmed' then
  -- Unsubscribed, bounced or removed since the audience froze: settled as skipped.
  redis.call('HINCRBY', KEYS[3], 'pending', -1)
  redis.call('HINCRBY', KEYS[3], 'skipped', 1)
  rec.state = 'skipped'
  rec.updatedAt = ARGV[2]
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
  return {'unsubscribed', 'skipped'}
end
redis.call('HINCRBY', KEYS[3], 'pending', -1)
redis.call('HINCRBY', KEYS[3], 'sending', 1)
rec.state = 'sending'
rec.attempts = rec.attempts + 1
rec.updatedAt = ARGV[2]
rec.owner = ARGV[3]
rec.leaseUntil = ARGV[4]
rec.error = nil
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
-- The address and edition language come back with the claim: one round trip fewer per delivery.
local who = redis.call('HMGET', KEYS[4], 'email', 'lang')
return {'claimed', who[1] or '', who[2] or ''}`;

/**
 * KEYS: records, leases. ARGV: subscriberId, owner, leaseUntil (ISO), leaseUntil (ms).
 * Extends a claim still held by its owner (a 4xx being retried with backoff).
 */
export const RENEW_LUA = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local rec = cjson.decode(raw)
if rec.state ~= 'sending' or rec.owner ~= ARGV[2] then return 0 end
rec.leaseUntil = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(rec))
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1`;

/**
 * KEYS: records, counts, leases, breaker. ARGV: subscriberId, state, now, messageId, error,
 * subscriberPrefix, statusPrefix, policy ('1' for a policy rejection), tripAfter.
 * From `sending`, or from `uncertain` (an operator reconciling, or the sender itself finishing after
 * its lease was declared expired). Recording the state a delivery already has is a no-op, so a
 * record retried after a lost reply is harmless. A policy rejection counts towards the breaker; an
 * acceptance resets the run.
 */
export const RECORD_LUA = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {'missing'} end
local rec = cjson.decode(raw)
if rec.state == ARGV[2] then return {'ok'} end
if rec.state ~= 'sending' and rec.state ~= 'uncertain' then return {'bad-state', rec.state} end
redis.call('HINCRBY', KEYS[2], rec.state, -1)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('ZREM', KEYS[3], ARGV[1])
rec.state = ARGV[2]
rec.updatedAt = ARGV[3]
rec.owner = nil
rec.leaseUntil = nil
if ARGV[4] ~= '' then rec.messageId = ARGV[4] end
if ARGV[5] ~= '' then rec.error = ARGV[5] else rec.error = nil end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(rec))
if ARGV[2] == 'bounced' then
  local key = ARGV[6] .. ARGV[1]
  local old = redis.call('HGET', key, 'status')
  if old and old ~= 'bounced' then
    redis.call('SREM', ARGV[7] .. old, ARGV[1])
    redis.call('SADD', ARGV[7] .. 'bounced', ARGV[1])
    redis.call('HSET', key, 'status', 'bounced', 'updatedAt', ARGV[3])
  end
end
if ARGV[8] == '1' then
  local run = redis.call('HINCRBY', KEYS[4], 'consecutive', 1)
  if run >= tonumber(ARGV[9]) and redis.call('HEXISTS', KEYS[4], 'trippedAt') == 0 then
    redis.call('HSET', KEYS[4], 'trippedAt', ARGV[3], 'reason', ARGV[5])
  end
elseif ARGV[2] == 'sent' then
  redis.call('HSET', KEYS[4], 'consecutive', 0)
end
return {'ok'}`;

/**
 * KEYS: records, counts, leases. ARGV: now (ms), now (ISO), error.
 * Deliveries whose lease ran out while `sending` become `uncertain`: their process died (or lost
 * Redis for longer than the lease) somewhere between the claim and recording the outcome, so the
 * SMTP server may or may not have accepted the message. Never resent automatically.
 */
export const EXPIRE_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, 500)
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[3], id)
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then
    local rec = cjson.decode(raw)
    if rec.state == 'sending' then
      redis.call('HINCRBY', KEYS[2], 'sending', -1)
      redis.call('HINCRBY', KEYS[2], 'uncertain', 1)
      rec.state = 'uncertain'
      rec.updatedAt = ARGV[2]
      rec.error = ARGV[3]
      rec.owner = nil
      redis.call('HSET', KEYS[1], id, cjson.encode(rec))
    end
  end
end
return #ids`;

/** KEYS: records, counts. ARGV: now, ids… `failed` → `pending`, for an operator's new `send`. */
export const REQUEUE_LUA = `
local done = {}
for i = 2, #ARGV do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw then
    local rec = cjson.decode(raw)
    if rec.state == 'failed' then
      rec.state = 'pending'
      rec.updatedAt = ARGV[1]
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(rec))
      done[#done + 1] = ARGV[i]
    end
  end
end
if #done > 0 then
  redis.call('HINCRBY', KEYS[2], 'failed', -#done)
  redis.call('HINCRBY', KEYS[2], 'pending', #done)
end
return done`;
