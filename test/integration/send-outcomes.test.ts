import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import { sendBatch, type SendDeps } from '../../src/pipeline/send-batch.ts';
import { planSend } from '../../src/pipeline/send-digest.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const run = promisify(execFile);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * What the ledger records for each SMTP outcome, against a real SMTP server that refuses, defers
 * or drops the connection after DATA, and that re-running a batch never sends twice.
 */
describe('send outcomes in the ledger', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: Store;
  let sink: SmtpSink;
  let deps: SendDeps;
  const busyOnce = new Set<string>();
  const droppedOnce = new Set<string>();

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    store = createRedisStore(client, 'outcomes');
    sink = await startSmtpSink({
      failRcpt: (addr) => {
        if (addr.startsWith('gone@')) return 550;
        // Busy the first time only: a retry of the batch gets through.
        if (addr.startsWith('busy@') && !busyOnce.has(addr)) {
          busyOnce.add(addr);
          return 451;
        }
        return undefined;
      },
      // Drops the connection after DATA the first time only.
      dropAfterData: (addr) => {
        if (!addr.startsWith('flaky@') || droppedOnce.has(addr)) return false;
        droppedOnce.add(addr);
        return true;
      },
    });
    deps = {
      store,
      mailer: createSmtpMailer({ url: sink.url, poolSize: 2, from: 'Frontera <digest@frontera.test>' }),
      clock: { now: () => new Date() },
      logger: quiet,
      mail: { from: 'Frontera <digest@frontera.test>', publicUrl: 'https://frontera.test', secret: 'k'.repeat(40) },
      cache: new Map(),
      // Several deliveries in flight, as the worker runs them.
      concurrency: 3,
      policy: { retryBaseMs: 20 },
    };
  });
  afterAll(async () => {
    await deps?.mailer.close();
    await sink?.stop();
    client?.disconnect();
    await redis?.stop();
  });

  it('records sent, bounced, uncertain and retried deliveries, and never sends one twice', async () => {
    const digest = makeDigestFixture();
    await store.saveDigest(digest, await renderDigest(digest, { publicUrl: 'https://frontera.test', postalAddress: 'CDMX' }));
    const emails = ['ok@example.org', 'gone@example.org', 'busy@example.org', 'flaky@example.org', 'left@example.org'];
    const subs = await Promise.all(emails.map((email) => store.upsertSubscriber({ email, status: 'confirmed' })));
    const ids = subs.map((s) => s.id);
    await store.freezeAudience(digest.id, ids);
    // Unsubscribes after the audience froze, before the claim: honoured.
    await store.setSubscriberStatus(subs[4]!.id, 'unsubscribed');

    // The 451 is retried inside the batch, with backoff, holding the claim.
    const first = await sendBatch(deps, digest.id, ids);
    expect(first).toMatchObject({ sent: 2, bounced: 1, uncertain: 1, skipped: 1, failed: 0 });
    const state = async (i: number) => (await store.getDelivery(digest.id, ids[i]!))?.state;
    expect(await state(0)).toBe('sent');
    expect(await state(1)).toBe('bounced');
    expect(await state(2)).toBe('sent');
    expect(await state(3)).toBe('uncertain');
    expect(await state(4)).toBe('skipped');
    expect((await store.getSubscriber(ids[1]!))?.status).toBe('bounced');

    // The same batch run again (as BullMQ may) sends nothing.
    expect(await sendBatch(deps, digest.id, ids)).toMatchObject({ sent: 0, skipped: 5 });

    const accepted = sink.messages.flatMap((m) => m.envelope.to);
    expect(accepted.filter((a) => a === 'ok@example.org')).toHaveLength(1);
    expect(accepted.filter((a) => a === 'busy@example.org')).toHaveLength(1);
    expect(accepted).not.toContain('gone@example.org');
    expect(accepted).not.toContain('left@example.org');
    // The uncertain one crossed the wire once and is not retried automatically.
    expect(await state(3)).toBe('uncertain');

    expect(await store.deliveryCounts(digest.id)).toMatchObject({ sent: 2, bounced: 1, uncertain: 1, skipped: 1, pending: 0, sending: 0, failed: 0 });
    // An uncertain delivery remains: the digest is not `sent`.
    expect((await store.getDigest(digest.id))?.status).toBe('partially_sent');
  });

  it('lets an operator list an uncertain delivery and resolve it, after which send retries it once', async () => {
    const digest = makeDigestFixture();
    const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'outcomes', SECRET_KEY: 'k'.repeat(40), DATA_DIR: tmpdir() };
    const cli = (...args: string[]) => run('node', ['bin/frontera.mjs', 'deliveries', ...args], { env });

    const uncertain = JSON.parse((await cli('list', digest.id, '--state', 'uncertain', '--json')).stdout) as { email: string }[];
    expect(uncertain.map((d) => d.email)).toEqual(['flaky@example.org']);
    const wrong = await cli('resolve', digest.id, 'ok@example.org', '--as', 'failed').catch((e: { code: number; stderr: string }) => e);
    expect(wrong).toMatchObject({ code: 2 });
    expect((wrong as { stderr: string }).stderr).toContain('is sent');

    await cli('resolve', digest.id, 'flaky@example.org', '--as', 'failed');
    const before = sink.messages.length;
    // A new send puts failed back to pending and plans only those.
    const planned: string[][] = [];
    const plan = await planSend({ store, logger: quiet, clock: { now: () => new Date() }, batchSize: 10 }, digest.id, async (b) => void planned.push(...b));
    expect(plan).toMatchObject({ requeued: 1, planned: 1 });
    expect(await sendBatch(deps, digest.id, planned.flat())).toMatchObject({ sent: 1 });
    expect(sink.messages.length).toBe(before + 1);
    expect(await store.deliveryCounts(digest.id)).toMatchObject({ sent: 3, uncertain: 0 });
    expect((await store.getDigest(digest.id))?.status).toBe('sent');
  });
});

