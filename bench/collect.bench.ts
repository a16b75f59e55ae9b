import type { Worker } from 'bullmq';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { enqueueCollect } from '../src/jobs/producers.ts';
import { startCollectWorker } from '../src/workers/collect-worker.ts';
import { startRedis, type TestRedis } from '../test/helpers/redis-server.ts';
import { fmt } from './lib.ts';

const FEEDS = 500;
/** The baseline (concurrency 1) takes a second per ~9 feeds, so it runs on a slice and is compared as feeds/s. */
const BASELINE_FEEDS = 60;
const RUNS = 3;
const HOST_INTERVAL_MS = 1_000;
/** Each response waits this long first: a web server's think time plus a round trip, not loopback's zero. */
const LATENCY_MS = 100;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

interface FeedServer {
  url: string;
  server: http.Server;
}

/**
 * 500 feeds, each on its own loopback address (127.0.0.2, 127.0.0.3, …) so per-host politeness
 * applies as on the web, collected by the real worker (BullMQ on a private redis-server, the SSRF
 * guard with FETCH_ALLOW_PRIVATE=127.0.0.0/8, the Redis host gate with a 1 s interval). The feeds
 * are the bundled sample feeds with each feed's links made unique, answered after LATENCY_MS as
 * a real server would be. Reported: feeds/s for a full collect and for a repeat collect answered
 * with 304s, at FETCH_CONCURRENCY 4 (the default) and 16, against concurrency 1 in the same run;
 * and CPU time per wall time, which shows whether the network wait (concurrency) or the CPU bounds.
 */
export async function benchCollect(): Promise<void> {
  const samples = readdirSync('samples/feeds').filter((n) => n.endsWith('.xml') && n !== 'broken.xml').map((n) => readFileSync(join('samples/feeds', n), 'utf8'));
  const servers = await Promise.all(Array.from({ length: FEEDS }, (_, i) => serveFeed(i, samples[i % samples.length]!)));
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'frontera-bench-collect-'));
  writeFileSync(
    join(dir, 'feeds.yaml'),
    `feeds:\n${servers.map((s, i) => `  - { id: f${i}, name: Outlet ${i}, url: "${s.url}", language: ${i % 2 ? 'es' : 'en'} }\n`).join('')}`,
  );
  let prefix = 0;
  try {
    console.log(`${FEEDS} feeds on ${FEEDS} loopback addresses, ${LATENCY_MS} ms server latency; per-host interval ${HOST_INTERVAL_MS} ms; median of ${RUNS} runs`);
    // CPU share is this process only (redis-server works too); the load shows how shared the machine is.
    console.log(`  load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    const baselineFile = join(dir, 'baseline.yaml');
    writeFileSync(baselineFile, readFileSync(join(dir, 'feeds.yaml'), 'utf8').split('\n').slice(0, BASELINE_FEEDS + 1).join('\n') + '\n');
    const results: Record<number, { full: number; repeat: number; cpu: number }> = {};
    for (const concurrency of [1, 4, 16]) {
      const runs = concurrency === 1 ? 1 : RUNS;
      const full: number[] = [];
      const repeat: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < runs; r++) {
        const out = await collectAll(redis, dir, `bench${prefix++}`, concurrency, concurrency === 1 ? baselineFile : undefined);
        full.push(out.fullMs);
        repeat.push(out.repeatMs);
        cpu.push(out.cpuShare);
      }
      const n = concurrency === 1 ? BASELINE_FEEDS : FEEDS;
      // As feeds per second, so the baseline's slice compares with the full set.
      results[concurrency] = { full: n / (median(full) / 1000), repeat: n / (median(repeat) / 1000), cpu: median(cpu) };
      const m = results[concurrency]!;
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}: ${n} feeds, full collect ${fmt(median(full))} (${m.full.toFixed(1)} feeds/s), repeat with 304s ${fmt(median(repeat))} (${m.repeat.toFixed(1)} feeds/s), CPU ${(m.cpu * 100).toFixed(0)}% of one core${runs === 1 ? ' (baseline, 1 run)' : ''}`,
      );
    }
    const base = results[1]!;
    for (const c of [4, 16]) {
      console.log(`  feeds/s vs concurrency 1 at ${String(c).padStart(2)}: full ×${(results[c]!.full / base.full).toFixed(2)}, repeat ×${(results[c]!.repeat / base.repeat).toFixed(2)}`);
    }
    const oneHost = await sameHostPoliteness(redis, dir);
    console.log(`  politeness: 6 feeds on ONE host at concurrency 16 take ${fmt(oneHost)} (≥ 5 × ${HOST_INTERVAL_MS} ms apart, one at a time)`);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => (s.server.closeAllConnections(), s.server.close(r)))));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function collectAll(redis: TestRedis, dir: string, prefix: string, concurrency: number, feedsFile = join(dir, 'feeds.yaml')) {
  const env = {
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    DATA_DIR: dir,
    FETCH_ALLOW_PRIVATE: '127.0.0.0/8',
    FETCH_HOST_INTERVAL_MS: String(HOST_INTERVAL_MS),
    FETCH_CONCURRENCY: String(concurrency),
  };
  const app = await createApp(loadConfig(env, { feedsFile }), { logger: quiet });
  const worker = startCollectWorker(app);
  try {
    const ids = app.config.feeds.map((f) => f.id);
    const timed = async () => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      // Counted from the worker's own events: polling 500 job states would be measured too.
      const finished = allFinished(worker, ids.length);
      await enqueueCollect(app.queues, ids);
      const failed = await finished;
      const ms = performance.now() - t0;
      if (failed.length) throw new Error(`${failed.length} feeds failed, e.g. ${failed[0]}`);
      const used = process.cpuUsage(cpu0);
      return { ms, cpuShare: (used.user + used.system) / 1000 / ms };
    };
    const first = await timed();
    // The host gate's interval has to pass before each host may be asked again.
    await new Promise((r) => setTimeout(r, HOST_INTERVAL_MS));
    const second = await timed();
    return { fullMs: first.ms, repeatMs: second.ms, cpuShare: first.cpuShare };
  } finally {
    await worker.close();
    await app.close();
  }
}

