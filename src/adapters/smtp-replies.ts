import type { NodemailerError } from 'nodemailer';
import { FrontError } from '../domain/errors.ts';

/**
 * Reads an SMTP failure the way a sender must (RFC 5321 reply codes, RFC 3463 enhanced status
 * codes), because the outcome decides what happens to a reader:
 *
 * - SMTP_MAILBOX_UNAVAILABLE: 5.1.x about the recipient (no such mailbox, bad address) or 5.2.1
 *   (mailbox disabled) → bounced, and the address is suppressed.
 * - SMTP_POLICY_REJECTED: 5.7.x, or anything refused at MAIL FROM, or 5.1.7/5.1.8 (the sender's
 *   address): the server refuses *us* (blocklisted IP, SPF/DMARC, reputation). The reader did
 *   nothing wrong: failed, never suppressed, and a run of these trips the send's circuit breaker.
 * - SMTP_REJECTED: any other permanent refusal (5xx at DATA: content rejected; 5.2.2 mailbox full,
 *   5.3.x, 5.6.x…) → failed, never retried automatically.
 * - SMTP_TRANSIENT: 4xx (421 included) and connection trouble before the data → retried with
 *   backoff; SMTP_UNREACHABLE when the connection itself could not be made.
 * - SMTP_CONNECTION_LOST: no reply after the whole message was sent: it may have been accepted,
 *   so it becomes uncertain and is never resent automatically.
 */

export type DataStage = 'before-data' | 'in-data' | 'after-data';

const ENHANCED = /^[245]\d\d[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/;
// Replies without an enhanced code: words that name the mailbox, and words that name a policy.
const MAILBOX_WORDS = /\b(no such (user|mailbox|recipient)|user unknown|unknown (user|recipient)|mailbox (unavailable|not found|does not exist)|recipient (rejected|unknown|not found)|does not exist|invalid (recipient|mailbox|address)|address rejected)\b/i;
const POLICY_WORDS = /\b(block(ed|list(ed)?)|blacklist(ed)?|spam|policy|reputation|rbl|dnsbl|spf|dmarc|dkim|denied|sender|relay(ing)? (denied|not permitted)|not permitted|rate limit)/i;
const CONNECT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ESOCKET', 'ETLS', 'EPROXY']);

export function enhancedCode(response: string | undefined): { klass: number; subject: number; detail: number } | undefined {
  const m = ENHANCED.exec((response ?? '').trim());
  return m ? { klass: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : undefined;
}

/** Maps a nodemailer error and how far the message got onto Frontera's error codes. */
export function classifySmtpError(err: unknown, stage: DataStage): FrontError {
  const e = (err ?? {}) as NodemailerError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const response = typeof e.response === 'string' ? e.response.trim() : '';
  const detail = `${e.code ?? 'UNKNOWN'}${e.command ? ` (${e.command})` : ''}: ${response || message}`.slice(0, 300);
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const fail = (code: ConstructorParameters<typeof FrontError>[0], permanent: boolean) => new FrontError(code, detail, { permanent, cause: err });

  if (rc !== undefined && rc >= 400) {
    // A reply is a definite answer, whatever the stage: the message was not accepted.
    // 503 is "bad sequence of commands": the session's fault, not the message's (RFC 5321 4.2.1).
    if (rc < 500 || rc === 503) return fail('SMTP_TRANSIENT', false);
    const enh = enhancedCode(response);
    if (e.command === 'MAIL FROM') return fail('SMTP_POLICY_REJECTED', true);
    if (enh) {
      if (enh.subject === 7) return fail('SMTP_POLICY_REJECTED', true);
      if (enh.subject === 1 && (enh.detail === 7 || enh.detail === 8)) return fail('SMTP_POLICY_REJECTED', true);
      if (enh.subject === 1 || (enh.subject === 2 && enh.detail === 1)) return fail('SMTP_MAILBOX_UNAVAILABLE', true);
      return fail('SMTP_REJECTED', true);
    }
    // No enhanced code: suppress only when the words say the mailbox is the problem.
    if (POLICY_WORDS.test(response)) return fail('SMTP_POLICY_REJECTED', true);
    if (e.command === 'RCPT TO' && MAILBOX_WORDS.test(response)) return fail('SMTP_MAILBOX_UNAVAILABLE', true);
    return fail('SMTP_REJECTED', true);
  }
  if (stage === 'after-data') return fail('SMTP_CONNECTION_LOST', true);
  if (e.code === 'EENVELOPE' && /recipient/i.test(message)) {
    // nodemailer refused the address before talking to the server (syntax): it will never work.
    return fail('SMTP_MAILBOX_UNAVAILABLE', true);
  }
  if (e.code !== undefined && CONNECT_CODES.has(e.code) && e.command === 'CONN' && stage === 'before-data') {
    return fail('SMTP_UNREACHABLE', false);
  }
  if ((e.code !== undefined && (CONNECT_CODES.has(e.code) || e.code === 'EMAXLIMIT' || e.code === 'EABORT')) || stage === 'in-data') {
    return fail('SMTP_TRANSIENT', false);
  }
  // Configuration and API errors (EAUTH without a reply, ENOAUTH, ECONFIG, EENVELOPE for the
  // sender…) will fail the same way next time.
  return fail('SMTP_ERROR', true);
}

/** smtp://user:secret@host:587 → smtp://user:***@host:587, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}
