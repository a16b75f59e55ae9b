import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describeError, FrontError, isFrontError } from '../domain/errors.ts';
import { signToken } from '../domain/tokens.ts';
import { buildRaw, prepareMime, type PreparedMime } from '../templates/mime.ts';
import { PLACEHOLDERS } from '../templates/render.ts';
import { SPLICED, variantsForBatch } from './digest-variants.ts';
import { settleDigest } from './send-digest.ts';
import { backoffMs, sleep, SmtpHealth, untilLedgerAnswers } from './send-retry.ts';
import type { ClaimConfirmation, ClaimLease, ClaimResult, Clock, DeliveryLedger, DeliveryOutcome, DigestStore, Logger, Mailer, SubscriberStore } from './ports.ts';

export interface SendPolicy {
  /** How long a claim holds without an outcome before it counts as uncertain. */
  leaseMs: number;
  /** Tries per delivery for 4xx replies and connection trouble, with exponential backoff. */
  retryAttempts: number;
  retryBaseMs: number;
  /** Policy rejections in a row that pause the send. */
  breakerThreshold: number;
  /** How long to keep retrying a ledger write while Redis is unreachable. */
  ledgerGiveUpMs: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  leaseMs: 120_000,
  retryAttempts: 4,
  retryBaseMs: 2_000,
  breakerThreshold: 10,
  ledgerGiveUpMs: 10 * 60_000,
};

export interface SendDeps {
  store: DigestStore & SubscriberStore & DeliveryLedger;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  mail: { from: string; replyTo?: string; publicUrl: string; secret: string; postalAddress?: string };
  /** Deliveries in flight at once within a batch; match the SMTP pool size. Default 1. */
  concurrency?: number;
  /** Prepared (encoded-once) messages per digest; the worker keeps one across batches. */
  cache?: Map<string, PreparedDigestMail>;
  policy?: Partial<SendPolicy>;
  /** Shared by every batch of a worker, so a dead SMTP server is found out once. */
  health?: SmtpHealth;
  /** The envelope sender (VERP return path) for one delivery; unset: MAIL_FROM's address. */
  returnPath?: (digestId: string, subscriberId: string) => string;
  /** With replicas: confirms the claim reached them (WAIT) before the SMTP transaction starts. */
  confirmClaim?: () => Promise<ClaimConfirmation>;
}

export interface PreparedDigestMail {
  subject: string;
  mime: PreparedMime;
  /** Other editions, encoded once each too; a subscriber's `lang` picks one. */
  byLanguage?: { es?: { subject: string; mime: PreparedMime } };
}

export interface BatchResult {
  sent: number;
  skipped: number;
  bounced: number;
  failed: number;
  uncertain: number;
  /** Left pending because the circuit breaker paused the send. */
  paused: number;
}

type Outcome = DeliveryOutcome & { state: 'failed' | 'bounced' | 'uncertain' };
// Unique per claim attempt: this process (host, pid, a random tag against pid reuse) and a counter.
const CLAIM_OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
let claims = 0;

/**
 * For each subscriber: claim the delivery in the ledger with a lease (the only guard against
 * duplicates, since BullMQ may run this job more than once), splice their unsubscribe link into
 * the pre-encoded message, hand it to SMTP (retrying 4xx with backoff, holding the claim), record
 * the outcome. Once the server has accepted a message the delivery ends `sent`: that write is
 * retried until Redis answers and is never mistaken for a failed send. SMTP outcomes never fail
 * the job; only the ledger being unreachable for longer than ledgerGiveUpMs does.
 */