async function sameHostPoliteness(redis: TestRedis, dir: string): Promise<number> {
  const one = await serveFeed(FEEDS, readFileSync('samples/feeds/insight-crime.xml', 'utf8'));
  const file = join(dir, 'one-host.yaml');
  writeFileSync(file, `feeds:\n${Array.from({ length: 6 }, (_, i) => `  - { id: h${i}, name: H ${i}, url: "${one.url}?feed=${i}", language: en }\n`).join('')}`);
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: 'bench-one-host', DATA_DIR: dir, FETCH_ALLOW_PRIVATE: '127.0.0.0/8', FETCH_HOST_INTERVAL_MS: String(HOST_INTERVAL_MS), FETCH_CONCURRENCY: '16' };
  const app = await createApp(loadConfig(env, { feedsFile: file }), { logger: quiet });
  const worker = startCollectWorker(app);
  try {
    const t0 = performance.now();
    const finished = allFinished(worker, app.config.feeds.length);
    await enqueueCollect(app.queues, app.config.feeds.map((f) => f.id));
    await finished;
    return performance.now() - t0;
  } finally {
    await worker.close();
    await app.close();
    await new Promise((r) => one.server.close(r));
  }
}

/** Feed i on 127.0.(2+i)/… with its links made unique, an ETag, and 304 for a matching If-None-Match. */
async function serveFeed(i: number, xml: string): Promise<FeedServer> {
  const body = xml.replace(/(<(?:link|guid)[^>]*>\s*https?:\/\/[^/<]+)/g, `$1/f${i}`);
  const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
    }, LATENCY_MS);
  });
  const n = i + 2;
  const host = `127.0.${Math.floor(n / 256)}.${n % 256}`;
  await new Promise<void>((r) => server.listen(0, host, r));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}/feed.xml`, server };
}

/** Resolves with the failure messages once `n` jobs completed or failed (BullMQ retries off the clock). */
function allFinished(worker: Worker, n: number): Promise<string[]> {
  return new Promise((resolve) => {
    const failures: string[] = [];
    let done = 0;
    const settle = () => {
      if (++done < n) return;
      worker.off('completed', settle);
      worker.off('failed', onFailed);
      resolve(failures);
    };
    const onFailed = (_job: unknown, err: Error) => (failures.push(err.message), settle());
    worker.on('completed', settle);
    worker.on('failed', onFailed);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

