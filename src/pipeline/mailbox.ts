import { createHmac } from 'node:crypto';

/**
 * Which addresses reach one inbox. The per-mailbox confirmation throttle keys on this, so
 * `name+1@`, `name+2@` and `n.a.m.e@gmail.com` share one slot and cannot be used to flood it.
 * Only rules providers document are applied: a `+tag` is ignored by nearly every provider;
 * Gmail ignores dots in the local part and googlemail.com is the same domain.
 */
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' };
const DOTS_IGNORED = new Set(['gmail.com']);

export function normalizeMailbox(email: string): string {
  const lower = email.normalize('NFC').trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 1) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1).replace(/\.+$/, '');
  domain = DOMAIN_ALIASES[domain] ?? domain;
  // A quoted local part is taken as is: its "+" or "." may be literal.
  if (!local.startsWith('"')) {
    const plus = local.indexOf('+');
    if (plus > 0) local = local.slice(0, plus);
    if (DOTS_IGNORED.has(domain)) local = local.replaceAll('.', '') || local;
  }
  return `${local}@${domain}`;
}

/** The domain part of an address, lower-cased, for block-list checks. */
export function domainOf(email: string): string {
  const lower = email.trim().toLowerCase();
  return lower.slice(lower.lastIndexOf('@') + 1).replace(/\.+$/, '');
}

/**
 * A keyed hash (HMAC-SHA256, hex) for values we must recognise but never keep: a client IP in a
 * consent record, a forgotten address in the suppression list. Without the secret it cannot be
 * reversed by hashing a list of guesses.
 */
export function keyedHash(secret: string, purpose: 'ip' | 'email', value: string): string {
  return createHmac('sha256', secret).update(`frontera:${purpose}:${value}`).digest('hex');
}

/** The suppression key of an address: exact address, case-folded (as the subscriber index). */
export const suppressionHash = (secret: string, email: string) => keyedHash(secret, 'email', email.normalize('NFC').trim().toLowerCase());