export async function sendBatch(deps: SendDeps, digestId: string, subscriberIds: string[]): Promise<BatchResult> {
  const { store, mailer, clock, logger } = deps;
  const policy = { ...DEFAULT_SEND_POLICY, ...deps.policy };
  const health = deps.health ?? new SmtpHealth();
  const ledger = <T>(what: string, call: () => Promise<T>, fields?: Record<string, unknown>) =>
    untilLedgerAnswers(call, { logger, what, giveUpMs: policy.ledgerGiveUpMs, fields: { digestId, ...fields } });
  const prepared = await ledger('prepare', () => prepareDigestMail(deps, digestId));
  const envelopeFrom = addressOf(deps.mail.from);
  const domain = envelopeFrom.split('@')[1] ?? 'frontera.local';
  const result: BatchResult = { sent: 0, skipped: 0, bounced: 0, failed: 0, uncertain: 0, paused: 0 };
  const mailFor = await ledger('variants', () => variantsForBatch(deps, digestId, subscriberIds, prepared));
  // `sent` records still being written (each lane leaves at most one behind: its next claim needs Redis too).
  const inFlight = new Set<Promise<void>>();

  const record = async (subscriberId: string, outcome: DeliveryOutcome) => {
    await ledger('record', () => store.recordOutcome(digestId, subscriberId, outcome), { subscriberId, state: outcome.state });
    result[outcome.state as 'sent' | 'failed' | 'bounced' | 'uncertain']++;
  };

  /**
   * The claim, and with replicas its confirmation (WAIT), as one unit. WAIT only vouches for the
   * writes of the connection it runs on: after a failover the client is connected to the new
   * primary, where a WAIT succeeds at once although our claim may never have got there. So when the
   * confirmation fails or cannot be asked, the claim is made again (the same owner finds its own
   * claim, or claims it anew on the new primary) and confirmed again.
   */
  const claimAndConfirm = async (subscriberId: string, lease: ClaimLease): Promise<{ claim: ClaimResult; confirmed?: ClaimConfirmation }> => {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const claim = await ledger('claim', () => store.claimDelivery(digestId, subscriberId, lease), { subscriberId });
      if (!claim.claimed || !deps.confirmClaim) return { claim };
      try {
        const confirmed = await deps.confirmClaim();
        if (confirmed.ok || attempt >= 3) return { claim, confirmed };
      } catch (err) {
        if (isFrontError(err) || Date.now() - started > policy.ledgerGiveUpMs) throw err;
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
    }
  };

  const deliverOne = async (subscriberId: string): Promise<void> => {
    const lease = { owner: `${CLAIM_OWNER}:${++claims}`, leaseMs: policy.leaseMs };
    const { claim, confirmed } = await claimAndConfirm(subscriberId, lease);
    if (!claim.claimed) {
      result[claim.reason === 'paused' ? 'paused' : 'skipped']++;
      return;
    }
    if (confirmed && !confirmed.ok) {
      // Not sent, so failing it is safe whichever way a failover goes; the next `send` retries it.
      logger.warn({ digestId, subscriberId, error: confirmed.detail }, 'delivery.claim_unconfirmed');
      return record(subscriberId, { state: 'failed', error: `claim not confirmed by a replica: ${confirmed.detail}`.slice(0, 300) });
    }
    // The claim brings the address and language back; an older ledger script may not.
    const who = claim.email ? { email: claim.email, lang: claim.lang } : await ledger('subscriber', () => store.getSubscriber(subscriberId));
    if (!who?.email) return record(subscriberId, { state: 'failed', error: 'subscriber record missing' });
    const { email } = who;
    const lang = who.lang || undefined;
    const returnPath = deps.returnPath?.(digestId, subscriberId) ?? envelopeFrom;
    const unsubscribeUrl = `${deps.mail.publicUrl}/unsubscribe?token=${signToken(deps.mail.secret, 'unsubscribe', subscriberId)}`;
    const preferencesUrl = `${deps.mail.publicUrl}/preferences?token=${signToken(deps.mail.secret, 'preferences', subscriberId)}`;
    // The reader's theme choice: one compiled variant per distinct choice (digest-variants.ts).
    const mail = await ledger('variant', () => mailFor(subscriberId, lang));
    const messageId = `<${digestId}.${subscriberId}@${domain}>`;
    const raw = buildRaw(
      mail.mime,
      { [PLACEHOLDERS.unsubscribeUrl]: unsubscribeUrl, [PLACEHOLDERS.email]: email, [PLACEHOLDERS.preferencesUrl]: preferencesUrl },
      {
        to: email,
        messageId,
        date: clock.now(),
        extra: {
          'List-Unsubscribe': `<${unsubscribeUrl}>`,
          // RFC 8058: mailbox providers POST "List-Unsubscribe=One-Click" to the URL above.
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'List-Id': `Frontera weekly <weekly.${domain}>`,
          Precedence: 'bulk',
        },
      },
    );
    let outcome: Outcome | undefined;
    for (let attempt = 1; ; attempt++) {
      const down = health.isDown();
      if (down) {
        outcome = { state: 'failed', error: `SMTP_UNREACHABLE: not attempted, the server is unreachable (${down})`.slice(0, 300) };
        break;
      }
      try {
        await mailer.sendRaw({ from: returnPath, to: email }, raw, messageId);
        break;
      } catch (err) {
        const failure = classifySendError(err);
        if (failure.retry && attempt < policy.retryAttempts) {
          await sleep(backoffMs(attempt, policy.retryBaseMs));
          // Still ours? Holding the claim across the wait keeps every other sender off it.
          if (await ledger('renew', () => store.renewLease(digestId, subscriberId, lease))) continue;
          outcome = { state: 'failed', error: `lease lost while retrying; last reply ${failure.outcome.error ?? ''}`.slice(0, 300) };
          break;
        }
        if (failure.unreachable) health.markDown(failure.outcome.error ?? 'unreachable');
        outcome = failure.outcome;
        break;
      }
    }
    if (!outcome) {
      health.markUp();
      // Accepted by the SMTP server: from here on only `sent` is true, however long Redis is away.
      // The lane does not wait for this write: with AOF fsync on every write, it then shares one
      // fsync with the lane's next claim instead of costing one of its own (the batch awaits every
      // record before it settles). Failures stay awaited, so the circuit breaker sees them in order.
      const write = record(subscriberId, { state: 'sent', messageId });
      inFlight.add(write);
      write.then(() => inFlight.delete(write), () => undefined);
      return;
    }
    logger.warn({ digestId, subscriberId, state: outcome.state, error: outcome.error }, 'delivery.failed');
    return record(subscriberId, { ...outcome, tripAfter: policy.breakerThreshold });
  };

  // Each delivery is claimed on its own, so several can be in flight at once: enough to keep every
  // pooled SMTP connection busy instead of waiting on one round trip at a time.
  let next = 0;
  const lanes = Math.max(1, Math.min(deps.concurrency ?? 1, subscriberIds.length));
  try {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < subscriberIds.length) await deliverOne(subscriberIds[next++]!);
      }),
    );
  } finally {
    // Every accepted message's `sent` is written (or has failed for good) before the batch ends either way.
    await Promise.allSettled([...inFlight]);
  }
  // A `sent` that could not be written for ledgerGiveUpMs fails the batch, as an awaited write would have.
  await Promise.all([...inFlight]);
  logger.info({ digestId, ...result }, 'send.batch_done');
  await ledger('settle', () => settleDigest(store, digestId, clock, logger));
  return result;
}

