import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerCompactor } from '../../src/adapters/redis-compaction.ts';
import { redisKeys } from '../../src/adapters/redis-keys.ts';
import { createLateReportStore } from '../../src/adapters/redis-late-reports.ts';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { compactDigestLedger, type CompactDeps } from '../../src/pipeline/compact-ledger.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

const run = promisify(execFile);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const N = 2000;
const DAY = 86_400_000;

/** A settled 2,000-reader issue folded down to its counts and exceptions, in a real Redis. */
describe('ledger compaction', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: Store;
  let deps: CompactDeps;
  const digest = { ...makeDigestFixture(), id: 'd_20261130_compact', status: 'sent' as const };
  const ids: string[] = [];
  const exceptions = new Map<string, 'failed' | 'bounced' | 'uncertain'>();

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    store = createRedisStore(client, 'compact');
    const k = redisKeys('compact');
    deps = { store, compactor: createLedgerCompactor(client, k), clock: { now: () => new Date() }, logger: quiet, afterDays: 30 };
    await store.saveDigest(digest, { subject: 's', html: '<p>h</p>', text: 't' });
    const rows = Array.from({ length: N }, (_, i) => ({ email: `r${i}@example.org`, status: 'confirmed' as const }));
    ids.push(...(await store.upsertSubscribers(rows)).map((r) => r.id));
    await store.freezeAudience(digest.id, ids);
    // One reader left before their claim; a few deliveries end as exceptions.
    await store.setSubscriberStatus(ids[0]!, 'unsubscribed');
    for (let i = 1; i <= 30; i++) exceptions.set(ids[i]!, i <= 10 ? 'failed' : i <= 20 ? 'bounced' : 'uncertain');
    const pipeOf = async (id: string) => {
      await store.claimDelivery(digest.id, id);
      const state = exceptions.get(id);
      if (state !== undefined || id !== ids[0]) {
        await store.recordOutcome(digest.id, id, state ? { state, error: `test ${state}` } : { state: 'sent', messageId: `<${digest.id}.${id}@x>` });
      }
    };
    for (let i = 0; i < N; i += 50) await Promise.all(ids.slice(i, i + 50).map(pipeOf));
    // A complaint recorded on a sent delivery is an exception worth keeping too.
    await createLateReportStore(client, k).applyLateReport(digest.id, ids[100]!, { kind: 'complained', reason: 'feedback report (ARF): abuse' });
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('waits until the issue has been quiet for the configured period', async () => {
    expect(await compactDigestLedger(deps, digest.id)).toMatchObject({ compacted: false, reason: expect.stringMatching(/compacts after 30/) });
    expect(await client.hlen('compact:delivery:d_20261130_compact:records')).toBe(N);
  });

  it('keeps the counts and the exceptions, and frees most of the memory', async () => {
    const counts = await store.deliveryCounts(digest.id);
    expect(counts).toMatchObject({ sent: N - 31, skipped: 1, failed: 10, bounced: 10, uncertain: 10, pending: 0, sending: 0 });
    const later = { ...deps, clock: { now: () => new Date(Date.now() + 31 * DAY) } };
    const outcome = await compactDigestLedger(later, digest.id);
    expect(outcome.compacted).toBe(true);
    if (!outcome.compacted) return;
    expect(outcome.result).toMatchObject({ recordsBefore: N, removed: N - 31, kept: 31 });
    // MEMORY USAGE of records + audience + counts, read from Redis itself.
    expect(outcome.result.bytesBefore).toBeGreaterThan(20 * outcome.result.bytesAfter);
    expect(await store.deliveryCounts(digest.id)).toEqual(counts);
    const kept = await store.listDeliveries(digest.id);
    expect(kept.map((d) => d.subscriberId).sort()).toEqual([...exceptions.keys(), ids[100]!].sort());
    // The audience shrinks to the exceptions: a later `send` retries the failed and nobody else.
    expect((await store.audience(digest.id)).sort()).toEqual(kept.map((d) => d.subscriberId).sort());
    expect(await store.claimDelivery(digest.id, ids[500]!)).toMatchObject({ claimed: false });
    // A new send puts the failed back to pending (only those) and claims them.
    const replanned: string[] = [];
    expect(await store.requeuePending(digest.id, async (chunk) => void replanned.push(...chunk))).toMatchObject({ requeued: 10 });
    expect(replanned.sort()).toEqual([...exceptions].filter(([, s]) => s === 'failed').map(([id]) => id).sort());
    expect(await store.claimDelivery(digest.id, ids[1]!)).toMatchObject({ claimed: true });
    await store.recordOutcome(digest.id, ids[1]!, { state: 'failed', error: 'test failed again' });
    expect(await compactDigestLedger(later, digest.id)).toMatchObject({ compacted: false, reason: expect.stringMatching(/already compacted/) });
  });

  it('still applies a late bounce for a delivery folded into the counts', async () => {
    const reports = createLateReportStore(client, redisKeys('compact'));
    const applied = await reports.applyLateReport(digest.id, ids[700]!, { kind: 'bounced', reason: 'late DSN, action failed: 5.1.1' });
    expect(applied).toEqual({ delivery: 'moved', subscriber: 'bounced' });
    expect(await store.getDelivery(digest.id, ids[700]!)).toMatchObject({ state: 'bounced' });
    expect(await store.deliveryCounts(digest.id)).toMatchObject({ sent: N - 32, bounced: 11 });
  });

  it('is reported by `deliveries list` and refused by `deliveries compact` for an unsettled issue', async () => {
    const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'compact', SECRET_KEY: 'k'.repeat(40), DATA_DIR: mkdtempSync(join(tmpdir(), 'frontera-compact-')) };
    const listed = await run('node', ['bin/frontera.mjs', 'deliveries', 'list', digest.id], { env });
    expect(listed.stdout).toMatch(/^32 deliveries$/m);
    expect(listed.stdout).toMatch(/ledger compacted .*: 1969 routine deliveries/);
    const draft = { ...makeDigestFixture(), id: 'd_20261207_draft', status: 'draft' as const };
    await store.saveDigest(draft, { subject: 's', html: 'h', text: 't' });
    const refused = await run('node', ['bin/frontera.mjs', 'deliveries', 'compact', draft.id, '--now'], { env }).catch((e: { code: number; stdout: string }) => e);
    expect(refused).toMatchObject({ code: 1, stdout: expect.stringMatching(/not settled \(status draft/) });
  });
});
