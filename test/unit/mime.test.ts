import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildRaw, encodeQpPiece, escapeHtml, formatAddress, prepareMime } from '../../src/templates/mime.ts';

const UNSUB = '%%FRONTERA_UNSUBSCRIBE_URL%%';
const EMAIL = '%%FRONTERA_EMAIL%%';

const TEXT = [
  'Resumen semanal — México y EE. UU.',
  '“Extradiciones”, aranceles y la estrategia de seguridad: qué cambió esta semana.',
  '.Una línea que empieza con punto',
  '.',
  'From Washington, a long line follows',
  'Texto con espacios al final   ',
  'https://www.example.mx/nota?id=42&utm_source=frontera&x==3',
  'ñ'.repeat(120) + ' ' + 'palabra '.repeat(30),
  'Suscrito como ' + EMAIL + '.',
  'Darse de baja: ' + UNSUB,
].join('\n');

const HTML = [
  '<html><body><h1>Frontera — “semana”</h1>',
  `<p style="margin:0;padding:0">${'Cooperación de seguridad, soberanía y fentanilo. '.repeat(12)}</p>`,
  '.<span>punto al inicio</span>',
  `<a href="https://example.org/a?b=c&amp;d=e">fuente=1</a><p>${EMAIL}${EMAIL}</p>`,
  `<a href="${UNSUB}">Cancelar suscripción</a></body></html>`,
].join('\n');

function prepare() {
  return prepareMime({
    from: 'Frontera — Resumen <digest@frontera.example>',
    replyTo: 'Editores <editores@frontera.example>',
    subject: 'Frontera: México y EE. UU. — “extradiciones” y aranceles',
    html: HTML,
    text: TEXT,
    placeholders: [UNSUB, EMAIL],
  });
}

const VALUES = { [UNSUB]: 'https://frontera.example/unsubscribe?token=a=b&c=ñ', [EMAIL]: 'josé.o\'brien@ejemplo.mx' };
const HEADERS = {
  to: 'José Pérez <jose@ejemplo.mx>',
  messageId: '<d1.s1@frontera.example>',
  date: new Date('2025-12-01T09:00:00Z'),
  extra: {
    'List-Unsubscribe': '<https://frontera.example/unsubscribe?token=a=b&c>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
};

function substitute(body: string, values: Record<string, string>, escape: (v: string) => string): string {
  return body.replaceAll(UNSUB, escape(values[UNSUB] ?? '')).replaceAll(EMAIL, escape(values[EMAIL] ?? ''));
}

/** The body lines of the QP parts (between each part's blank line and the next boundary). */
function qpLines(raw: string): string[] {
  return raw
    .split(/\r\n--[^\r\n]+\r\n/)
    .slice(1)
    .flatMap((part) => part.split('\r\n\r\n').slice(1).join('\r\n\r\n').split('\r\n'));
}

describe('encodeQpPiece', () => {
  it('keeps every line within 76 characters, plain, and ending on a soft or hard break', () => {
    const encoded = encodeQpPiece(TEXT);
    expect(encoded.endsWith('=\r\n')).toBe(true);
    for (const line of encoded.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line).toMatch(/^[\x21-\x7e \t]*$/);
      expect(line).not.toMatch(/[ \t]$/);
      expect(line.startsWith('.')).toBe(false);
      expect(line.startsWith('From ')).toBe(false);
    }
  });

  it('ends a piece that ends with a newline on a hard break, and encodes nothing for nothing', () => {
    expect(encodeQpPiece('a\n')).toBe('a\r\n');
    expect(encodeQpPiece('')).toBe('');
    expect(encodeQpPiece('x=y')).toBe('x=3Dy=\r\n');
  });
});

