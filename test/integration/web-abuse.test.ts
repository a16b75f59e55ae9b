import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDeps } from '../../src/web/deps.ts';
import { buildServer } from '../../src/web/server.ts';
import { freePort } from '../helpers/redis-server.ts';
import { startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';

/**
 * Abuse limits and probing: per-client rate limits shared by two web processes through Redis,
 * and the sign-up answer's timing for every address state, compared as distributions.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (base: string, path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: FORM, body });

describe('rate limits shared across web processes', () => {
  let s: ReaderStack;
  let second: Awaited<ReturnType<typeof buildServer>>;
  let base2 = '';

  beforeAll(async () => {
    s = await startReaderStack({ env: { RATE_LIMIT_SUBSCRIBE_PER_HOUR: '3', RATE_LIMIT_ACTIONS_PER_MINUTE: '2' }, workers: false });
    // A second web process on the same Redis, as behind a load balancer.
    second = buildServer(webDeps(s.app));
    const port = await freePort();
    await second.listen({ host: '127.0.0.1', port });
    base2 = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await second?.close();
    await s?.stop();
  });

  it('counts one client’s sign-ups across both processes and answers 429 with a reason', async () => {
    expect((await post(s.base, '/subscribe', 'email=a1%40example.com')).status).toBe(200);
    expect((await post(base2, '/subscribe', 'email=a2%40example.com')).status).toBe(200);
    expect((await post(s.base, '/subscribe', 'email=a3%40example.com')).status).toBe(200);
    const over = await post(base2, '/subscribe', 'email=a4%40example.com');
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await over.text()).toContain('Too many requests from your network');
    const json = await fetch(`${s.base}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a5@example.com"}' });
    expect(json.status).toBe(429);
    expect(await json.json()).toMatchObject({ error: 'rate_limited' });
    expect(await s.app.store.findByEmail('a4@example.com')).toBeUndefined();
    // Reading is never limited.
    expect((await fetch(`${s.base}/`)).status).toBe(200);
  });

  it('limits confirm and unsubscribe posts too', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await post(s.base, '/confirm', 'token=nonsense')).status);
    expect(codes).toEqual([400, 400, 429]);
    const unsub: number[] = [];
    for (let i = 0; i < 3; i++) unsub.push((await post(base2, '/unsubscribe?token=nonsense', 'List-Unsubscribe=One-Click')).status);
    expect(unsub).toEqual([400, 400, 429]);
  });
});

/**
 * Mann–Whitney's AUC: the chance that a random answer for state A took longer than one for B.
 * 0.5 means the two cannot be told apart; the original bug (SMTP inside the request) gave 1.0.
 */
function auc(a: number[], b: number[]): number {
  let wins = 0;
  for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (a.length * b.length);
}

describe('the sign-up answer does not tell who subscribes', () => {
  let s: ReaderStack;
  const N = 40;
  const states = ['new', 'pending', 'confirmed', 'unsubscribed', 'bounced'] as const;

  beforeAll(async () => {
    // 150 ms of relay latency: if any request waited for SMTP it would stand out at once. The
    // web process runs no worker, as in production (`frontera web` and `frontera worker`).
    s = await startReaderStack({ sink: { delayMs: 150 }, env: { RATE_LIMIT_SUBSCRIBE_PER_HOUR: '100000' }, workers: false });
  });
  afterAll(async () => s?.stop());

  it('gives the same body and indistinguishable timing for new, pending, confirmed, unsubscribed and bounced addresses', async () => {
    const trials: { state: (typeof states)[number]; email: string }[] = [];
    for (const state of states) {
      for (let i = 0; i < N; i++) {
        const email = `${state}-${i}@example.org`;
        if (state !== 'new') await s.app.store.upsertSubscriber({ email, status: state });
        trials.push({ state, email });
      }
    }
    // Interleaved in a shuffled order, so drift on a busy machine hits every state alike.
    for (let i = trials.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [trials[i], trials[j]] = [trials[j]!, trials[i]!];
    }
    const times = new Map<string, number[]>(states.map((st) => [st, []]));
    const bodies = new Set<string>();
    for (let i = 0; i < 10; i++) await post(s.base, '/subscribe', `email=warmup-${i}%40example.org`);
    for (const t of trials) {
      const started = process.hrtime.bigint();
      const res = await post(s.base, '/subscribe', `email=${encodeURIComponent(t.email)}`);
      const body = await res.text();
      times.get(t.state)!.push(Number(process.hrtime.bigint() - started) / 1e6);
      expect(res.status).toBe(200);
      bodies.add(body);
    }
    expect(bodies.size).toBe(1);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const report = states.map((st) => `${st} ${median(times.get(st)!).toFixed(2)} ms`).join(', ');
    console.log(`sign-up answer, median per state (n=${N}): ${report}`);
    // Each state against a new address: within 0.5 ± 0.3 (over four standard errors at n=40),
    // robust to a noisy machine, while a request waiting on SMTP scores 1.0.
    for (const st of states.filter((x) => x !== 'new')) {
      const score = auc(times.get(st)!, times.get("new")!);
      console.log(`${st} vs new: AUC ${score.toFixed(2)}`);
      expect(score, `${st} vs new: AUC ${score.toFixed(2)}`).toBeGreaterThan(0.2);
      expect(score, `${st} vs new: AUC ${score.toFixed(2)}`).toBeLessThan(0.8);
    }
    // No mail was sent inside any request: the web process has no worker, and the sink got nothing.
    expect(s.sink.messages).toHaveLength(0);
    expect(await s.app.queues.mail.getJobCounts('waiting')).toMatchObject({ waiting: trials.length + 10 });
  });
});
