import type { Redis } from 'ioredis';
import type { CompactionResult, LedgerCompactor } from '../pipeline/ports.ts';
import { defineScript, type RedisKeys } from './redis-keys.ts';

/**
 * Ledger compaction: once an issue has settled, its routine deliveries (`sent` with nothing
 * reported, `skipped`) are only counts. Each costs ~400 bytes of Redis as a record plus an
 * audience entry, 40 MB an issue at 100,000 readers, so they are folded away and only the
 * exceptions stay: failed (the next `send` retries them, so they stay in the audience too),
 * bounced, uncertain, and any delivery a late report was recorded on. The counts hash is never
 * touched, so `status`, the archive and reconciliation read the same numbers as before.
 */

export const compactedKey = (k: RedisKeys, digestId: string) => `${k.prefix}:delivery:${digestId}:compacted`;

/**
 * KEYS: records, audience. ARGV: subscriber ids scanned. Re-reads each record inside the script:
 * a late report landing between the scan and this call turns a routine record into an exception,
 * and must not be lost. Returns the number removed.
 */
const FOLD_LUA = `
local removed = 0
for i = 1, #ARGV do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw then
    local rec = cjson.decode(raw)
    if (rec.state == 'sent' or rec.state == 'skipped') and rec.report == nil then
      redis.call('HDEL', KEYS[1], ARGV[i])
      redis.call('SREM', KEYS[2], ARGV[i])
      removed = removed + 1
    end
  end
end
return removed`;

/**
 * KEYS: records, audience, scratch. Redis shrinks a hash's table lazily, by incremental rehashing
 * that only progresses while the key is used, so a hash that lost 99 % of its fields can keep its
 * old table for weeks. Copying the few exceptions into a fresh key and renaming it over the old
 * one frees that memory now. One script, so no write can land between copy and rename.
 */
const REBUILD_LUA = `
for i, key in ipairs({KEYS[1], KEYS[2]}) do
  local kind = redis.call('TYPE', key).ok
  redis.call('DEL', KEYS[3])
  if kind == 'hash' then
    local all = redis.call('HGETALL', key)
    for j = 1, #all, 2 do redis.call('HSET', KEYS[3], all[j], all[j + 1]) end
  elseif kind == 'set' then
    for _, member in ipairs(redis.call('SMEMBERS', key)) do redis.call('SADD', KEYS[3], member) end
  end
  if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], key) end
end
return 1`;

const SCAN_COUNT = 1000;

export function createLedgerCompactor(redis: Redis, k: RedisKeys): LedgerCompactor {
  const fold = defineScript(redis, 'fronteraFoldDeliveries', FOLD_LUA);
  const rebuild = defineScript(redis, 'fronteraRebuildLedgerKeys', REBUILD_LUA);

  async function memoryOf(digestId: string): Promise<number> {
    const keys = [k.deliveries(digestId), k.audience(digestId), k.deliveryCounts(digestId)];
    const sizes = await Promise.all(keys.map((key) => redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') as Promise<number | null>));
    return sizes.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  }

  return {
    async compactionInfo(digestId) {
      const raw = await redis.get(compactedKey(k, digestId));
      return raw ? (JSON.parse(raw) as CompactionResult) : undefined;
    },

    async lastActivity(digestId) {
      // Newest updatedAt across the records: when the issue last changed. One HSCAN pass.
      let latest = '';
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(k.deliveries(digestId), cursor, 'COUNT', SCAN_COUNT);
        cursor = next;
        for (let i = 1; i < flat.length; i += 2) {
          const m = /"updatedAt":"([^"]+)"/.exec(flat[i]!);
          if (m && m[1]! > latest) latest = m[1]!;
        }
      } while (cursor !== '0');
      return latest === '' ? undefined : latest;
    },

    async compactDeliveries(digestId) {
      const before = await memoryOf(digestId);
      const recordsBefore = await redis.hlen(k.deliveries(digestId));
      let removed = 0;
      let cursor = '0';
      // HSCAN may return an id twice; the script's re-read makes a repeat harmless.
      do {
        const [next, flat] = await redis.hscan(k.deliveries(digestId), cursor, 'COUNT', SCAN_COUNT);
        cursor = next;
        const routine: string[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          if (/"state":"(sent|skipped)"/.test(flat[i + 1]!) && !flat[i + 1]!.includes('"report":')) routine.push(flat[i]!);
        }
        if (routine.length > 0) {
          removed += Number(await fold.run([k.deliveries(digestId), k.audience(digestId)], routine));
        }
      } while (cursor !== '0');
      await rebuild.run([k.deliveries(digestId), k.audience(digestId), `${compactedKey(k, digestId)}:scratch`], []);
      const result: CompactionResult = {
        digestId,
        compactedAt: new Date().toISOString(),
        recordsBefore,
        removed,
        kept: await redis.hlen(k.deliveries(digestId)),
        bytesBefore: before,
        bytesAfter: await memoryOf(digestId),
      };
      await redis.set(compactedKey(k, digestId), JSON.stringify(result));
      return result;
    },
  };
}
