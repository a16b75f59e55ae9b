import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import type { DeliveryState } from '../../src/domain/model.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import type { SmtpSink } from './smtp-sink.ts';

/**
 * Runs `frontera send` as a real child process against a test's Redis and SMTP sink, and checks
 * what a fault left behind: what the SMTP server accepted (counted by recipient) against what the
 * ledger says, and the digest's status against its deliveries.
 */

export interface Seeded {
  prefix: string;
  digestId: string;
  emailOf: Map<string, string>;
  store: Store;
  client: Redis;
}

export async function seedSend(redisUrl: string, prefix: string, n: number): Promise<Seeded> {
  const client = new Redis(redisUrl);
  // The test kills this Redis on purpose; its reconnect errors are expected.
  client.on('error', () => {});
  const store = createRedisStore(client, prefix);
  // One story: the faults are about the ledger, and a small message keeps 2,000 of them quick.
  const fixture = makeDigestFixture();
  const theme = fixture.themes[0]!;
  const digest = { ...fixture, id: `d_${prefix}`, themes: [{ ...theme, stories: theme.stories.slice(0, 1) }] };
  await store.saveDigest(digest, await renderDigest(digest, { publicUrl: 'https://frontera.test', postalAddress: 'CDMX' }));
  const emailOf = new Map<string, string>();
  for (let i = 0; i < n; i += 200) {
    const subs = await Promise.all(
      Array.from({ length: Math.min(200, n - i) }, (_, j) => store.upsertSubscriber({ email: `r${i + j}@${prefix}.example`, status: 'confirmed' })),
    );
    for (const s of subs) emailOf.set(s.id, s.email);
  }
  return { prefix, digestId: digest.id, emailOf, store, client };
}

export interface SendRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

const DATA_DIR = mkdtempSync(join(tmpdir(), 'frontera-faults-'));

export function startSend(opts: { redisUrl: string; smtpUrl: string; prefix: string; digestId: string; env?: Record<string, string>; args?: string[] }): SendRun {
  const child = spawn('node', ['bin/frontera.mjs', 'send', opts.digestId, ...(opts.args ?? [])], {
    env: {
      ...process.env,
      REDIS_URL: opts.redisUrl,
      REDIS_PREFIX: opts.prefix,
      SMTP_URL: opts.smtpUrl,
      SECRET_KEY: 'k'.repeat(40),
      DATA_DIR,
      MAIL_FROM: 'Frontera <digest@frontera.test>',
      SMTP_POOL_SIZE: '5',
      SEND_BATCH_SIZE: '100',
      // Short enough that the suite waits seconds, not minutes, for a dead sender's leases.
      DELIVERY_LEASE_MS: '2500',
      SMTP_RETRY_BASE_MS: '40',
      SMTP_RETRY_ATTEMPTS: '6',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export async function waitUntil(test: () => boolean, timeoutMs = 240_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Verdict {
  subscribers: number;
  received: number;
  duplicates: number;
  counts: Record<DeliveryState, number>;
  status: string | undefined;
  /** Recipients the server accepted whose delivery the ledger calls neither sent nor uncertain. */
  acceptedButNotRecorded: string[];
  /** Deliveries the ledger calls sent that the server never accepted. */
  recordedButNotAccepted: string[];
  /** The status the deliveries imply. */
  truthfulStatus: string;
}

export async function judge(seeded: Seeded, sink: SmtpSink): Promise<Verdict> {
  const perRecipient = new Map<string, number>();
  for (const m of sink.messages) for (const to of m.envelope.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  const deliveries = await seeded.store.listDeliveries(seeded.digestId);
  const acceptedButNotRecorded: string[] = [];
  const recordedButNotAccepted: string[] = [];
  for (const d of deliveries) {
    const email = seeded.emailOf.get(d.subscriberId)!;
    const got = perRecipient.has(email);
    if (got && d.state !== 'sent' && d.state !== 'uncertain') acceptedButNotRecorded.push(`${email} (${d.state})`);
    if (!got && d.state === 'sent') recordedButNotAccepted.push(email);
  }
  const counts = await seeded.store.deliveryCounts(seeded.digestId);
  const settled = counts.pending === 0 && counts.sending === 0;
  return {
    subscribers: seeded.emailOf.size,
    received: perRecipient.size,
    duplicates: [...perRecipient.values()].filter((n) => n > 1).length,
    counts,
    status: (await seeded.store.getDigest(seeded.digestId))?.status,
    acceptedButNotRecorded,
    recordedButNotAccepted,
    truthfulStatus: !settled ? 'sending' : counts.failed + counts.uncertain > 0 ? 'partially_sent' : 'sent',
  };
}

export function outcomeText(counts: Record<DeliveryState, number>): string {
  return (['sent', 'failed', 'bounced', 'uncertain', 'skipped', 'pending', 'sending'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${s} ${counts[s]}`)
    .join(', ');
}
