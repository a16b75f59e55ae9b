import { describe, expect, it } from 'vitest';
import { decodeReturnPathToken, returnPathAddress, signReturnPathToken, tokenFromAddress, verifyReturnPath } from '../../src/domain/return-path.ts';
import { classifyDsnRecipient, lateReportOf } from '../../src/pipeline/late-reports.ts';

const secret = 's'.repeat(32);
const cfg = { secret, localPart: 'bounces', domain: 'frontera.example' };

describe('VERP return-path tokens', () => {
  it('round-trips packed and raw subscriber ids and fits a 64-octet local part', () => {
    for (const sub of ['sub_0123456789abcdef0123', 'reader-7', 'sub_ñandú']) {
      const address = returnPathAddress(cfg, 'd_20261130_abc123', sub);
      expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
      // MTAs may upper-case a local part; the token survives it.
      const token = tokenFromAddress(cfg, `<${address.toUpperCase()}>`)!;
      const decoded = decodeReturnPathToken(token)!;
      expect(decoded.subscriberId).toBe(sub);
      expect(verifyReturnPath(secret, decoded, 'd_20261130_abc123')).toBe(true);
      expect(verifyReturnPath(secret, decoded, 'd_20261207_abc123')).toBe(false);
      expect(verifyReturnPath('t'.repeat(32), decoded, 'd_20261130_abc123')).toBe(false);
    }
  });

  it('rejects tampered, truncated and foreign tokens', () => {
    const token = signReturnPathToken(secret, 'd_1', 'sub_0123456789abcdef0123');
    const other = decodeReturnPathToken(signReturnPathToken(secret, 'd_1', 'sub_ffffffffffffffffffff'))!;
    // Splicing another reader's id into a genuine token breaks its MAC.
    const spliced = { ...other, mac: decodeReturnPathToken(token)!.mac };
    expect(verifyReturnPath(secret, spliced, 'd_1')).toBe(false);
    expect(decodeReturnPathToken(token.slice(0, 10))).toBeUndefined();
    expect(decodeReturnPathToken('!!!!')).toBeUndefined();
    expect(decodeReturnPathToken('a'.repeat(500))).toBeUndefined();
    expect(tokenFromAddress(cfg, `bounces+${token}@evil.example`)).toBeUndefined();
    expect(tokenFromAddress(cfg, 'bounces@frontera.example')).toBeUndefined();
  });
});

describe('DSN classification (RFC 3463)', () => {
  it('suppresses only for bad mailboxes', () => {
    expect(classifyDsnRecipient({ action: 'failed', status: '5.1.1' })).toBe('bounced');
    expect(classifyDsnRecipient({ action: 'failed', status: '5.1.10' })).toBe('bounced');
    expect(classifyDsnRecipient({ action: 'failed', status: '5.2.1' })).toBe('bounced');
    expect(classifyDsnRecipient({ action: 'failed', status: '5.1.8' })).toBe('failed');
    expect(classifyDsnRecipient({ action: 'failed', status: '5.7.1' })).toBe('failed');
    expect(classifyDsnRecipient({ action: 'failed', status: '5.2.2' })).toBe('failed');
    expect(classifyDsnRecipient({ action: 'failed', status: '4.4.7' })).toBe('failed');
    expect(classifyDsnRecipient({ action: 'delayed', status: '4.4.1' })).toBe('delayed');
    expect(classifyDsnRecipient({ action: 'delivered', status: '2.0.0' })).toBe('noted');
  });

  it('treats only an abuse feedback report as a complaint', () => {
    const arf = (feedbackType: string) => lateReportOf({ kind: 'arf', feedbackType, addresses: [], messageIds: [] }).kind;
    expect(arf('abuse')).toBe('complained');
    expect(arf('not-spam')).toBe('noted');
    expect(arf('virus')).toBe('noted');
  });
});

describe('default bounce domain', () => {
  it('is the domain of MAIL_FROM', async () => {
    const { domainOfSender } = await import('../../src/domain/return-path.ts');
    expect(domainOfSender('Frontera <digest@frontera.example>')).toBe('frontera.example');
    expect(domainOfSender('digest@news.example.mx')).toBe('news.example.mx');
    expect(domainOfSender('nobody')).toBeUndefined();
  });
});