describe('prepareMime + buildRaw', () => {
  it('round-trips through mailparser to the substituted html and text', async () => {
    const raw = buildRaw(prepare(), VALUES, HEADERS);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(substitute(TEXT, VALUES, (v) => v));
    expect(parsed.html).toBe(substitute(HTML, VALUES, escapeHtml));
    expect(parsed.subject).toBe('Frontera: México y EE. UU. — “extradiciones” y aranceles');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Frontera — Resumen', address: 'digest@frontera.example' });
    expect(parsed.replyTo?.value[0]?.address).toBe('editores@frontera.example');
    expect(parsed.messageId).toBe('<d1.s1@frontera.example>');
    expect(parsed.date?.toISOString()).toBe('2025-12-01T09:00:00.000Z');
    const lines = new Map(parsed.headerLines.map((h) => [h.key, h.line]));
    expect(lines.get('list-unsubscribe')).toBe('List-Unsubscribe: <https://frontera.example/unsubscribe?token=a=b&c>');
    expect(lines.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('encodes a non-ASCII subject as RFC 2047 words and keeps every line short', () => {
    const raw = buildRaw(prepare(), VALUES, HEADERS).toString('latin1');
    expect(raw).toMatch(/^Subject: .*=\?UTF-8\?Q\?/m);
    const [head] = raw.split('\r\n\r\n');
    for (const line of head?.split('\r\n') ?? []) expect(line.length).toBeLessThanOrEqual(100);
    for (const line of qpLines(raw)) expect(line.length).toBeLessThanOrEqual(76);
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(/[^\r]\n|\r[^\n]/.test(raw)).toBe(false); // CRLF only, as SMTP requires
  });

  it('reuses the encoded static chunks and differs only where values were spliced', () => {
    const prepared = prepare();
    const a = buildRaw(prepared, { [UNSUB]: 'https://x.example/u?t=1', [EMAIL]: 'a@x.example' }, HEADERS).toString();
    const b = buildRaw(prepared, { [UNSUB]: 'https://x.example/u?t=2', [EMAIL]: 'b@x.example' }, HEADERS).toString();
    expect(a.length).toBe(b.length);
    const diffs = [...a].filter((c, i) => c !== b[i]).length;
    expect(diffs).toBe(5); // one token digit + four address initials
  });

  it('refuses a placeholder without a value', () => {
    expect(() => buildRaw(prepare(), { [UNSUB]: 'https://x.example/' }, HEADERS)).toThrow(/no value/);
  });

  it('refuses header injection in extra headers, addresses and the Message-ID', () => {
    const p = prepare();
    const inject = (extra: Record<string, string>, over: Partial<typeof HEADERS> = {}) => () =>
      buildRaw(p, VALUES, { ...HEADERS, ...over, extra });
    expect(inject({ 'List-Unsubscribe': '<https://x>\r\nBcc: victim@example.org' })).toThrow(/injection/);
    expect(inject({ 'X-Evil\r\nBcc': 'v@example.org' })).toThrow(/header name/);
    expect(inject({ 'X Space': 'v' })).toThrow(/header name/);
    expect(inject({ 'content-type': 'text/plain' })).toThrow(/set by buildRaw/);
    expect(inject({ Bcc: 'v@example.org' })).toThrow(/set by buildRaw/);
    expect(inject({}, { to: 'a@example.org\r\nBcc: v@example.org' })).toThrow(/injection/);
    expect(inject({}, { to: 'a@example.org, v@example.org' })).toThrow(/invalid email/);
    expect(inject({}, { messageId: '<a@b>\r\nBcc: v@example.org' })).toThrow(/Message-ID/);
  });

  it('flattens line breaks in the subject instead of letting them start a header', async () => {
    const p = prepareMime({ from: 'f@x.example', subject: 'Titular\r\nBcc: victim@example.org', html: '<p>x</p>', text: 'x', placeholders: [] });
    const parsed = await simpleParser(buildRaw(p, {}, { ...HEADERS, extra: {} }));
    expect(parsed.subject).toBe('Titular Bcc: victim@example.org');
    expect(parsed.bcc).toBeUndefined();
  });
});

describe('formatAddress', () => {
  it('quotes ASCII names with specials and encodes non-ASCII ones', () => {
    expect(formatAddress('a@x.example')).toBe('a@x.example');
    expect(formatAddress('Frontera <a@x.example>')).toBe('Frontera <a@x.example>');
    expect(formatAddress('EE. UU. Desk <a@x.example>')).toBe('"EE. UU. Desk" <a@x.example>');
    expect(formatAddress('Méx <a@x.example>')).toMatch(/^=\?UTF-8\?Q\?M=C3=A9x\?= <a@x\.example>$/);
  });
});
