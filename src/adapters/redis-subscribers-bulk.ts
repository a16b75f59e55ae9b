import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SubscriberStatus } from '../domain/model.ts';
import type { SubscriberBulkStore, UpsertOutcome } from '../pipeline/ports.ts';
import { chunk, defineScript, type RedisKeys } from './redis-keys.ts';
import { UPSERT_LUA } from './redis-subscriber-scripts.ts';
import { emailKey, fieldsJson } from './redis-subscribers.ts';

/**
 * The operator's bulk paths over the subscriber records: `subscribers import` and the addresses
 * behind `deliveries list`. Scripts over hundreds of rows per call instead of one or more awaited
 * round trips per row: at 100,000 rows the round trips, not Redis, were the cost. Imports run the
 * very same upsert script as a single sign-up, so a row and a form post obey identical rules.
 */

const ROWS_PER_CALL = 500;
const IDS_PER_CALL = 2000;
const UPSERT_ARGS = 13;

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

/** KEYS: none. ARGV: subscriberPrefix, field, ids. The field of each id, or false where it is gone. */
const FIELD_LUA = `
local out = {}
for i = 3, #ARGV do out[#out + 1] = redis.call('HGET', ARGV[1] .. ARGV[i], ARGV[2]) end
return out`;

export function createSubscriberBulkStore(redis: Redis, k: RedisKeys): SubscriberBulkStore {
  const upsertMany = defineScript(redis, 'fronteraUpsertSubscribers', UPSERT_MANY_LUA);
  const fieldOf = defineScript(redis, 'fronteraSubscriberField', FIELD_LUA);
  const statusPrefix = k.subscribersByStatus('' as SubscriberStatus);

  async function field(ids: string[], name: string): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    for (const part of chunk(ids, IDS_PER_CALL)) {
      const got = (await fieldOf.run([], [k.subscriberPrefix, name, ...part])) as (string | null)[];
      part.forEach((id, i) => {
        const v = got[i];
        if (v) values.set(id, v);
      });
    }
    return values;
  }

  return {
    async upsertSubscribers(rows) {
      const out: { id: string; outcome: UpsertOutcome }[] = new Array(rows.length);
      // All calls go out on the one connection at once: Redis runs them in the order sent (file
      // order) while the next batch is encoded.
      const calls: Promise<void>[] = [];
      let offset = 0;
      for (const part of chunk(rows, ROWS_PER_CALL)) {
        const args: string[] = [String(UPSERT_ARGS)];
        const now = new Date().toISOString();
        // One random draw per call, not per row: randomBytes per row was a tenth of the import.
        const ids = randomBytes(10 * part.length).toString('hex');
        for (const [i, row] of part.entries()) {
          const trimmed = row.email.normalize('NFC').trim();
          // Same argument list as redis-subscribers.ts addSubscriber, row by row.
          args.push(
            emailKey(trimmed),
            trimmed,
            row.name?.trim() ?? '',
            row.name === undefined ? '0' : '1',
            SubscriberStatus.parse(row.status),
            now,
            `sub_${ids.slice(i * 20, i * 20 + 20)}`,
            k.subscriberPrefix,
            statusPrefix,
            row.createOnly ? '-' : (row.onlyFrom ?? []).map((st) => SubscriberStatus.parse(st)).join(','),
            row.suppressionHash ?? '',
            row.allowSuppressed ? '1' : '0',
            fieldsJson(row.fields),
          );
        }
        const at = offset;
        offset += part.length;
        calls.push(
          upsertMany.run([k.subscriberEmails, k.suppressed], args).then((results) => {
            (results as [string, UpsertOutcome][]).forEach(([id, outcome], i) => (out[at + i] = { id, outcome }));
          }),
        );
      }
      await Promise.all(calls);
      return out;
    },

    subscriberEmails: (ids) => field(ids, 'email'),

    async subscriberStatuses(ids) {
      const raw = await field(ids, 'status');
      return new Map([...raw].map(([id, s]) => [id, SubscriberStatus.parse(s)]));
    },
  };
}
