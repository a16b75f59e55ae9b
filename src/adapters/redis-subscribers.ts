import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Language, Subscriber, SubscriberStatus } from '../domain/model.ts';
import type { SubscriberStore } from '../pipeline/ports.ts';
import { defineScript, execPipeline, type RedisKeys } from './redis-keys.ts';

/**
 * The email index and the subscriber hash are written in one script: two concurrent sign-ups of
 * the same address (a double-clicked form, an import racing the web) must yield one subscriber.
 * Subscriber keys are built inside the script because the id is only known there; that is fine
 * on a single Redis (Frontera does not run on Cluster).
 * ARGV: emailKey, email, name, hasName, status, now, newId, subscriberPrefix, statusPrefix,
 * onlyFrom (comma-separated statuses an existing subscriber may move from; '' = any), lang (the
 * edition, en|es; '' = leave as it is).
 */
const UPSERT_LUA = `
local id = redis.call('HGET', KEYS[1], ARGV[1])
if (not id) or redis.call('EXISTS', ARGV[8] .. id) == 0 then
  id = id or ARGV[7]
  local key = ARGV[8] .. id
  redis.call('HSET', KEYS[1], ARGV[1], id)
  redis.call('HSET', key, 'id', id, 'email', ARGV[2], 'status', ARGV[5], 'createdAt', ARGV[6], 'updatedAt', ARGV[6])
  if ARGV[4] == '1' and ARGV[3] ~= '' then redis.call('HSET', key, 'name', ARGV[3]) end
  if ARGV[11] ~= '' then redis.call('HSET', key, 'lang', ARGV[11]) end
  redis.call('SADD', ARGV[9] .. ARGV[5], id)
  return id
end
local key = ARGV[8] .. id
local changed = false
local old = redis.call('HGET', key, 'status')
local allowed = ARGV[10] == '' or (old and string.find(',' .. ARGV[10] .. ',', ',' .. old .. ',', 1, true))
if old ~= ARGV[5] and allowed then
  if old then redis.call('SREM', ARGV[9] .. old, id) end
  redis.call('SADD', ARGV[9] .. ARGV[5], id)
  redis.call('HSET', key, 'status', ARGV[5])
  changed = true
end
if ARGV[4] == '1' then
  local oldName = redis.call('HGET', key, 'name')
  if ARGV[3] == '' then
    if oldName then redis.call('HDEL', key, 'name'); changed = true end
  elseif oldName ~= ARGV[3] then
    redis.call('HSET', key, 'name', ARGV[3]); changed = true
  end
end
if ARGV[11] ~= '' and redis.call('HGET', key, 'lang') ~= ARGV[11] then
  redis.call('HSET', key, 'lang', ARGV[11]); changed = true
end
if changed then redis.call('HSET', key, 'updatedAt', ARGV[6]) end
return id`;

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
const REMOVE_LUA = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
local status = redis.call('HGET', KEYS[2], 'status')
if status then redis.call('SREM', ARGV[3] .. status, ARGV[2]) end
return redis.call('DEL', KEYS[2])`;

/** The index key of an address: addresses differing only in case or spaces are one subscriber. */
export const emailKey = (email: string) => email.normalize('NFC').trim().toLowerCase();

export function createSubscriberStore(redis: Redis, k: RedisKeys): SubscriberStore {
  const upsert = defineScript(redis, 'fronteraUpsertSubscriber', UPSERT_LUA);
  const setStatus = defineScript(redis, 'fronteraSetSubscriberStatus', SET_STATUS_LUA);
  const remove = defineScript(redis, 'fronteraRemoveSubscriber', REMOVE_LUA);
  const statusPrefix = k.subscribersByStatus('' as SubscriberStatus);

  async function getSubscriber(id: string): Promise<Subscriber | undefined> {
    const h = await redis.hgetall(k.subscriber(id));
    return Object.keys(h).length ? Subscriber.parse(h) : undefined;
  }

  return {
    async upsertSubscriber({ email, name, status, onlyFrom, lang }) {
      const trimmed = email.normalize('NFC').trim();
      const id = (await upsert.run(
        [k.subscriberEmails],
        [
          emailKey(trimmed),
          trimmed,
          name?.trim() ?? '',
          name === undefined ? '0' : '1',
          SubscriberStatus.parse(status),
          new Date().toISOString(),
          `sub_${randomBytes(10).toString('hex')}`,
          k.subscriberPrefix,
          statusPrefix,
          (onlyFrom ?? []).map((st) => SubscriberStatus.parse(st)).join(','),
          lang === undefined ? '' : Language.parse(lang),
        ],
      )) as string;
      const sub = await getSubscriber(id);
      if (!sub) throw new Error(`subscriber ${id} vanished right after upsert`);
      return sub;
    },

    getSubscriber,

    async claimConfirmationSlot(id, ttlMs) {
      // SET NX PX: two form posts racing each other get one slot, and the slot expires by itself.
      return (await redis.set(k.confirmationSent(id), '1', 'PX', ttlMs, 'NX')) === 'OK';
    },

    async findByEmail(email) {
      const id = await redis.hget(k.subscriberEmails, emailKey(email));
      return id ? getSubscriber(id) : undefined;
    },

    async listSubscribers(status) {
      const ids = status
        ? await redis.smembers(k.subscribersByStatus(status))
        : await redis.sunion(...SubscriberStatus.options.map((s) => k.subscribersByStatus(s)));
      if (ids.length === 0) return [];
      const pipe = redis.pipeline();
      for (const id of ids) pipe.hgetall(k.subscriber(id));
      const hashes = (await execPipeline(pipe)) as Record<string, string>[];
      return hashes
        .filter((h) => Object.keys(h).length > 0)
        .map((h) => Subscriber.parse(h))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async setSubscriberStatus(id, status) {
      const ok = await setStatus.run([], [id, SubscriberStatus.parse(status), new Date().toISOString(), k.subscriberPrefix, statusPrefix]);
      return ok === 1 ? getSubscriber(id) : undefined;
    },

    async removeSubscriber(id) {
      const sub = await getSubscriber(id);
      if (!sub) return false;
      return (await remove.run([k.subscriberEmails, k.subscriber(id)], [emailKey(sub.email), id, statusPrefix])) === 1;
    },
  };
}
