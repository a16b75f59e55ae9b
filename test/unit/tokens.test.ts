import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/domain/tokens.ts';

const SECRET = 'test-secret-0123456789abcdef0123456789';

describe('tokens', () => {
  it('round-trips a subscriber id and is URL-safe', () => {
    const token = signToken(SECRET, 'unsubscribe', 'sub_01HZ-ñ/é');
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyToken(SECRET, 'unsubscribe', token)).toBe('sub_01HZ-ñ/é');
  });

  it('never verifies a token for another purpose', () => {
    const unsub = signToken(SECRET, 'unsubscribe', 'sub-1');
    const confirm = signToken(SECRET, 'confirm', 'sub-1');
    expect(unsub).not.toBe(confirm);
    expect(verifyToken(SECRET, 'confirm', unsub)).toBeUndefined();
    expect(verifyToken(SECRET, 'unsubscribe', confirm)).toBeUndefined();
  });

  it('rejects another secret, a swapped id and tampering', () => {
    const token = signToken(SECRET, 'unsubscribe', 'sub-1');
    expect(verifyToken(`${SECRET}x`, 'unsubscribe', token)).toBeUndefined();
    const [v, , mac] = token.split('.');
    const otherId = Buffer.from('sub-2').toString('base64url');
    expect(verifyToken(SECRET, 'unsubscribe', `${v}.${otherId}.${mac}`)).toBeUndefined();
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    expect(verifyToken(SECRET, 'unsubscribe', flipped)).toBeUndefined();
  });

  it('rejects malformed input without throwing', () => {
    for (const bad of ['', 'v1', 'v1..', 'v1.c3ViLTE.', 'v2.c3ViLTE.abc', 'x'.repeat(10_000), 'v1.c3ViLTE=.' + 'A'.repeat(43), 'v1.c3ViLTE.' + 'A'.repeat(43) + '.x']) {
      expect(verifyToken(SECRET, 'unsubscribe', bad)).toBeUndefined();
    }
  });

  it('is deterministic, so old emails keep working', () => {
    expect(signToken(SECRET, 'unsubscribe', 'sub-1')).toBe(signToken(SECRET, 'unsubscribe', 'sub-1'));
  });

  it('refuses a weak secret', () => {
    expect(() => signToken('short', 'confirm', 'sub-1')).toThrow(/secret/);
    expect(() => verifyToken('', 'confirm', 'v1.a.b')).toThrow(/secret/);
  });
});
