import { afterAll, describe, expect, it } from 'vitest';
import { startAofRedis, type FaultyRedis } from '../helpers/redis-aof.ts';
import { judge, outcomeText, seedSend, startSend, waitUntil, type Seeded } from '../helpers/send-rig.ts';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../helpers/smtp-sink.ts';

/**
 * Exactly once under real faults: `frontera send` runs as a child process against a redis-server
 * with AOF and a recording SMTP server, for 2,000 subscribers, while the test kills, freezes or
 * pauses the parts. Each scenario asserts what the SMTP server actually accepted: nobody twice,
 * every delivery in a stated outcome, nothing accepted that the ledger calls failed or pending,
 * the digest's status what its deliveries say, and the exit code to match.
 */

const N = 2000;
// Scenarios run side by side, each with its own redis-server, so their waits overlap.
const TIMEOUT = 300_000;
const rows: string[] = [];
const opened: { sink: SmtpSink; seeded: Seeded; redis: FaultyRedis }[] = [];

afterAll(async () => {
  for (const { sink, seeded, redis } of opened) {
    seeded.client.disconnect();
    await sink.stop();
    await redis.stop();
  }
  rows.sort();
  if (rows.length) {
    console.log(
      ['| scenario | subscribers | received | duplicates | outcomes | digest | exit |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n'),
    );
  }
});

async function scenario(name: string, sinkOpts: SmtpSinkOptions = {}) {
  const redis = await startAofRedis();
  const sink = await startSmtpSink(sinkOpts);
  const prefix = `f${opened.length}`;
  const seeded = await seedSend(redis.url, prefix, N);
  opened.push({ sink, seeded, redis });
  const send = (env?: Record<string, string>) => startSend({ redisUrl: redis.url, smtpUrl: sink.url, prefix, digestId: seeded.digestId, env });
  const check = async (exit: number | null, stderr: string) => {
    const v = await judge(seeded, sink);
    rows.push(`| ${name} | ${v.subscribers} | ${v.received} | ${v.duplicates} | ${outcomeText(v.counts)} | ${v.status} | ${exit} |`);
    expect(v.duplicates).toBe(0);
    expect(v.acceptedButNotRecorded).toEqual([]);
    expect(v.recordedButNotAccepted).toEqual([]);
    expect(v.counts.pending + v.counts.sending).toBe(0);
    expect(v.counts.sent + v.counts.failed + v.counts.bounced + v.counts.uncertain + v.counts.skipped).toBe(N);
    expect(v.status).toBe(v.truthfulStatus);
    expect(exit).toBe(v.status === 'sent' ? 0 : 3);
    if (v.counts.uncertain > 0) expect(stderr).toContain(`frontera deliveries resolve ${seeded.digestId} EMAIL --as sent|failed`);
    if (v.counts.failed > 0) expect(stderr).toContain(`frontera send ${seeded.digestId}\` again retries only those`);
    return v;
  };
  return { redis, sink, seeded, send, check };
}

describe.concurrent('send under injected faults (2,000 subscribers, real processes)', { timeout: TIMEOUT }, () => {
  it('SIGKILL of the sending process mid-send, then send again', async () => {
    const { sink, send, check } = await scenario('sender SIGKILLed mid-send, send again');
    const first = send();
    await waitUntil(() => sink.messages.length >= 400);
    first.child.kill('SIGKILL');
    await first.done;
    const second = await send().done;
    const v = await check(second.code, second.stderr);
    // Whatever was in flight when it died is uncertain, and reported; the rest went out once.
    expect(v.counts.sent + v.counts.uncertain).toBe(N);
  });

  it('SIGKILL of redis-server mid-send, restart from its AOF, send again', async () => {
    const { redis, sink, send, check } = await scenario('redis-server SIGKILLed, restarted from AOF, send again');
    const first = send();
    await waitUntil(() => sink.messages.length >= 400);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart();
    await first.done;
    const second = await send().done;
    const v = await check(second.code, second.stderr);
    expect(v.counts.sent + v.counts.uncertain).toBe(N);
  });

  for (const [label, hurt] of [
    ['Redis clients paused 1 s (CLIENT PAUSE) mid-send', (r: FaultyRedis) => r.pauseClients(1000)],
    ['redis-server stopped 5 s (SIGSTOP/SIGCONT) mid-send', (r: FaultyRedis) => r.freeze(5000)],
  ] as const) {
    it(label, async () => {
      const { redis, sink, send, check } = await scenario(label);
      const run = send();
      await waitUntil(() => sink.messages.length >= 400);
      await hurt(redis);
      const done = await run.done;
      const v = await check(done.code, done.stderr);
      expect(v.counts.sent).toBe(N);
    });
  }

  it('SMTP dropping the connection after DATA', async () => {
    const dropped = (addr: string) => /^r\d*37@/.test(addr);
    const { send, check } = await scenario('SMTP drops the connection after DATA (20 recipients)', { dropAfterData: dropped });
    const done = await send().done;
    const v = await check(done.code, done.stderr);
    expect(v.counts.uncertain).toBe(20);
    expect(v.counts.sent).toBe(N - 20);
    expect(v.status).toBe('partially_sent');
  });

  it('a burst of 421s: retried with backoff, the few that outlast it fail, send again retries only those', async () => {
    let rcpts = 0;
    const { sink, seeded, send, check } = await scenario('a burst of 300 × 421 at RCPT (3 tries each), then send again', {
      failRcpt: () => (++rcpts <= 300 ? 421 : undefined),
    });
    const first = await send({ SMTP_RETRY_ATTEMPTS: '3' }).done;
    const before = await judge(seeded, sink);
    expect(before.duplicates).toBe(0);
    expect(before.counts.sent + before.counts.failed).toBe(N);
    expect(first.code).toBe(before.counts.failed ? 3 : 0);
    const accepted = sink.messages.length;
    const again = await send().done;
    const v = await check(again.code, again.stderr);
    expect(v.counts.sent).toBe(N);
    expect(sink.messages.length - accepted).toBe(before.counts.failed);
  });

  it('two send commands started at the same moment', async () => {
    const { send, check } = await scenario('two `send` commands at the same moment');
    const [a, b] = await Promise.all([send().done, send().done]);
    const v = await check(a.code, a.stderr);
    expect(b.code).toBe(a.code);
    expect(v.counts.sent).toBe(N);
  });
});
