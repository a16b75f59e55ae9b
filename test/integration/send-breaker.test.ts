import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/free-port.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { seedSend, startSend, waitUntil } from '../helpers/send-rig.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

/**
 * What `frontera send` does when the SMTP side refuses us rather than the reader, or is not
 * there at all: the command ends in bounded time with a stated exit code and the counts, the
 * readers are not suppressed, and the next `send` picks up exactly what is left.
 */

let redis: TestRedis;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await redis?.stop();
});

describe('send against a refusing or absent SMTP server', () => {
  it('pauses on a run of 5.7.1 refusals without suppressing anyone, and resumes on --resume', async () => {
    let blocked = true;
    const sink = await startSmtpSink({
      failRcpt: () => (blocked ? { code: 550, message: '5.7.1 Service unavailable; client host [127.0.0.1] blocked using Spamhaus' } : undefined),
    });
    const seeded = await seedSend(redis.url, 'brk', 60);
    cleanup.push(() => sink.stop(), () => seeded.client.disconnect());
    const send = (...extra: string[]) =>
      startSend({ redisUrl: redis.url, smtpUrl: sink.url, prefix: 'brk', digestId: seeded.digestId, env: { SEND_BREAKER_THRESHOLD: '5' }, args: extra }).done;

    const first = await send();
    expect(first.code).toBe(4);
    expect(first.stderr).toContain(`frontera send ${seeded.digestId} --resume`);
    expect(first.stderr).toContain('5.7.1 Service unavailable');
    const counts = await seeded.store.deliveryCounts(seeded.digestId);
    expect(counts.failed).toBeGreaterThanOrEqual(5);
    // Stopped well before burning the list.
    expect(counts.pending).toBeGreaterThan(30);
    expect(counts.bounced).toBe(0);
    expect((await seeded.store.getDigest(seeded.digestId))?.status).toBe('paused');
    expect((await seeded.store.listSubscribers('confirmed')).length).toBe(60);

    const status = await new Promise<string>((resolve) => {
      const child = spawn('node', ['bin/frontera.mjs', 'status'], { env: { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'brk', DATA_DIR: tmpdir() } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', () => resolve(out));
    });
    expect(status).toContain(`${seeded.digestId}  paused`);
    expect(status).toContain(`paused by the circuit breaker`);

    const refused = await send();
    expect(refused.code, refused.stderr).toBe(4);
    expect(sink.messages.length).toBe(0);

    blocked = false;
    const resumed = await send('--resume');
    expect(resumed.code).toBe(0);
    expect(sink.messages.length).toBe(60);
    expect(await seeded.store.deliveryCounts(seeded.digestId)).toMatchObject({ sent: 60, failed: 0, pending: 0 });
    expect((await seeded.store.getDigest(seeded.digestId))?.status).toBe('sent');
  });

  it('says in one line that the SMTP server cannot be reached, and exits 6 without touching the ledger', async () => {
    const seeded = await seedSend(redis.url, 'down', 10);
    cleanup.push(() => seeded.client.disconnect());
    const port = await freePort();
    const run = await startSend({ redisUrl: redis.url, smtpUrl: `smtp://127.0.0.1:${port}`, prefix: 'down', digestId: seeded.digestId }).done;
    expect(run.code).toBe(6);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^frontera send: SMTP_UNREACHABLE: cannot reach the SMTP server at smtp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`)),
    ]);
    expect((await seeded.store.getDigest(seeded.digestId))?.status).toBe('draft');
  });

  it('ends in bounded time when the SMTP server dies mid-send: partially sent, exit 3, counts; send again sends only the rest', async () => {
    const port = await freePort();
    let sink = await startSmtpSink({ port });
    const seeded = await seedSend(redis.url, 'dies', 300);
    cleanup.push(() => seeded.client.disconnect());
    const run = startSend({ redisUrl: redis.url, smtpUrl: sink.url, prefix: 'dies', digestId: seeded.digestId, env: { SMTP_RETRY_BASE_MS: '100', SMTP_RETRY_ATTEMPTS: '3' } });
    await waitUntil(() => sink.messages.length >= 40);
    const accepted = sink.messages;
    await sink.stop();
    const done = await run.done;
    expect(done.code).toBe(3);
    expect(done.stderr).toMatch(/send: digest \S+ partially_sent: audience 300; accepted by the SMTP server \d+, bounced 0, failed \d+/);
    const counts = await seeded.store.deliveryCounts(seeded.digestId);
    expect(counts.pending + counts.sending).toBe(0);
    expect(counts.sent).toBe(new Set(accepted.map((m) => m.envelope.to[0])).size);
    expect((await seeded.store.getDigest(seeded.digestId))?.status).toBe('partially_sent');

    sink = await startSmtpSink({ port });
    cleanup.push(() => sink.stop());
    const again = await startSend({ redisUrl: redis.url, smtpUrl: sink.url, prefix: 'dies', digestId: seeded.digestId }).done;
    // Uncertain ones (cut off after DATA) stay for the operator; the failed are sent now.
    expect(again.code).toBe(counts.uncertain ? 3 : 0);
    const resent = sink.messages.map((m) => m.envelope.to[0]!);
    expect(resent.length).toBe(counts.failed);
    expect(resent.filter((to) => accepted.some((m) => m.envelope.to[0] === to))).toEqual([]);
  });
});
