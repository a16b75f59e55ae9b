import { z } from 'zod';
import { FrontError } from '../domain/errors.ts';
import { signToken, verifyToken } from '../domain/tokens.ts';
import { escapeHtml } from '../templates/escape.ts';
import type { Logger, Mailer, SubscriberStore } from './ports.ts';

/**
 * The subscriber lifecycle as the web and the CLI drive it: subscribe (double opt-in), confirm,
 * unsubscribe. Steps talk to ports only; tokens are stateless HMACs (domain/tokens.ts).
 */

export interface SubscriptionDeps {
  store: SubscriberStore;
  mailer: Mailer;
  secret: string;
  /** Base URL the links in emails point at, without a trailing slash. */
  publicUrl: string;
  /**
   * The sender address. OutgoingMessage has no From field (the mailer owns it), so this is only
   * used in the email's wording; kept so callers configure one value in one place.
   */
  from: string;
  logger?: Logger;
}

export type SubscribeInput = { email: string; name?: string };

/**
 * 'suppressed' is for an address that hard-bounced: we send nothing (mailing it again hurts the
 * sender's reputation) but the web shows the same neutral page, so nobody learns its state.
 */
export type SubscribeResult = { status: 'pending' | 'already-confirmed' | 'suppressed' };
export type ConfirmResult = { status: 'confirmed' | 'already-confirmed' | 'inactive' | 'invalid' };
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

/** A pending address gets at most one confirmation email in this period. */
export const RESEND_AFTER_MS = 10 * 60_000;

export async function subscribe(deps: SubscriptionDeps, input: SubscribeInput): Promise<SubscribeResult> {
  const { email, name } = parseSubscribeInput(input);
  const existing = await deps.store.findByEmail(email);

  if (existing?.status === 'confirmed') {
    deps.logger?.info({ subscriberId: existing.id }, 'subscriber.already-confirmed');
    return { status: 'already-confirmed' };
  }
  // A spam complaint suppresses like a hard bounce: mailing a complainer a confirmation risks another.
  if (existing?.status === 'bounced' || existing?.status === 'complained') {
    deps.logger?.warn({ subscriberId: existing.id }, 'subscriber.suppressed');
    return { status: 'suppressed' };
  }

  // New, pending (asked again: resend) or unsubscribed (re-subscribing must be confirmed afresh,
  // else anyone could re-add an address that opted out). The change is conditional inside the
  // store, so a confirmation or bounce landing since findByEmail above is never undone.
  const subscriber = await deps.store.upsertSubscriber({
    email,
    ...(name === undefined ? {} : { name }),
    status: 'pending',
    onlyFrom: ['pending', 'unsubscribed'],
  });
  if (subscriber.status === 'confirmed') return { status: 'already-confirmed' };
  if (subscriber.status === 'bounced' || subscriber.status === 'complained') return { status: 'suppressed' };
  // The form must not become a way to flood someone's inbox: while an address stays pending it
  // gets one confirmation per RESEND_AFTER_MS; the response stays the same neutral "check your
  // inbox". A new or returning (unsubscribed) reader always gets theirs.
  const slot = await deps.store.claimConfirmationSlot(subscriber.id, RESEND_AFTER_MS);
  if (!slot && existing?.status === 'pending') {
    deps.logger?.info({ subscriberId: subscriber.id }, 'subscriber.confirmation_throttled');
    return { status: 'pending' };
  }
  const token = signToken(deps.secret, 'confirm', subscriber.id);
  const link = `${trimSlash(deps.publicUrl)}/confirm?token=${encodeURIComponent(token)}`;
  await deps.mailer.sendMail(confirmationMessage(subscriber.email, link, deps));
  deps.logger?.info({ subscriberId: subscriber.id, previous: existing?.status ?? 'new' }, 'subscriber.pending');
  return { status: 'pending' };
}

/** GET /confirm is fetched by mail scanners too, so it only ever moves pending → confirmed. */
export async function confirmSubscription(
  deps: Pick<SubscriptionDeps, 'store' | 'secret' | 'logger'>,
  token: string,
): Promise<ConfirmResult> {
  const id = verifyToken(deps.secret, 'confirm', token);
  if (id === undefined) return { status: 'invalid' };
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) return { status: 'invalid' };
  if (subscriber.status === 'confirmed') return { status: 'already-confirmed' };
  // An old confirm link must not undo a later unsubscribe (or a bounce): re-subscribing starts over.
  if (subscriber.status !== 'pending') return { status: 'inactive' };
  await deps.store.setSubscriberStatus(id, 'confirmed');
  deps.logger?.info({ subscriberId: id }, 'subscriber.confirmed');
  return { status: 'confirmed' };
}

/** Idempotent: a second click, or a subscriber removed since, still reads as unsubscribed. */
export async function unsubscribe(
  deps: Pick<SubscriptionDeps, 'store' | 'secret' | 'logger'>,
  token: string,
): Promise<UnsubscribeResult> {
  const id = verifyToken(deps.secret, 'unsubscribe', token);
  if (id === undefined) return { status: 'invalid' };
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber || subscriber.status === 'unsubscribed') return { status: 'already-unsubscribed' };
  // A bounced address already gets nothing; keeping 'bounced' preserves the suppression reason.
  if (subscriber.status === 'bounced' || subscriber.status === 'complained') return { status: 'unsubscribed' };
  await deps.store.setSubscriberStatus(id, 'unsubscribed');
  deps.logger?.info({ subscriberId: id, previous: subscriber.status }, 'subscriber.unsubscribed');
  return { status: 'unsubscribed' };
}

/** True when the token is a genuine unsubscribe token; the GET page uses it without acting. */
export function isUnsubscribeToken(secret: string, token: string): boolean {
  return verifyToken(secret, 'unsubscribe', token) !== undefined;
}

function confirmationMessage(to: string, link: string, deps: Pick<SubscriptionDeps, 'from'>) {
  const text = [
    'Hello,',
    '',
    'Someone (hopefully you) asked to receive Frontera, a weekly digest of news on Mexico’s',
    'strategy against the cartels and on US–Mexico relations, at this address.',
    '',
    'To confirm, open this link:',
    link,
    '',
    'If you did not ask for this, ignore this email and you will hear nothing more from us.',
    `Questions: ${deps.from}`,
  ].join('\n');
  const html =
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#222">' +
    '<p>Hello,</p>' +
    '<p>Someone (hopefully you) asked to receive <strong>Frontera</strong>, a weekly digest of news on ' +
    'Mexico’s strategy against the cartels and on US–Mexico relations, at this address.</p>' +
    `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#0b5394;` +
    'color:#fff;text-decoration:none;border-radius:4px">Confirm my subscription</a></p>' +
    `<p style="font-size:13px;color:#555">Or paste this link into your browser:<br>${escapeHtml(link)}</p>` +
    '<p style="font-size:13px;color:#555">If you did not ask for this, ignore this email and you will ' +
    'hear nothing more from us.</p></body></html>';
  // Transactional mail: no List-Unsubscribe (there is no subscription yet), and it must not be
  // auto-replied to.
  return { to, subject: 'Confirm your Frontera subscription', html, text, headers: { 'Auto-Submitted': 'auto-generated' } };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
