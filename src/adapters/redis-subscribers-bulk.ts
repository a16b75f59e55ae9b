import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SubscriberStatus } from '../domain/model.ts';
import type { SubscriberBulkStore } from '../pipeline/ports.ts';
import { chunk, defineScript, type RedisKeys } from './redis-keys.ts';
import { emailKey, UPSERT_LUA } from './redis-subscribers.ts';

/**
 * The operator's bulk paths over the subscriber records: `subscribers import` and the addresses
 * behind `deliveries list`. Scripts over hundreds of rows per call instead of several awaited
 * round trips per row: at 100,000 rows the round trips, not Redis, were the cost. Imports run the very same
 * upsert script as a single sign-up, so a row and a form post obey identical rules.
 */

const ROWS_PER_CALL = 500;
const IDS_PER_CALL = 2000;
const UPSERT_ARGS = 10;

/**
 * Many upserts in one script call: the single-row script runs unchanged as a local function (its
 * KEYS and ARGV become parameters), so both paths share one definition. A call of 500 rows holds
 * Redis for a few milliseconds, short enough not to stall a send running meanwhile.
 * ARGV: argument count per row, then the rows' arguments back to back.
 */
const UPSERT_MANY_LUA = `
local function upsert(KEYS, ARGV)
${UPSERT_LUA}
end
local n = tonumber(ARGV[1])
local out = {}
for i = 0, (#ARGV - 1) / n - 1 do
  out[#out + 1] = upsert(KEYS, {unpack(ARGV, 2 + i * n, 1 + (i + 1) * n)})
end
return out`;

/** KEYS: none. ARGV: subscriberPrefix, ids. The email of each id, or false where it is gone. */
const EMAILS_LUA = `
local out = {}
for i = 2, #ARGV do out[#out + 1] = redis.call('HGET', ARGV[1] .. ARGV[i], 'email') end
return out`;

export function createSubscriberBulkStore(redis: Redis, k: RedisKeys): SubscriberBulkStore {
  const upsertMany = defineScript(redis, 'fronteraUpsertSubscribers', UPSERT_MANY_LUA);
  const emailsOf = defineScript(redis, 'fronteraSubscriberEmails', EMAILS_LUA);
  const statusPrefix = k.subscribersByStatus('' as SubscriberStatus);

  return {
    async upsertSubscribers(rows) {
      const out: { id: string; added: boolean }[] = [];
      // All calls go out on the one connection at once: Redis runs them in the order sent (file
      // order, so a repeated address ends with its last row) while the next batch is encoded.
      const calls: Promise<void>[] = [];
      for (const part of chunk(rows, ROWS_PER_CALL)) {
        const fresh: string[] = [];
        const args: string[] = [String(UPSERT_ARGS)];
        const now = new Date().toISOString();
        for (const row of part) {
          const trimmed = row.email.normalize('NFC').trim();
          const newId = `sub_${randomBytes(10).toString('hex')}`;
          fresh.push(newId);
          args.push(
            emailKey(trimmed),
            trimmed,
            row.name?.trim() ?? '',
            row.name === undefined ? '0' : '1',
            SubscriberStatus.parse(row.status),
            now,
            newId,
            k.subscriberPrefix,
            statusPrefix,
            '',
          );
        }
        const offset = out.length;
        out.length += part.length;
        calls.push(
          upsertMany.run([k.subscriberEmails], args).then((ids) => {
            // The script returns the id it used: the fresh one only when it created the subscriber.
            (ids as string[]).forEach((id, i) => (out[offset + i] = { id, added: id === fresh[i] }));
          }),
        );
      }
      await Promise.all(calls);
      return out;
    },

    async subscriberEmails(ids) {
      const emails = new Map<string, string>();
      for (const part of chunk(ids, IDS_PER_CALL)) {
        const values = (await emailsOf.run([], [k.subscriberPrefix, ...part])) as (string | null)[];
        part.forEach((id, i) => {
          const email = values[i];
          if (email) emails.set(id, email);
        });
      }
      return emails;
    },
  };
}
