import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FrontError } from '../domain/errors.ts';
import { Delivery, DeliveryState, Language } from '../domain/model.ts';
import type { ClaimLease, ClaimResult, DeliveryLedger } from '../pipeline/ports.ts';
import { defineScript, type RedisKeys } from './redis-keys.ts';
import { CLAIM_LUA, EXPIRE_LUA, FREEZE_CHUNK_LUA, RECORD_LUA, RENEW_LUA, REQUEUE_LUA } from './redis-ledger-scripts.ts';

/**
 * The ledger, not the queue, decides whether a message goes out (BullMQ is at-least-once). Every
 * transition is one script (redis-ledger-scripts.ts), so a stalled job re-run alongside its
 * original can never both win.
 */

const DEFAULT_LEASE_MS = 120_000;
/** How long a planner waits for another planner's freeze before taking it over (idempotently). */
const FREEZE_TAKEOVER_MS = 30_000;
const EXPIRED_LEASE_ERROR =
  'lease expired while sending: the process stopped between the claim and the SMTP outcome, so the server may or may not have accepted it';

export function createDeliveryLedger(redis: Redis, k: RedisKeys): DeliveryLedger {
  const freezeChunk = defineScript(redis, 'fronteraFreezeChunk', FREEZE_CHUNK_LUA);
  const claim = defineScript(redis, 'fronteraClaimDelivery', CLAIM_LUA);
  const renew = defineScript(redis, 'fronteraRenewLease', RENEW_LUA);
  const record = defineScript(redis, 'fronteraRecordOutcome', RECORD_LUA);
  const expire = defineScript(redis, 'fronteraExpireLeases', EXPIRE_LUA);
  const requeue = defineScript(redis, 'fronteraRequeueFailed', REQUEUE_LUA);
  const statusPrefix = k.subscribersByStatus('' as never);

  const addChunk = async (digestId: string, ids: string[], pausedBefore?: Date): Promise<string[]> =>
    ids.length === 0
      ? []
      : ((await freezeChunk.run([k.audience(digestId), k.deliveries(digestId), k.deliveryCounts(digestId)], [
          new Date().toISOString(),
          digestId,
          k.subscriberPrefix,
          pausedBefore ? pausedBefore.toISOString() : '',
          ...ids,
        ])) as string[]);

  /**
   * Streams the confirmed subscribers into the audience in chunks (SSCAN, one script per chunk),
   * so 100,000 ids are never held in one Lua call or one array. The marker says whether the
   * freeze finished; whoever set it first does the freezing.
   */
  async function freezeConfirmed(digestId: string, onChunk: (ids: string[]) => Promise<void>, opts: { chunkSize?: number; pausedBefore?: Date } = {}) {
    const chunkSize = opts.chunkSize ?? 1000;
    const marker = k.audienceFrozen(digestId);
    let won = (await redis.set(marker, `freezing ${Date.now()}`, 'NX')) === 'OK';
    if (!won) {
      const deadline = Date.now() + FREEZE_TAKEOVER_MS;
      while (((await redis.get(marker)) ?? '').startsWith('freezing') && Date.now() < deadline) await sleep(100);
      // Still unfinished: its planner died mid-freeze. Adding ids again is a no-op, so take over.
      won = ((await redis.get(marker)) ?? '').startsWith('freezing');
    }
    if (won) {
      let cursor = '0';
      do {
        const [next, ids] = await redis.sscan(k.subscribersByStatus('confirmed'), cursor, 'COUNT', chunkSize);
        cursor = next;
        const added = await addChunk(digestId, ids, opts.pausedBefore);
        if (added.length) await onChunk(added);
      } while (cursor !== '0');
      await redis.set(marker, 'frozen');
    }
    return { frozenNow: won, audience: await redis.scard(k.audience(digestId)) };
  }

  /** Puts `failed` back to `pending` and hands every pending id to onChunk (HSCAN, no decoding). */
  async function requeuePending(digestId: string, onChunk: (ids: string[]) => Promise<void>, chunkSize = 1000) {
    const seen = new Set<string>();
    let requeued = 0;
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(k.deliveries(digestId), cursor, 'COUNT', chunkSize);
      cursor = next;
      const pending: string[] = [];
      const failed: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i]!;
        if (seen.has(id)) continue;
        const value = flat[i + 1]!;
        if (value.includes('"state":"pending"')) pending.push(id);
        else if (value.includes('"state":"failed"')) failed.push(id);
        else continue;
        seen.add(id);
      }
      if (failed.length) {
        const done = (await requeue.run([k.deliveries(digestId), k.deliveryCounts(digestId)], [new Date().toISOString(), ...failed])) as string[];
        requeued += done.length;
        pending.push(...done);
      }
      if (pending.length) await onChunk(pending);
    } while (cursor !== '0');
    return { requeued, pending: seen.size };
  }

  async function audience(digestId: string): Promise<string[]> {
    return (await redis.smembers(k.audience(digestId))).sort();
  }

  const leaseArgs = (lease: ClaimLease) => {
    const until = Date.now() + lease.leaseMs;
    return [new Date(until).toISOString(), until] as const;
  };

  return {
    async freezeAudience(digestId, subscriberIds) {
      if ((await redis.set(k.audienceFrozen(digestId), 'freezing', 'NX')) === 'OK') {
        for (let i = 0; i < subscriberIds.length; i += 1000) await addChunk(digestId, subscriberIds.slice(i, i + 1000));
        await redis.set(k.audienceFrozen(digestId), 'frozen');
      }
      return audience(digestId);
    },
    freezeConfirmed,
    requeuePending,
    audience,

    async claimDelivery(digestId, subscriberId, lease = { owner: randomBytes(8).toString('hex'), leaseMs: DEFAULT_LEASE_MS }) {
      const reply = (await claim.run(
        [
          k.audience(digestId),
          k.deliveries(digestId),
          k.deliveryCounts(digestId),
          k.subscriber(subscriberId),
          k.deliveryLeases(digestId),
          k.deliveryBreaker(digestId),
        ],
        [subscriberId, new Date().toISOString(), lease.owner, ...leaseArgs(lease)],
      )) as [string, string?, string?];
      const [verdict, state] = reply;
      if (verdict === 'claimed') {
        const lang = Language.safeParse(reply[2]);
        return { claimed: true, ...(state ? { email: state } : {}), ...(lang.success ? { lang: lang.data } : {}) };
      }
      const result: ClaimResult = { claimed: false, reason: verdict as 'already-claimed' | 'not-in-audience' | 'unsubscribed' | 'paused' };
      if (state !== undefined) result.state = DeliveryState.parse(state);
      return result;
    },

    async renewLease(digestId, subscriberId, lease) {
      return (await renew.run([k.deliveries(digestId), k.deliveryLeases(digestId)], [subscriberId, lease.owner, ...leaseArgs(lease)])) === 1;
    },

    async recordOutcome(digestId, subscriberId, outcome) {
      const [verdict, state] = (await record.run(
        [k.deliveries(digestId), k.deliveryCounts(digestId), k.deliveryLeases(digestId), k.deliveryBreaker(digestId)],
        [
          subscriberId,
          DeliveryState.parse(outcome.state),
          new Date().toISOString(),
          outcome.messageId ?? '',
          outcome.error ?? '',
          k.subscriberPrefix,
          statusPrefix,
          outcome.policy ? '1' : '0',
          outcome.tripAfter ?? 10,
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

    async expireLeases(digestId) {
      let total = 0;
      for (;;) {
        const n = (await expire.run([k.deliveries(digestId), k.deliveryCounts(digestId), k.deliveryLeases(digestId)], [
          Date.now(),
          new Date().toISOString(),
          EXPIRED_LEASE_ERROR,
        ])) as number;
        total += n;
        if (n < 500) return total;
      }
    },

    async nextLeaseExpiry(digestId) {
      const [, score] = await redis.zrange(k.deliveryLeases(digestId), 0, 0, 'WITHSCORES');
      return score === undefined ? undefined : new Date(Number(score));
    },

    async sendBreaker(digestId) {
      const h = await redis.hgetall(k.deliveryBreaker(digestId));
      return {
        consecutive: Number(h.consecutive ?? 0),
        ...(h.trippedAt ? { trippedAt: h.trippedAt } : {}),
        ...(h.reason ? { reason: h.reason } : {}),
      };
    },

    async resumeSend(digestId) {
      return (await redis.del(k.deliveryBreaker(digestId))) === 1;
    },

    async getDelivery(digestId, subscriberId) {
      const raw = await redis.hget(k.deliveries(digestId), subscriberId);
      return raw ? parseDelivery(raw) : undefined;
    },

    async listDeliveries(digestId, state) {
      const all = (await redis.hvals(k.deliveries(digestId))).map(parseDelivery);
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

function parseDelivery(raw: string): Delivery {
  // `owner` is the claim's private token; it stays in Redis.
  const { owner: _owner, ...rest } = JSON.parse(raw) as Record<string, unknown>;
  return Delivery.parse(rest);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
