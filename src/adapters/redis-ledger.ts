import type { Redis } from 'ioredis';
import { FrontError } from '../domain/errors.ts';
import { Delivery, DeliveryState } from '../domain/model.ts';
import type { ClaimResult, DeliveryLedger } from '../pipeline/ports.ts';
import { defineScript, type RedisKeys } from './redis-keys.ts';

/**
 * The ledger, not the queue, decides whether a message goes out (BullMQ is at-least-once). Every
 * transition is one script, so a stalled job re-run alongside its original can never both win.
 * Per-digest counters are kept in the same scripts, so deliveryCounts stays O(1) at 100k.
 */

/** KEYS: frozen marker, audience set, records hash, counts hash. ARGV: now, digestId, ids… */
const FREEZE_LUA = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
for i = 3, #ARGV do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[3], ARGV[i], cjson.encode({digestId = ARGV[2], subscriberId = ARGV[i],
      state = 'pending', attempts = 0, updatedAt = ARGV[1]}))
    redis.call('HINCRBY', KEYS[4], 'pending', 1)
  end
end
return 1`;

/**
 * KEYS: audience, records, counts, subscriber hash. ARGV: subscriberId, now.
 * The subscriber's status is read here, inside the claim, so an unsubscribe that lands a second
 * before the send is still honoured.
 */
const CLAIM_LUA = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return {'not-in-audience'} end
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return {'not-in-audience'} end
local rec = cjson.decode(raw)
if rec.state ~= 'pending' and rec.state ~= 'failed' then return {'already-claimed', rec.state} end
if redis.call('HGET', KEYS[4], 'status') ~= 'confirmed' then
  -- Unsubscribed, bounced or removed since the audience froze: settle the delivery as skipped so
  -- the digest can still be marked sent.
  redis.call('HINCRBY', KEYS[3], rec.state, -1)
  redis.call('HINCRBY', KEYS[3], 'skipped', 1)
  rec.state = 'skipped'
  rec.updatedAt = ARGV[2]
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
  return {'unsubscribed', 'skipped'}
end
redis.call('HINCRBY', KEYS[3], rec.state, -1)
redis.call('HINCRBY', KEYS[3], 'sending', 1)
rec.state = 'sending'
rec.attempts = rec.attempts + 1
rec.updatedAt = ARGV[2]
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
return {'claimed'}`;

/**
 * KEYS: records, counts. ARGV: subscriberId, state, now, messageId, error, subscriberPrefix,
 * statusPrefix. From `sending` (or `uncertain`, when an operator reconciles); recording the state
 * a delivery already has is a no-op so a retried recordOutcome is harmless.
 */
const RECORD_LUA = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {'missing'} end
local rec = cjson.decode(raw)
if rec.state == ARGV[2] then return {'ok'} end
if rec.state ~= 'sending' and rec.state ~= 'uncertain' then return {'bad-state', rec.state} end
redis.call('HINCRBY', KEYS[2], rec.state, -1)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
rec.state = ARGV[2]
rec.updatedAt = ARGV[3]
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
return {'ok'}`;

export function createDeliveryLedger(redis: Redis, k: RedisKeys): DeliveryLedger {
  const freeze = defineScript(redis, 'fronteraFreezeAudience', FREEZE_LUA);
  const claim = defineScript(redis, 'fronteraClaimDelivery', CLAIM_LUA);
  const record = defineScript(redis, 'fronteraRecordOutcome', RECORD_LUA);

  async function audience(digestId: string): Promise<string[]> {
    // Sorted so every caller (and every batch of the fan-out) sees the same order.
    return (await redis.smembers(k.audience(digestId))).sort();
  }

  return {
    async freezeAudience(digestId, subscriberIds) {
      await freeze.run(
        [k.audienceFrozen(digestId), k.audience(digestId), k.deliveries(digestId), k.deliveryCounts(digestId)],
        [new Date().toISOString(), digestId, ...subscriberIds],
      );
      return audience(digestId);
    },

    audience,

    async claimDelivery(digestId, subscriberId) {
      const [verdict, state] = (await claim.run(
        [k.audience(digestId), k.deliveries(digestId), k.deliveryCounts(digestId), k.subscriber(subscriberId)],
        [subscriberId, new Date().toISOString()],
      )) as [string, string?];
      if (verdict === 'claimed') return { claimed: true };
      const result: ClaimResult = {
        claimed: false,
        reason: verdict as 'already-claimed' | 'not-in-audience' | 'unsubscribed',
      };
      if (state !== undefined) result.state = DeliveryState.parse(state);
      return result;
    },

    async recordOutcome(digestId, subscriberId, outcome) {
      const [verdict, state] = (await record.run(
        [k.deliveries(digestId), k.deliveryCounts(digestId)],
        [
          subscriberId,
          DeliveryState.parse(outcome.state),
          new Date().toISOString(),
          outcome.messageId ?? '',
          outcome.error ?? '',
          k.subscriberPrefix,
          k.subscribersByStatus('' as never),
        ],
      )) as [string, string?];
      if (verdict === 'ok') return;
      // A claimed-then-recorded flow never gets here, so this is a bug worth failing loudly.
      throw new FrontError(
        'LEDGER_STATE',
        verdict === 'missing'
          ? `no delivery of digest ${digestId} to ${subscriberId} in the ledger`
          : `delivery of digest ${digestId} to ${subscriberId} is ${state}, not sending`,
        { permanent: true },
      );
    },

    async getDelivery(digestId, subscriberId) {
      const raw = await redis.hget(k.deliveries(digestId), subscriberId);
      return raw ? Delivery.parse(JSON.parse(raw)) : undefined;
    },

    async listDeliveries(digestId, state) {
      const all = (await redis.hvals(k.deliveries(digestId))).map((raw) => Delivery.parse(JSON.parse(raw)));
      return (state ? all.filter((d) => d.state === state) : all).sort((a, b) => a.subscriberId.localeCompare(b.subscriberId));
    },

    async deliveryCounts(digestId) {
      const raw = await redis.hgetall(k.deliveryCounts(digestId));
      const counts = Object.fromEntries(DeliveryState.options.map((s) => [s, 0])) as Record<DeliveryState, number>;
      for (const [state, n] of Object.entries(raw)) if (state in counts) counts[state as DeliveryState] = Number(n);
      return counts;
    },
  };
}
