import cronParser from 'cron-parser';
import { signExpiringToken, signToken } from '../domain/tokens.ts';
import { escapeHtml } from '../templates/escape.ts';
import { keyedHash, normalizeMailbox } from './mailbox.ts';
import type { Clock, DigestStore, Logger, Mailer, OutgoingMessage, SubscriberStore } from './ports.ts';

/**
 * The mails a reader gets outside the digest: the confirmation (double opt-in) and the welcome.
 * They run in the mail queue's worker, never in an HTTP request, so SMTP latency or failure is
 * invisible to the form and a failed send is retried by the queue.
 */

export interface ReaderMailDeps {
  store: SubscriberStore & Pick<DigestStore, 'listDigests'>;
  mailer: Mailer;
  secret: string;
  /** Base URL of the web app, without a trailing slash. */
  publicUrl: string;
  /** Shown as the address for questions. */
  from: string;
  confirmTokenDays: number;
  /** DIGEST_CRON and DIGEST_TZ, to tell a new reader when the next issue comes. */
  schedule: { cron: string; tz: string };
  clock?: Clock;
  logger?: Logger;
}

/** An inbox gets at most one confirmation email in this period, however its address is spelled. */
export const RESEND_AFTER_MS = 10 * 60_000;

export type ReaderMailOutcome = 'sent' | 'not-pending' | 'not-confirmed' | 'throttled';

const now = (deps: { clock?: Clock }) => (deps.clock ? deps.clock.now() : new Date());
const trim = (url: string) => url.replace(/\/+$/, '');

export async function sendConfirmation(deps: ReaderMailDeps, subscriberId: string): Promise<ReaderMailOutcome> {
  const subscriber = await deps.store.getSubscriber(subscriberId);
  if (!subscriber || subscriber.status !== 'pending') return 'not-pending';
  const mailbox = keyedHash(deps.secret, 'email', normalizeMailbox(subscriber.email));
  if (!(await deps.store.claimMailboxSlot(mailbox, RESEND_AFTER_MS))) {
    deps.logger?.info({ subscriberId }, 'subscriber.confirmation_throttled');
    return 'throttled';
  }
  const expires = new Date(now(deps).getTime() + deps.confirmTokenDays * 86_400_000);
  const link = `${trim(deps.publicUrl)}/confirm?token=${signExpiringToken(deps.secret, 'confirm', subscriberId, expires)}`;
  try {
    await deps.mailer.sendMail(confirmationMessage(subscriber.email, link, deps));
  } catch (err) {
    // The slot is for mail that went out; a failed send gives it back so the queue's retry sends.
    await deps.store.releaseMailboxSlot(mailbox);
    throw err;
  }
  deps.logger?.info({ subscriberId }, 'subscriber.confirmation_sent');
  return 'sent';
}

export async function sendWelcome(deps: ReaderMailDeps, subscriberId: string): Promise<ReaderMailOutcome> {
  const subscriber = await deps.store.getSubscriber(subscriberId);
  if (!subscriber || subscriber.status !== 'confirmed') return 'not-confirmed';
  const latest = (await deps.store.listDigests(20)).find((d) => d.status === 'sent' || d.status === 'sending');
  const base = trim(deps.publicUrl);
  const latestUrl = latest ? `${base}/archive/${encodeURIComponent(latest.id)}` : undefined;
  const next = nextIssueDate(deps.schedule, now(deps));
  const when = next ? formatWhen(next, deps.schedule.tz) : undefined;
  const prefs = `${base}/preferences?token=${signToken(deps.secret, 'preferences', subscriberId)}`;
  const unsub = `${base}/unsubscribe?token=${signToken(deps.secret, 'unsubscribe', subscriberId)}`;
  const text = [
    'Welcome to Frontera.',
    '',
    when ? `The next issue arrives ${when}.` : 'The next issue arrives with the next weekly edition.',
    latestUrl ? `While you wait, read the latest issue: ${latestUrl}` : 'The first issue is being prepared.',
    '',
    `Choose your themes or pause for a few weeks: ${prefs}`,
    `Unsubscribe: ${unsub}`,
  ].join('\n');
  const html = wrap(
    '<p>Welcome to <strong>Frontera</strong>.</p>' +
      `<p>${escapeHtml(when ? `The next issue arrives ${when}.` : 'The next issue arrives with the next weekly edition.')}</p>` +
      (latestUrl ? `<p>While you wait, <a href="${escapeHtml(latestUrl)}">read the latest issue</a>.</p>` : '<p>The first issue is being prepared.</p>') +
      `<p style="font-size:13px;color:#555"><a href="${escapeHtml(prefs)}">Choose your themes or pause</a> · <a href="${escapeHtml(unsub)}">Unsubscribe</a></p>`,
  );
  await deps.mailer.sendMail({
    to: subscriber.email,
    subject: 'Welcome to Frontera',
    html,
    text,
    headers: { 'Auto-Submitted': 'auto-generated', 'List-Unsubscribe': `<${unsub}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  deps.logger?.info({ subscriberId }, 'subscriber.welcome_sent');
  return 'sent';
}

/** The next run of the weekly schedule after `from`, or undefined for a pattern we cannot read. */
export function nextIssueDate(schedule: { cron: string; tz: string }, from: Date): Date | undefined {
  try {
    return cronParser.parseExpression(schedule.cron, { currentDate: from, tz: schedule.tz }).next().toDate();
  } catch {
    return undefined;
  }
}

/** "on Monday, 7 December 2026, around 07:00 (America/Mexico_City time)". */
export function formatWhen(date: Date, tz: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return `on ${day}, around ${time} (${tz} time)`;
}

function wrap(body: string): string {
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#222">${body}</body></html>`;
}

function confirmationMessage(to: string, link: string, deps: Pick<ReaderMailDeps, 'from' | 'confirmTokenDays'>): OutgoingMessage {
  const days = `${deps.confirmTokenDays} day${deps.confirmTokenDays === 1 ? '' : 's'}`;
  const text = [
    'Hello,',
    '',
    'Someone (hopefully you) asked to receive Frontera, a weekly digest of news on Mexico’s',
    'strategy against the cartels and on US–Mexico relations, at this address.',
    '',
    'To confirm, open this link:',
    link,
    '',
    `The link works for ${days}. If you did not ask for this, ignore this email and you will hear nothing more from us.`,
    `Questions: ${deps.from}`,
  ].join('\n');
  const html = wrap(
    '<p>Hello,</p>' +
      '<p>Someone (hopefully you) asked to receive <strong>Frontera</strong>, a weekly digest of news on ' +
      'Mexico’s strategy against the cartels and on US–Mexico relations, at this address.</p>' +
      `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#0b5394;` +
      'color:#fff;text-decoration:none;border-radius:4px">Confirm my subscription</a></p>' +
      `<p style="font-size:13px;color:#555">Or paste this link into your browser:<br>${escapeHtml(link)}</p>` +
      `<p style="font-size:13px;color:#555">The link works for ${days}. If you did not ask for this, ignore this email and you will ` +
      'hear nothing more from us.</p>',
  );
  // Transactional mail: no List-Unsubscribe (there is no subscription yet), and it must not be
  // auto-replied to.
  return { to, subject: 'Confirm your Frontera subscription', html, text, headers: { 'Auto-Submitted': 'auto-generated' } };
}
