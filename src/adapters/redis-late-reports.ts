import type { Redis } from 'ioredis';
import { digestKeyOf } from '../domain/return-path.ts';
import type { LateReport, LateReportStore } from '../pipeline/ports.ts';
import { compactedKey } from './redis-compaction.ts';
import { defineScript, type RedisKeys } from './redis-keys.ts';

/**
 * Applies what a mail system told us after it had accepted a message: a hard bounce, a permanent
 * failure for another reason, a delay notice, or a complaint. One script, so the delivery record,
 * the per-digest counters and the subscriber's status sets never disagree.
 *
 * KEYS: records, counts, compacted marker, subscriber hash.
 * ARGV: subscriberId, kind, reason, now, statusPrefix, digestId.
 * Returns {delivery verdict, subscriber verdict}.
 *
 * - The delivery moves only from `sent` or `uncertain` (the report proves the server had it): a
 *   bounce → `bounced`, a permanent failure → `failed` (the next `send` may retry it, the reader
 *   is not suppressed). A delivery still `sending` keeps its state (the sender will record the
 *   SMTP outcome; the report is kept alongside).
 * - A compacted ledger no longer holds `sent` records; the signed token proves the message went
 *   out, so the exception record is recreated from the counts.
 * - Subscribers: a bounce makes them `bounced` unless they already left (an unsubscribe records
 *   their own choice); a complaint ends consent whatever the status: `unsubscribed` with
 *   endedReason `complained` (a fresh double opt-in is the only way back, as for any unsubscribe).
 */
const APPLY_REPORT_LUA = `
local sid, kind, reason, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local raw = redis.call('HGET', KEYS[1], sid)
local rec
local verdict = 'recorded'
if raw then
  rec = cjson.decode(raw)
elseif redis.call('EXISTS', KEYS[3]) == 1 then
  rec = {digestId = ARGV[6], subscriberId = sid, state = 'sent', attempts = 1, updatedAt = now}
else
  verdict = 'no-delivery'
end
if rec then
  local target = nil
  if kind == 'bounced' then target = 'bounced' elseif kind == 'failed' then target = 'failed' end
  if target and rec.state ~= target and (rec.state == 'sent' or rec.state == 'uncertain') then
    redis.call('HINCRBY', KEYS[2], rec.state, -1)
    redis.call('HINCRBY', KEYS[2], target, 1)
    rec.state = target
    rec.error = reason
    rec.updatedAt = now
    verdict = 'moved'
  end
  rec.report = reason
  rec.reportedAt = now
  redis.call('HSET', KEYS[1], sid, cjson.encode(rec))
end
local sub = 'unchanged'
local status = redis.call('HGET', KEYS[4], 'status')
local want = nil
if kind == 'bounced' and status ~= 'unsubscribed' and status ~= 'bounced' then want = 'bounced' end
if kind == 'complained' and redis.call('HGET', KEYS[4], 'endedReason') ~= 'complained' then want = 'unsubscribed' end
if not status then
  sub = 'missing'
elseif want then
  if status ~= want then
    redis.call('SREM', ARGV[5] .. status, sid)
    redis.call('SADD', ARGV[5] .. want, sid)
  end
  -- The consent record keeps why it ended: 'bounced', or 'complained' for a spam report.
  redis.call('HSET', KEYS[4], 'status', want, 'endedReason', kind, 'endedAt', now, 'updatedAt', now)
  sub = kind
end
return {verdict, sub}`;

const MAX_REASON = 500;
const REFRESH_MS = 5_000;

export function createLateReportStore(redis: Redis, k: RedisKeys): LateReportStore {
  const apply = defineScript(redis, 'fronteraApplyLateReport', APPLY_REPORT_LUA);
  // Digest ids only ever get added, so a key seen once stays valid; refreshed on a miss, at most
  // every few seconds, so a sender spraying made-up tokens cannot turn each into a Redis scan.
  let byKey = new Map<string, string[]>();
  let refreshedAt = 0;

  async function refresh(): Promise<void> {
    if (Date.now() - refreshedAt < REFRESH_MS) return;
    refreshedAt = Date.now();
    const ids = await redis.zrange(k.digestsByPeriodEnd, 0, -1);
    const next = new Map<string, string[]>();
    for (const id of ids) next.set(digestKeyOf(id), [...(next.get(digestKeyOf(id)) ?? []), id]);
    byKey = next;
  }

  return {
    async digestsForKey(key) {
      if (!byKey.has(key)) await refresh();
      return byKey.get(key) ?? [];
    },

    async applyLateReport(digestId: string, subscriberId: string, report: LateReport) {
      const [delivery, subscriber] = (await apply.run(
        [k.deliveries(digestId), k.deliveryCounts(digestId), compactedKey(k, digestId), k.subscriber(subscriberId)],
        [
          subscriberId,
          report.kind,
          // Control characters (terminal escapes included) would reach the operator's screen
          // through `deliveries list`; the report is hostile text.
          report.reason.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').slice(0, MAX_REASON),
          new Date().toISOString(),
          k.subscribersByStatus('' as never),
          digestId,
        ],
      )) as [string, string];
      return { delivery: delivery as 'moved' | 'recorded' | 'no-delivery', subscriber };
    },
  };
}
