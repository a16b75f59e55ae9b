import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, URL-safe tokens for unsubscribe and confirm links: `v1.<id>.<mac>`, both parts base64url.
 * The MAC covers the purpose, so an unsubscribe token never confirms anybody and vice versa.
 * Unsubscribe and preferences tokens do not expire: links in year-old emails must keep working (and
 * CAN-SPAM / RFC 8058 expect them to). Confirm tokens do (`v2`, expiry inside the MAC): a stranger's
 * address signed up by someone else must not stay one click from confirmed forever.
 * Rotating the secret invalidates every outstanding token, which is the revocation.
 */

export type TokenPurpose = 'unsubscribe' | 'confirm' | 'preferences';

const VERSION = 'v1';
const PURPOSES: ReadonlySet<string> = new Set<TokenPurpose>(['unsubscribe', 'confirm', 'preferences']);
// base64url of 32 bytes, no padding.
const MAC_LENGTH = 43;
const B64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, purpose: TokenPurpose, subscriberId: string): Buffer {
  // The purpose is one of a fixed set and comes before the id, so the message is unambiguous.
  return createHmac('sha256', secret).update(`frontera:${VERSION}:${purpose}:${subscriberId}`).digest();
}

function checkArgs(secret: string, purpose: string): void {
  // An empty secret would make every token forgeable; refuse rather than sign.
  if (secret.length < 16) throw new Error('token secret must be at least 16 characters');
  if (!PURPOSES.has(purpose)) throw new Error(`unknown token purpose: ${purpose}`);
}

export function signToken(secret: string, purpose: TokenPurpose, subscriberId: string): string {
  checkArgs(secret, purpose);
  if (subscriberId.length === 0) throw new Error('subscriberId must not be empty');
  const id = Buffer.from(subscriberId, 'utf8').toString('base64url');
  return `${VERSION}.${id}.${mac(secret, purpose, subscriberId).toString('base64url')}`;
}

/** Returns the subscriber id the token was signed for, or undefined for anything not genuine. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): string | undefined {
  checkArgs(secret, purpose);
  // Bounded before any decoding so a huge query string costs nothing.
  if (typeof token !== 'string' || token.length > 512) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [version, id, given] = parts as [string, string, string];
  if (version !== VERSION || id.length === 0 || !B64URL.test(id)) return undefined;
  if (given.length !== MAC_LENGTH || !B64URL.test(given)) return undefined;
  const subscriberId = Buffer.from(id, 'base64url').toString('utf8');
  // Re-encoding must reproduce the token's id exactly, else two spellings would map to one id.
  if (subscriberId.length === 0 || Buffer.from(subscriberId, 'utf8').toString('base64url') !== id) return undefined;
  const expected = mac(secret, purpose, subscriberId);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || actual.toString('base64url') !== given) return undefined;
  return timingSafeEqual(actual, expected) ? subscriberId : undefined;
}

export type ExpiringCheck = { status: 'ok'; id: string } | { status: 'expired'; id: string } | { status: 'invalid' };

const EXPIRING_VERSION = 'v2';

function expiringMac(secret: string, purpose: TokenPurpose, subscriberId: string, exp: string): Buffer {
  return createHmac('sha256', secret).update(`frontera:${EXPIRING_VERSION}:${purpose}:${exp}:${subscriberId}`).digest();
}

/** `v2.<id>.<expiry, unix seconds in base 36>.<mac>`: the expiry is signed, so it cannot be extended. */
export function signExpiringToken(secret: string, purpose: TokenPurpose, subscriberId: string, expiresAt: Date): string {
  checkArgs(secret, purpose);
  if (subscriberId.length === 0) throw new Error('subscriberId must not be empty');
  const exp = Math.floor(expiresAt.getTime() / 1000).toString(36);
  const id = Buffer.from(subscriberId, 'utf8').toString('base64url');
  return `${EXPIRING_VERSION}.${id}.${exp}.${expiringMac(secret, purpose, subscriberId, exp).toString('base64url')}`;
}

/** Genuine and unexpired → ok; genuine but past its expiry → expired (the page can say so); else invalid. */
export function checkExpiringToken(secret: string, purpose: TokenPurpose, token: string, now: Date): ExpiringCheck {
  checkArgs(secret, purpose);
  if (typeof token !== 'string' || token.length > 512) return { status: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 4) return { status: 'invalid' };
  const [version, id, exp, given] = parts as [string, string, string, string];
  if (version !== EXPIRING_VERSION || id.length === 0 || !B64URL.test(id) || !/^[0-9a-z]{1,10}$/.test(exp)) return { status: 'invalid' };
  if (given.length !== MAC_LENGTH || !B64URL.test(given)) return { status: 'invalid' };
  const subscriberId = Buffer.from(id, 'base64url').toString('utf8');
  if (subscriberId.length === 0 || Buffer.from(subscriberId, 'utf8').toString('base64url') !== id) return { status: 'invalid' };
  const expected = expiringMac(secret, purpose, subscriberId, exp);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || actual.toString('base64url') !== given || !timingSafeEqual(actual, expected)) {
    return { status: 'invalid' };
  }
  return parseInt(exp, 36) * 1000 <= now.getTime() ? { status: 'expired', id: subscriberId } : { status: 'ok', id: subscriberId };
}
