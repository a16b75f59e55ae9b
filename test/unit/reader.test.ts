import { describe, expect, it } from 'vitest';
import { checkExpiringToken, signExpiringToken, signToken, verifyToken } from '../../src/domain/tokens.ts';
import { normalizeMailbox } from '../../src/pipeline/mailbox.ts';
import { chosenThemes, isPaused } from '../../src/pipeline/preferences.ts';
import { formatWhen, nextIssueDate } from '../../src/pipeline/reader-mail.ts';
import { isBlockedDomain } from '../../src/pipeline/subscriptions.ts';
import { preferencesPage } from '../../src/web/reader/pages.ts';

const SECRET = 'unit-secret-0123456789abcdef0123';

describe('normalizeMailbox', () => {
  it('folds plus-tags everywhere and dots only where the provider ignores them', () => {
    expect(normalizeMailbox('Ana+news@Example.org')).toBe('ana@example.org');
    expect(normalizeMailbox('a.n.a+x@gmail.com')).toBe('ana@gmail.com');
    expect(normalizeMailbox('A.N.A@googlemail.com')).toBe('ana@gmail.com');
    expect(normalizeMailbox('a.n.a@example.org')).toBe('a.n.a@example.org');
    expect(normalizeMailbox('"a+b"@example.org')).toBe('"a+b"@example.org');
    expect(normalizeMailbox('+tag@example.org')).toBe('+tag@example.org');
  });
});

describe('expiring confirm tokens', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it('confirm tokens expire, are single-purpose and cannot be stretched', () => {
    const t = signExpiringToken(SECRET, 'confirm', 'sub_1', new Date(now.getTime() + 7 * 86_400_000));
    expect(checkExpiringToken(SECRET, 'confirm', t, now)).toEqual({ status: 'ok', id: 'sub_1' });
    expect(checkExpiringToken(SECRET, 'confirm', t, new Date(now.getTime() + 8 * 86_400_000))).toEqual({ status: 'expired', id: 'sub_1' });
    expect(checkExpiringToken(SECRET, 'preferences', t, now)).toEqual({ status: 'invalid' });
    const [v, id, , mac] = t.split('.');
    const stretched = `${v}.${id}.${Math.floor(now.getTime() / 1000 + 365 * 86_400).toString(36)}.${mac}`;
    expect(checkExpiringToken(SECRET, 'confirm', stretched, now)).toEqual({ status: 'invalid' });
    // An old non-expiring token never confirms.
    expect(checkExpiringToken(SECRET, 'confirm', signToken(SECRET, 'confirm', 'sub_1'), now)).toEqual({ status: 'invalid' });
    expect(verifyToken(SECRET, 'unsubscribe', signToken(SECRET, 'preferences', 'sub_1'))).toBeUndefined();
  });
});

describe('reader helpers', () => {
  it('blocks listed disposable domains and their subdomains only', () => {
    const list = new Set(['mailinator.com']);
    expect(isBlockedDomain(list, 'x@mailinator.com')).toBe(true);
    expect(isBlockedDomain(list, 'x@eu.mailinator.com')).toBe(true);
    expect(isBlockedDomain(list, 'x@notmailinator.com')).toBe(false);
    expect(isBlockedDomain(undefined, 'x@mailinator.com')).toBe(false);
  });

  it('says when the next issue comes from DIGEST_CRON and DIGEST_TZ', () => {
    const next = nextIssueDate({ cron: '0 7 * * 1', tz: 'America/Mexico_City' }, new Date('2026-12-02T12:00:00Z'))!;
    expect(next.toISOString()).toBe('2026-12-07T13:00:00.000Z');
    expect(formatWhen(next, 'America/Mexico_City')).toBe('on Monday, 7 December 2026, around 07:00 (America/Mexico_City time)');
    expect(nextIssueDate({ cron: 'not a cron', tz: 'UTC' }, new Date())).toBeUndefined();
  });

  it('reads theme choices and pauses', () => {
    expect(chosenThemes({}, ['a', 'b'])).toEqual(['a', 'b']);
    expect(chosenThemes({ themes: 'b,gone' }, ['a', 'b'])).toEqual(['b']);
    expect(chosenThemes({ themes: 'gone' }, ['a', 'b'])).toEqual(['a', 'b']);
    const now = new Date('2026-12-01T00:00:00Z');
    expect(isPaused({ pausedUntil: '2026-12-15T00:00:00Z' }, now)).toBe(true);
    expect(isPaused({ pausedUntil: '2026-11-15T00:00:00Z' }, now)).toBe(false);
    expect(isPaused({}, now)).toBe(false);
  });

  it('offers the edition language only when a bilingual edition exists', () => {
    const base = { token: 't', themes: [{ id: 'a', title: 'A <b>', checked: true }], unsubscribeUrl: 'https://x.example/unsubscribe?token=u' };
    const ctx = { publicUrl: 'https://x.example', postalAddress: 'Somewhere 1' };
    expect(preferencesPage(ctx, base)).not.toContain('name="lang"');
    const both = preferencesPage(ctx, { ...base, languages: [{ code: 'en', label: 'English', checked: false }, { code: 'es', label: 'Español', checked: true }] });
    expect(both).toContain('<input type="radio" name="lang" value="es" checked>');
    expect(both).toContain('A &lt;b&gt;');
  });
});
