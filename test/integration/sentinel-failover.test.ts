import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis-connection.ts';
import { createClaimConfirmer } from '../../src/adapters/redis-replication.ts';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import { sendBatch, type SendDeps } from '../../src/pipeline/send-batch.ts';
import type { DeliveryState } from '../../src/domain/model.ts';
import { PLACEHOLDERS } from '../../src/templates/personalize.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { startSentinelTopology, type SentinelTopology } from '../helpers/redis-sentinel.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const N = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An SMTP server that takes 10 ms per message and records every recipient it accepted. */
async function startSlowSmtp(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () =>
        setTimeout(() => {
          received.push(...session.envelope.rcptTo.map((a) => a.address));
          cb();
        }, 10),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.server.address();
  return {
    url: `smtp://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Sends to 500 readers through a Sentinel-managed primary and fails it over mid-send: the
 * replication links are cut (so half a second of writes exists on the primary only), the primary
 * is SIGKILLed and the Sentinels promote a replica. The send keeps retrying its batches, as the
 * queue would, until nothing is left to claim.
 */
async function sendThroughFailover(topo: SentinelTopology, waitForReplica: boolean) {
  const smtp = await startSlowSmtp();
  const client = createRedis(topo.url);
  client.on('error', () => undefined);
  const store = createRedisStore(client, 'failover');
  const mailer = createSmtpMailer({ url: smtp.url, poolSize: 4, from: 'Frontera <digest@frontera.test>' });
  try {
    const digestId = 'd_20261130_failover';
    const u = PLACEHOLDERS.unsubscribeUrl;
    await store.saveDigest(
      { ...makeDigestFixture(), id: digestId, status: 'approved' },
      { subject: 'Frontera weekly', html: `<p>Hola ${PLACEHOLDERS.email} <a href="${u}">baja</a></p>`, text: `Hola, baja: ${u}` },
    );
    const rows = Array.from({ length: N }, (_, i) => ({ email: `r${i}@example.org`, status: 'confirmed' as const }));
    const ids = (await store.upsertSubscribers(rows)).map((r) => r.id);
    await store.freezeAudience(digestId, ids);
    const deps: SendDeps = {
      store,
      mailer,
      clock: { now: () => new Date() },
      logger: quiet,
      mail: { from: 'Frontera <digest@frontera.test>', publicUrl: 'https://frontera.test', secret: 'k'.repeat(40) },
      cache: new Map(),
      concurrency: 4,
      ...(waitForReplica ? { confirmClaim: createClaimConfirmer(client, { replicas: 1, timeoutMs: 250 }) } : {}),
    };
    const batches = Array.from({ length: N / 50 }, (_, i) => ids.slice(i * 50, i * 50 + 50));

    const failover = (async () => {
      while (smtp.received.length < 60) await sleep(5);
      await topo.isolatePrimary();
      await sleep(500);
      topo.killPrimary();
    })();
    const deadline = Date.now() + 60_000;
    let counts: Record<DeliveryState, number> | undefined;
    while (Date.now() < deadline) {
      // As `frontera send` run again does: failed deliveries (claims a replica never confirmed) go
      // back to pending; the ledger then lets only those through.
      await store.requeuePending(digestId, async () => undefined).catch(() => undefined);
      for (const batch of batches) await sendBatch(deps, digestId, batch).catch(() => sleep(200));
      counts = await store.deliveryCounts(digestId).catch(() => undefined);
      if (counts && counts.pending + counts.failed === 0 && (await topo.currentPrimary()) !== topo.primaryPort) break;
    }
    await failover;
    const states = new Map<string, DeliveryState | undefined>();
    for (const [i, id] of ids.entries()) states.set(`r${i}@example.org`, (await store.getDelivery(digestId, id))?.state);
    return { received: [...smtp.received], states, counts, newPrimary: await topo.currentPrimary() };
  } finally {
    await mailer.close();
    client.disconnect();
    await smtp.close();
  }
}

describe('Redis Sentinel failover mid-send', () => {
  let topo: SentinelTopology | undefined;
  afterEach(async () => {
    await topo?.stop();
    topo = undefined;
  });

  it('without WAIT, claims lost in the failover are sent twice (the hazard is real)', async () => {
    topo = await startSentinelTopology();
    const { received, newPrimary } = await sendThroughFailover(topo, false);
    expect(topo.replicaPorts).toContain(newPrimary);
    expect(received.length - new Set(received).size).toBeGreaterThan(0);
  }, 120_000);

  it('with each claim confirmed by a replica before SMTP, no reader receives the digest twice', async () => {
    topo = await startSentinelTopology();
    const { received, states, counts, newPrimary } = await sendThroughFailover(topo, true);
    expect(topo.replicaPorts).toContain(newPrimary);
    expect(received.length - new Set(received).size).toBe(0);
    expect(counts).toMatchObject({ pending: 0, failed: 0 });
    const got = new Set(received);
    for (const [email, state] of states) {
      // `sent` was accepted exactly once; `sending` is a claim whose outcome the old primary took
      // with it (the lease turns it uncertain for an operator): at most once.
      expect(['sent', 'sending'], email).toContain(state);
      if (state === 'sent') expect(got.has(email), email).toBe(true);
    }
    expect(got.size).toBeGreaterThan(N * 0.9);
  }, 120_000);

  it('`frontera send` through a redis+sentinel:// URL confirms every claim with WAIT and sends each reader once', async () => {
    topo = await startSentinelTopology();
    const sink = await startSmtpSink();
    const client = createRedis(topo.url);
    const primary = new Redis({ host: '127.0.0.1', port: await topo.currentPrimary() });
    try {
      const store = createRedisStore(client, 'cli-sentinel');
      const digest = makeDigestFixture();
      await store.saveDigest(digest, await renderDigest(digest, { publicUrl: 'https://frontera.test', postalAddress: 'CDMX' }));
      await store.upsertSubscribers(Array.from({ length: 20 }, (_, i) => ({ email: `s${i}@example.org`, status: 'confirmed' as const })));
      const waits = async () => Number(/cmdstat_wait:calls=(\d+)/.exec(await primary.info('commandstats'))?.[1] ?? 0);
      const before = await waits();
      const env = {
        ...process.env,
        REDIS_URL: topo.url,
        REDIS_PREFIX: 'cli-sentinel',
        SMTP_URL: sink.url,
        SECRET_KEY: 'k'.repeat(40),
        MAIL_FROM: 'Frontera <digest@frontera.test>',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'frontera-sentinel-cli-')),
      };
      await promisify(execFile)('node', ['bin/frontera.mjs', 'send', digest.id], { env, timeout: 90_000 });
      const to = sink.messages.map((m) => m.envelope.to[0]);
      expect(new Set(to).size).toBe(20);
      expect(to).toHaveLength(20);
      expect(await waits()).toBeGreaterThanOrEqual(before + 20);
    } finally {
      primary.disconnect();
      client.disconnect();
      await sink.stop();
    }
  }, 120_000);
});
