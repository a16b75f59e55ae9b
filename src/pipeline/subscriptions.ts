import { z } from 'zod';
import { FrontError } from '../domain/errors.ts';
import { checkExpiringToken, verifyToken } from '../domain/tokens.ts';
import { domainOf, keyedHash, suppressionHash } from './mailbox.ts';
import type { Clock, Logger, ReaderMailJobs, SubscriberStore } from './ports.ts';

/**
 * The subscriber lifecycle as the web drives it: request (double opt-in), confirm, unsubscribe.
 * Mail is never sent here: a job is queued for every accepted request, whatever the address's
 * state, so the answer takes the same work (one script, one queue add) for new, pending,
 * confirmed and suppressed addresses and cannot be used to learn who subscribes.
 */

export interface SubscriptionDeps {
  store: SubscriberStore;
  jobs: ReaderMailJobs;
  secret: string;
  clock?: Clock;
  /** Disposable-mail domains refused at sign-up (lower-case); parents match too (a.b.tld ⊂ b.tld). */
  blockedDomains?: ReadonlySet<string>;
  logger?: Logger;
}

export type SubscribeInput = { email: string; name?: string };
export type ConfirmLinkStatus = 'ready' | 'already-confirmed' | 'inactive' | 'expired' | 'invalid';
export type ConfirmResult = { status: 'confirmed' | Exclude<ConfirmLinkStatus, 'ready'> };
export type UnsubscribeResult = { status: 'unsubscribed' | 'already-unsubscribed' | 'invalid' };

const SubscribeInputSchema = z.object({
  email: z
    .string({ error: 'Please enter an email address.' })
    .trim()
    .min(1, 'Please enter an email address.')
    // RFC 5321 caps a forward path at 254 octets; longer can never be delivered.
    .max(254, 'That email address is too long.')
    .pipe(z.email({ error: 'That does not look like an email address (e.g. name@example.com).' })),
  name: z
    .string()
    .trim()
    .max(100, 'Please keep the name under 100 characters.')
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

/** Validates and normalises input; throws FrontError SUBSCRIBER_INVALID with a human message. */
export function parseSubscribeInput(input: unknown): { email: string; name?: string } {
  const parsed = SubscribeInputSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'Invalid subscription request.';
    throw new FrontError('SUBSCRIBER_INVALID', message, { permanent: true });
  }
  const { email, name } = parsed.data;
  return name === undefined ? { email } : { email, name };
}

const now = (deps: { clock?: Clock }) => (deps.clock ? deps.clock.now() : new Date());

export function isBlockedDomain(blocked: ReadonlySet<string> | undefined, email: string): boolean {
  if (!blocked || blocked.size === 0) return false;
  const labels = domainOf(email).split('.');
  for (let i = 0; i < labels.length - 1; i++) if (blocked.has(labels.slice(i).join('.'))) return true;
  return false;
}

/**
 * A sign-up from the web form. New and unsubscribed (or erased) addresses become pending; a
 * pending one is asked again; confirmed and bounced addresses keep their state. The queued job
 * sends the confirmation only to a pending address whose inbox has had none recently.
 */
export async function requestSubscription(deps: SubscriptionDeps, input: unknown, client: { ip?: string } = {}): Promise<void> {
  const { email, name } = parseSubscribeInput(input);
  if (isBlockedDomain(deps.blockedDomains, email)) {
    throw new FrontError('SUBSCRIBER_INVALID', 'Please use a permanent email address; disposable inboxes cannot receive a weekly digest.', {
      permanent: true,
    });
  }
  const at = now(deps).toISOString();
  const { subscriber } = await deps.store.addSubscriber({
    email,
    ...(name === undefined ? {} : { name }),
    status: 'pending',
    onlyFrom: ['pending', 'unsubscribed'],
    // A returning reader's earlier ending is replaced by this new request; the request is the record.
    fields: { source: 'web', requestedAt: at, ipHash: client.ip ? keyedHash(deps.secret, 'ip', client.ip) : '', confirmedAt: '', endedReason: '', endedAt: '' },
    suppressionHash: suppressionHash(deps.secret, email),
    allowSuppressed: true,
  });
  // allowSuppressed: a subscriber always comes back, so there is always an id to queue.
  await deps.jobs.confirmation(subscriber!.id);
}

/** What a confirm link would do, without doing it: GET and HEAD (and link scanners) only read. */
export async function checkConfirmLink(deps: Pick<SubscriptionDeps, 'store' | 'secret' | 'clock'>, token: string): Promise<ConfirmLinkStatus> {
  const check = checkExpiringToken(deps.secret, 'confirm', token, now(deps));
  if (check.status === 'invalid') return 'invalid';
  const subscriber = await deps.store.getSubscriber(check.id);
  if (!subscriber) return 'invalid';
  if (subscriber.status === 'confirmed') return 'already-confirmed';
  if (check.status === 'expired') return 'expired';
  // An old confirm link must not undo a later unsubscribe (or a bounce): re-subscribing starts over.
  return subscriber.status === 'pending' ? 'ready' : 'inactive';
}

/** POST /confirm: pending → confirmed in one script, then the welcome mail is queued. */
export async function confirmSubscription(deps: SubscriptionDeps, token: string): Promise<ConfirmResult> {
  const status = await checkConfirmLink(deps, token);
  if (status !== 'ready') return { status };
  const check = checkExpiringToken(deps.secret, 'confirm', token, now(deps));
  if (check.status !== 'ok') return { status: 'invalid' };
  const id = check.id;
  const result = await deps.store.transitionSubscriber(id, 'confirmed', { from: ['pending'], fields: { confirmedAt: now(deps).toISOString() } });
  if (!result.changed) return { status: result.previous === 'confirmed' ? 'already-confirmed' : 'inactive' };
  const subscriber = await deps.store.getSubscriber(id);
  // A reader erased earlier who has now confirmed afresh is no longer suppressed.
  if (subscriber) await deps.store.unsuppress(suppressionHash(deps.secret, subscriber.email));
  await deps.jobs.welcome(id);
  deps.logger?.info({ subscriberId: id }, 'subscriber.confirmed');
  return { status: 'confirmed' };
}

/** Idempotent: a second click, or a subscriber removed since, still reads as unsubscribed. */
export async function unsubscribe(deps: Pick<SubscriptionDeps, 'store' | 'secret' | 'clock' | 'logger'>, token: string): Promise<UnsubscribeResult> {
  const id = verifyToken(deps.secret, 'unsubscribe', token);
  if (id === undefined) return { status: 'invalid' };
  // A bounced address already gets nothing; keeping 'bounced' preserves the suppression reason.
  const result = await deps.store.transitionSubscriber(id, 'unsubscribed', {
    from: ['pending', 'confirmed'],
    fields: { endedReason: 'unsubscribed', endedAt: now(deps).toISOString() },
  });
  if (!result.changed) return { status: result.previous === 'bounced' ? 'unsubscribed' : 'already-unsubscribed' };
  deps.logger?.info({ subscriberId: id, previous: result.previous }, 'subscriber.unsubscribed');
  return { status: 'unsubscribed' };
}

/** True when the token is a genuine unsubscribe token; the GET page uses it without acting. */
export function isUnsubscribeToken(secret: string, token: string): boolean {
  return verifyToken(secret, 'unsubscribe', token) !== undefined;
}
