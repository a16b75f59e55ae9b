import { createHmac, randomBytes } from 'node:crypto';
import { sign, unsign } from '@fastify/cookie';

/**
 * The admin session is a cookie signed with @fastify/cookie's signer: `<random id>.<expiry ms>`.
 * The signing key is derived from SECRET_KEY and the password hash together, so changing the admin
 * password logs every session out. HttpOnly + SameSite=Strict + path /admin: scripts cannot read
 * it and other sites cannot send it.
 */
export const SESSION_COOKIE = 'frontera_admin';
export const SESSION_HOURS = 12;

export function sessionKey(secret: string, passwordHash: string): string {
  return createHmac('sha256', secret).update(`admin-session\n${passwordHash}`).digest('base64url');
}

export function newSession(key: string, now: number): { value: string; maxAge: number } {
  const expires = now + SESSION_HOURS * 3_600_000;
  return { value: sign(`${randomBytes(16).toString('base64url')}.${expires}`, key), maxAge: SESSION_HOURS * 3600 };
}

export function validSession(cookie: string | undefined, key: string, now: number): boolean {
  if (!cookie) return false;
  const result = unsign(cookie, key);
  if (!result.valid || !result.value) return false;
  const expires = Number(result.value.split('.')[1]);
  return Number.isFinite(expires) && expires > now;
}
