import { describeError, FrontError, isFrontError } from '../domain/errors.ts';
import { signToken } from '../domain/tokens.ts';
import { buildRaw, prepareMime, type PreparedMime } from '../templates/mime.ts';
import { PLACEHOLDERS } from '../templates/render.ts';
import { SPLICED, variantsForBatch } from './digest-variants.ts';
import { settleDigest } from './send-digest.ts';
import type { ClaimConfirmation, Clock, DeliveryLedger, DigestStore, Logger, Mailer, SubscriberStore } from './ports.ts';

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
  /** Deliveries that failed transiently; the job should be retried for them. */
  retryable: number;
}

/**
 * For each subscriber: claim the delivery in the ledger (the only guard against duplicates, since
 * BullMQ may run this job more than once), splice their unsubscribe link into the pre-encoded
 * message, hand it to SMTP, record the outcome. Transient failures are counted and the job is
 * failed at the end so BullMQ retries it; the retry re-claims only the failed deliveries.
 */
export async function sendBatch(deps: SendDeps, digestId: string, subscriberIds: string[]): Promise<BatchResult> {
  const { store, mailer, clock, logger } = deps;
  const prepared = await prepareDigestMail(deps, digestId);
  const envelopeFrom = addressOf(deps.mail.from);
  const domain = envelopeFrom.split('@')[1] ?? 'frontera.local';
  const result: BatchResult = { sent: 0, skipped: 0, bounced: 0, failed: 0, uncertain: 0, retryable: 0 };
  const mailFor = await variantsForBatch(deps, digestId, subscriberIds, prepared);

  const deliverOne = async (subscriberId: string): Promise<void> => {
    const claim = await store.claimDelivery(digestId, subscriberId);
    if (!claim.claimed) {
      result.skipped++;
      return;
    }
    if (deps.confirmClaim) {
      const confirmed = await deps.confirmClaim();
      if (!confirmed.ok) {
        // Not sent, so failing it is safe whichever way a failover goes: retried by the batch.
        await store.recordOutcome(digestId, subscriberId, { state: 'failed', error: confirmed.detail });
        result.failed++;
        result.retryable++;
        logger.warn({ digestId, subscriberId, error: confirmed.detail }, 'delivery.claim_unconfirmed');
        return;
      }
    }
    const subscriber = await store.getSubscriber(subscriberId);
    if (!subscriber) {
      await store.recordOutcome(digestId, subscriberId, { state: 'failed', error: 'subscriber record missing' });
      result.failed++;
      return;
    }
    const unsubscribeUrl = `${deps.mail.publicUrl}/unsubscribe?token=${signToken(deps.mail.secret, 'unsubscribe', subscriberId)}`;
    const preferencesUrl = `${deps.mail.publicUrl}/preferences?token=${signToken(deps.mail.secret, 'preferences', subscriberId)}`;
    // The reader's theme choice: one compiled variant per distinct choice (digest-variants.ts).
    const mail = await mailFor(subscriberId, subscriber.lang);
    const messageId = `<${digestId}.${subscriberId}@${domain}>`;
    const raw = buildRaw(
      mail.mime,
      { [PLACEHOLDERS.unsubscribeUrl]: unsubscribeUrl, [PLACEHOLDERS.email]: subscriber.email, [PLACEHOLDERS.preferencesUrl]: preferencesUrl },
      {
        to: subscriber.email,
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
    try {
      const from = deps.returnPath?.(digestId, subscriberId) ?? envelopeFrom;
      await mailer.sendRaw({ from, to: subscriber.email }, raw, messageId);
      await store.recordOutcome(digestId, subscriberId, { state: 'sent', messageId });
      result.sent++;
    } catch (err) {
      const outcome = classifySendError(err);
      await store.recordOutcome(digestId, subscriberId, { state: outcome.state, error: outcome.error });
      result[outcome.state === 'failed' ? 'failed' : outcome.state]++;
      if (outcome.retry) result.retryable++;
      logger.warn({ digestId, subscriberId, state: outcome.state, error: outcome.error }, 'delivery.failed');
    }
  };

  // Each delivery is claimed on its own, so several can be in flight at once: enough to keep every
  // pooled SMTP connection busy instead of waiting on one round trip at a time.
  let next = 0;
  const lanes = Math.max(1, Math.min(deps.concurrency ?? 1, subscriberIds.length));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < subscriberIds.length) await deliverOne(subscriberIds[next++]!);
    }),
  );
  logger.info({ digestId, ...result }, 'send.batch_done');
  await settleDigest(store, digestId, clock, logger);
  if (result.retryable > 0) {
    throw new FrontError('SMTP_TRANSIENT', `${result.retryable} deliveries failed transiently; retrying the batch`);
  }
  return result;
}

function classifySendError(err: unknown): { state: 'failed' | 'bounced' | 'uncertain'; retry: boolean; error: string } {
  const { code, message } = describeError(err);
  const error = `${code}: ${message}`.slice(0, 300);
  if (!isFrontError(err)) return { state: 'failed', retry: true, error };
  switch (err.code) {
    case 'SMTP_MAILBOX_UNAVAILABLE':
      return { state: 'bounced', retry: false, error };
    case 'SMTP_CONNECTION_LOST':
      // The server may have accepted the message before the connection dropped: never resend
      // automatically; an operator reconciles uncertain deliveries.
      return { state: 'uncertain', retry: false, error };
    default:
      return { state: 'failed', retry: !err.permanent, error };
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
