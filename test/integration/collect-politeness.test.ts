import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisHostGate } from '../../src/adapters/host-gate.ts';
import { createHttpFetcher } from '../../src/adapters/http-fetcher.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { enqueueCollect } from '../../src/jobs/producers.ts';
import { collectFeed } from '../../src/pipeline/collect-feed.ts';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS } from '../../src/pipeline/feed-backoff.ts';
import { startCollectWorker } from '../../src/workers/collect-worker.ts';
import { serveLoopback, type LoopbackServer } from '../helpers/loopback-server.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

const run = promisify(execFile);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const RSS = '<rss version="2.0"><channel><title>T</title><item><title>Cártel de Sinaloa</title><link>https://n.example/1</link></item></channel></rss>';

/** Real Redis, real loopback servers: what the publisher's server saw is what is asserted. */
describe('polite, persistent collection', () => {
  let redis: TestRedis;
  let app: App;
  let dir: string;
  const servers: LoopbackServer[] = [];
  let limited: LoopbackServer;
  let dated: LoopbackServer;
  let failing: LoopbackServer;

  beforeAll(async () => {
    redis = await startRedis();
    limited = await serveLoopback((_q, res) => void res.writeHead(429, { 'retry-after': '3600' }).end('slow down'), '127.0.0.2');
    const until = new Date(Date.now() + 2 * 3_600_000).toUTCString();
    dated = await serveLoopback((_q, res) => void res.writeHead(503, { 'retry-after': until }).end(), '127.0.0.3');
    failing = await serveLoopback((_q, res) => void res.writeHead(500).end(), '127.0.0.4');
    servers.push(limited, dated, failing);
    dir = mkdtempSync(join(tmpdir(), 'frontera-polite-'));
    const feeds = [
      ['limited', `${limited.url}/feed`],
      ['dated', `${dated.url}/feed`],
      ['failing', `${failing.url}/feed`],
    ];
    writeFileSync(join(dir, 'feeds.yaml'), `feeds:\n${feeds.map(([id, url]) => `  - { id: ${id}, name: ${id}, url: "${url}", language: es }\n`).join('')}`);
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: 'polite', DATA_DIR: dir, FETCH_ALLOW_PRIVATE: '127.0.0.0/8', FETCH_HOST_INTERVAL_MS: '0' };
    app = await createApp(loadConfig(env, { feedsFile: join(dir, 'feeds.yaml') }), { logger: quiet });
  });

  afterAll(async () => {
    await app?.close();
    for (const s of servers) await s.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const deps = () => ({ fetcher: app.fetcher, parser: app.parser, store: app.store, logger: quiet, topic: app.config.topic, random: () => 0 });
  const feed = (id: string) => app.config.feeds.find((f) => f.id === id)!;

  it('a 429 with Retry-After: 3600 makes the worker wait an hour, not 30 s, and the publisher sees one request', async () => {
    const worker = startCollectWorker(app);
    try {
      const [job] = await enqueueCollect(app.queues, ['limited']);
      let state = await job!.getState();
      for (let i = 0; i < 100 && state !== 'delayed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = await job!.getState();
      }
      expect(state).toBe('delayed');
      const delayed = (await app.queues.collect.getJob(job!.id!))!;
      expect(delayed.delay).toBeGreaterThan(3_590_000);
      expect(delayed.delay).toBeLessThanOrEqual(3_600_000);
      const feedState = await app.store.getFeedState('limited');
      expect(feedState).toMatchObject({ consecutiveFailures: 1, lastErrorCode: 'FEED_HTTP_ERROR' });
      expect(Date.parse(feedState!.nextAttemptAt!) - Date.now()).toBeGreaterThan(3_590_000);
      // Collect again by hand: skipped, and it says why.
      const again = await collectFeed({ ...deps(), clock: { now: () => new Date() } }, feed('limited'));
      expect(again).toMatchObject({ status: 'deferred', nextAttemptAt: feedState!.nextAttemptAt });
      expect(again.lastError).toContain('HTTP 429');
      expect(limited.requests).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });

  it('honours Retry-After given as an HTTP-date on a 503', async () => {
    const now = new Date();
    await expect(collectFeed({ ...deps(), clock: { now: () => now } }, feed('dated'))).rejects.toThrow(/HTTP 503/);
    const next = Date.parse((await app.store.getFeedState('dated'))!.nextAttemptAt!);
    expect(next - now.getTime()).toBeGreaterThan(2 * 3_600_000 - 5_000);
  });

  it('backs off exponentially per feed, capped, and keeps trying', async () => {
    let now = Date.now();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      await expect(collectFeed({ ...deps(), clock: { now: () => new Date(now) } }, feed('failing'))).rejects.toThrow(/HTTP 500/);
      const state = (await app.store.getFeedState('failing'))!;
      delays.push(Date.parse(state.nextAttemptAt!) - now);
      now = Date.parse(state.nextAttemptAt!);
    }
    // random() = 0: half of each step (equal jitter).
    expect(delays.slice(0, 3)).toEqual([BACKOFF_BASE_MS / 2, BACKOFF_BASE_MS, BACKOFF_BASE_MS * 2]);
    expect(delays.at(-1)).toBe(BACKOFF_CAP_MS / 2);
    expect(failing.requests).toHaveLength(9);
    expect((await app.store.getFeedState('failing'))!.consecutiveFailures).toBe(9);
  });

  it('status shows each failing feed with its failures, next attempt and last error; collect skips it and says so', async () => {
    copyFileSync('config/topic.yaml', join(dir, 'topic.yaml'));
    const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'polite', DATA_DIR: dir, CONFIG_DIR: dir };
    const { stdout } = await run('node', ['bin/frontera.mjs', 'status'], { env, timeout: 30_000 });
    const line = stdout.split('\n').find((l) => l.trim().startsWith('limited'))!;
    const next = (await app.store.getFeedState('limited'))!.nextAttemptAt!.slice(0, 16);
    expect(line).toContain(`FAILING ×1, next attempt ${next}Z: FEED_HTTP_ERROR HTTP 429`);
    expect(line).toContain('Retry-After: 3600 s');
    // An operator's collect doesn't fetch a feed that is backing off, and says until when: 'dated'
    // (no retry job pending) is skipped; 'limited' still has its BullMQ retry waiting for that time.
    const before = limited.requests.length + dated.requests.length;
    const collect = await run('node', ['bin/frontera.mjs', 'collect', '--feed', 'dated', '--feed', 'limited'], { env: { ...env, FETCH_ALLOW_PRIVATE: '127.0.0.0/8' }, timeout: 30_000 }).catch((e: { stdout: string; stderr: string }) => e);
    const out = collect.stdout + collect.stderr;
    expect(out).toContain(`~ dated: skipped, backing off until ${(await app.store.getFeedState('dated'))!.nextAttemptAt} after: HTTP 503`);
    expect(out).toMatch(/! limited: FEED_HTTP_ERROR: HTTP 429 .*\(retry scheduled for \d{4}-/);
    expect(limited.requests.length + dated.requests.length).toBe(before);
  });

  it('one request at a time per host and a pause between them, shared through Redis', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const starts: number[] = [];
    const handler = (_q: unknown, res: import('node:http').ServerResponse) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      starts.push(Date.now());
      setTimeout(() => {
        inFlight--;
        res.end(RSS);
      }, 30);
    };
    const one = await serveLoopback(handler, '127.0.0.5');
    servers.push(one);
    const client = new Redis(redis.url);
    // Two fetchers with their own gates over one Redis: two worker processes, as far as the gate knows.
    const make = () =>
      createHttpFetcher({
        timeoutMs: 5_000, maxBytes: 100_000, maxRedirects: 2, userAgent: 't', allowPrivate: '127.0.0.0/8',
        minHostIntervalMs: 150, hostGate: createRedisHostGate(client, 'gate-test', { minIntervalMs: 150, maxWaitMs: 10_000, leaseMs: 10_000 }),
      });
    const [a, b] = [make(), make()];
    await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? a : b).fetchFeed(`${one.url}/f${i}`, {})));
    expect(maxInFlight).toBe(1);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150 + 30 - 5);
    client.disconnect();
  });
});
