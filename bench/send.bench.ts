import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createRedisStore } from '../src/adapters/redis-store.ts';
import { createSmtpMailer } from '../src/adapters/smtp-mailer.ts';
import { sendBatch } from '../src/pipeline/send-batch.ts';
import { renderDigest } from '../src/templates/render.ts';
import { PLACEHOLDERS } from '../src/templates/personalize.ts';
import { makeLargeDigest } from '../test/unit/digest-fixture.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { fmt } from './lib.ts';

const N = 10_000;
const BASELINE_N = 2_000;
const BATCH = 100;
const CONCURRENCY = 2;
const POOL = 5;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** An SMTP server on loopback that accepts and discards, so the sink's memory is not measured. */
async function startCountingSmtp(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count++;
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.server.address();
  return {
    url: `smtp://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    count: () => count,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function trackPeakRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

/**
 * The production send path (ledger claim in Redis → splice into the pre-encoded message → pooled
 * SMTP → ledger outcome) for 10,000 subscribers, against the baseline of nodemailer composing each
 * message itself (what sendBatch avoided), measured in the same run on 2,000 messages.
 */
export async function benchSend(): Promise<void> {
  const redis = await startRedis();
  const smtp = await startCountingSmtp();
  const client = new Redis(redis.url);
  const store = createRedisStore(client, 'bench');
  const mailer = createSmtpMailer({ url: smtp.url, poolSize: POOL, from: 'Frontera <digest@frontera.example>' });
  try {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push((await store.upsertSubscriber({ email: `reader${i}@example.org`, status: 'confirmed' })).id);
    const base = makeLargeDigest();
    const rendered = await renderDigest(base, { publicUrl: 'https://frontera.example', postalAddress: 'Apartado Postal 123, CDMX' });
    const runs: { ms: number; peakMb: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const digestId = `d_bench_${run}`;
      await store.saveDigest({ ...base, id: digestId }, rendered);
      await store.freezeAudience(digestId, ids);
      const deps = {
        store,
        mailer,
        clock: { now: () => new Date() },
        logger: quiet,
        mail: { from: 'Frontera <digest@frontera.example>', publicUrl: 'https://frontera.example', secret: 's'.repeat(40) },
        cache: new Map(),
        concurrency: POOL,
      };
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
      const rssBefore = process.memoryUsage().rss;
      const peak = trackPeakRss();
      const t0 = performance.now();
      // CONCURRENCY batch jobs in flight, as the send worker runs them.
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) await sendBatch(deps, digestId, batches[next++]!);
        }),
      );
      runs.push({ ms: performance.now() - t0, peakMb: (peak() - rssBefore) / 1e6 });
    }
    const sorted = [...runs].sort((a, b) => a.ms - b.ms);
    const median = sorted[1]!;
    console.log(`send ${N.toLocaleString()} messages (Redis ledger + pooled SMTP ×${POOL}, ${CONCURRENCY} batch jobs of ${BATCH}, ${POOL} deliveries in flight each):`);
    console.log(`  median ${fmt(median.ms)} → ${Math.round((N / median.ms) * 1000)} messages/s (runs ${runs.map((r) => fmt(r.ms)).join(', ')})`);
    console.log(`  peak RSS growth during a run: ${Math.max(...runs.map((r) => r.peakMb)).toFixed(0)} MB (process RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB)`);

    // Baseline: nodemailer builds every message from html/text (no ledger), same pool, same server.
    const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: POOL, maxMessages: 1000 } as never);
    const t0 = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: POOL * 2 }, async () => {
        while (sent < BASELINE_N) {
          const i = sent++;
          const url = `https://frontera.example/unsubscribe?token=${i}`;
          await transport.sendMail({
            from: 'Frontera <digest@frontera.example>',
            to: `reader${i}@example.org`,
            subject: rendered.subject,
            html: rendered.html.split(PLACEHOLDERS.unsubscribeUrl).join(url),
            text: rendered.text.split(PLACEHOLDERS.unsubscribeUrl).join(url),
            headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
          });
        }
      }),
    );
    const baselineMs = performance.now() - t0;
    transport.close();
    const baselineRate = (BASELINE_N / baselineMs) * 1000;
    console.log(`  baseline, nodemailer composing each message (no ledger), ${BASELINE_N.toLocaleString()} messages: ${Math.round(baselineRate)} messages/s`);
    console.log(`  ratio splice path / baseline: ${((N / median.ms) * 1000 / baselineRate).toFixed(2)}× the throughput (server accepted ${smtp.count().toLocaleString()} in all)`);
  } finally {
    await mailer.close();
    client.disconnect();
    await smtp.close();
    await redis.stop();
  }
}