function classifySendError(err: unknown): { outcome: Outcome; retry: boolean; unreachable: boolean } {
  const { code, message } = describeError(err);
  const error = `${code}: ${message}`.slice(0, 300);
  const unreachable = isFrontError(err) && err.code === 'SMTP_UNREACHABLE';
  if (!isFrontError(err)) return { outcome: { state: 'failed', error }, retry: true, unreachable };
  switch (err.code) {
    case 'SMTP_MAILBOX_UNAVAILABLE':
      return { outcome: { state: 'bounced', error }, retry: false, unreachable };
    case 'SMTP_CONNECTION_LOST':
      // The server may have accepted the message before the connection dropped: never resend
      // automatically; an operator reconciles uncertain deliveries.
      return { outcome: { state: 'uncertain', error }, retry: false, unreachable };
    case 'SMTP_POLICY_REJECTED':
      return { outcome: { state: 'failed', error, policy: true }, retry: false, unreachable };
    default:
      return { outcome: { state: 'failed', error }, retry: !err.permanent, unreachable };
  }
}

async function prepareDigestMail(deps: SendDeps, digestId: string): Promise<PreparedDigestMail> {
  const cached = deps.cache?.get(digestId);
  if (cached) return cached;
  const [digest, rendered] = await Promise.all([deps.store.getDigest(digestId), deps.store.getRendered(digestId)]);
  if (!digest || !rendered) throw new FrontError('DIGEST_NOT_FOUND', `No rendered digest with id ${digestId}`, { permanent: true });
  const encode = (r: { subject: string; html: string; text: string }) => ({
    subject: r.subject,
    mime: prepareMime({ from: deps.mail.from, replyTo: deps.mail.replyTo, subject: r.subject, html: r.html, text: r.text, placeholders: SPLICED }),
  });
  // Every edition is encoded once per digest; the subscriber's language picks one (English when theirs was not rendered).
  const es = rendered.byLanguage?.es;
  const prepared: PreparedDigestMail = { ...encode(rendered), ...(es ? { byLanguage: { es: encode(es) } } : {}) };
  if (deps.cache) {
    // Keep only the latest couple of digests; a worker lives for weeks.
    if (deps.cache.size >= 2) deps.cache.delete(deps.cache.keys().next().value as string);
    deps.cache.set(digestId, prepared);
  }
  return prepared;
}

/** "Frontera <digest@example.org>" → "digest@example.org". */
export function addressOf(from: string): string {
  const match = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  return (match?.[1] ?? from).trim();
}
