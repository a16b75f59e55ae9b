import { escapeHtml } from './escape.ts';
import { randomBytes } from 'node:crypto';
import { encodeWords, foldLines } from 'nodemailer/lib/mime-funcs';

/**
 * Builds the digest's MIME message once and splices per-recipient values into it.
 *
 * nodemailer spends ~2 ms of CPU quoted-printable-encoding a 65 KB body for every message, which
 * dominates a large send. Here each body is split at its placeholders, each static chunk is
 * QP-encoded once, and buildRaw only encodes the few bytes that differ per recipient.
 *
 * Splice safety: every encoded piece starts at the beginning of a QP line and ends either after a
 * hard line break or with a soft line break (`=\r\n`), so pieces can be concatenated in any order
 * without a line ever spanning a splice point or exceeding 76 characters.
 *
 * Pure (no I/O, no clock): the caller passes the Date and the Message-ID.
 */

interface PreparedBody {
  /** Encoded static chunks; a slot (placeholder) sits between chunk i and chunk i + 1. */
  chunks: Buffer[];
  slots: string[];
}

export interface PreparedMime {
  readonly from: string;
  readonly replyTo?: string;
  readonly subject: string;
  readonly boundary: string;
  readonly text: PreparedBody;
  readonly html: PreparedBody;
}

const CRLF = '\r\n';
const SOFT_BREAK = '=\r\n';
// 75 so that a soft break's '=' still fits in the 76 characters RFC 2045 allows per line.
const MAX_QP_CONTENT = 75;
const HEX = '0123456789ABCDEF';
// Headers buildRaw writes itself; letting `extra` repeat them would produce ambiguous messages.
const RESERVED = new Set([
  'from', 'reply-to', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'mime-version',
  'content-type', 'content-transfer-encoding',
]);

function hexByte(b: number): string {
  return '=' + HEX[b >> 4] + HEX[b & 15];
}

/**
 * QP-encodes text as one splice-safe piece. The line-start rules go beyond RFC 2045 on purpose:
 * a '.' opening a line is encoded because some relays mangle it despite SMTP dot-stuffing, and
 * "From " because mbox-style storage rewrites it to ">From ".
 */
export function encodeQpPiece(text: string): string {
  if (text === '') return '';
  const hardLines = text.replace(/\r\n|\r/g, '\n').split('\n');
  const out: string[] = [];
  hardLines.forEach((line, index) => {
    if (index > 0) out.push(CRLF);
    const bytes = Buffer.from(line, 'utf8');
    let lineLength = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      const atLineStart = lineLength === 0;
      const lastOfHardLine = i === bytes.length - 1 && index < hardLines.length - 1;
      let token: string;
      if ((b === 0x20 || b === 0x09) && lastOfHardLine) token = hexByte(b); // trailing space may be stripped
      else if (atLineStart && b === 0x2e) token = '=2E';
      else if (atLineStart && b === 0x46 && bytes.toString('latin1', i, i + 5) === 'From ') token = '=46';
      else if ((b >= 0x21 && b <= 0x7e && b !== 0x3d) || b === 0x20 || b === 0x09) token = String.fromCharCode(b);
      else token = hexByte(b);
      if (lineLength + token.length > MAX_QP_CONTENT) {
        out.push(SOFT_BREAK);
        lineLength = 0;
        if (token === '.' || (token === 'F' && bytes.toString('latin1', i, i + 5) === 'From ')) token = hexByte(b);
      }
      out.push(token);
      lineLength += token.length;
    }
  });
  // A piece that does not end on a hard break ends on a soft one, so the next piece starts a line.
  if (!text.endsWith('\n') && !text.endsWith('\r')) out.push(SOFT_BREAK);
  return out.join('');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function prepareBody(body: string, placeholders: string[]): PreparedBody {
  if (placeholders.length === 0) return { chunks: [Buffer.from(encodeQpPiece(body), 'ascii')], slots: [] };
  const pattern = new RegExp(`(${placeholders.map(escapeRegExp).join('|')})`);
  const parts = body.split(pattern);
  const chunks: Buffer[] = [];
  const slots: string[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) chunks.push(Buffer.from(encodeQpPiece(part), 'ascii'));
    else slots.push(part);
  });
  return { chunks, slots };
}

function refuseLineBreaks(what: string, value: string): void {
  if (/[\r\n\0]/.test(value)) throw new Error(`${what} contains a line break; refusing header injection`);
}

/** Encodes a header field, RFC 2047 words only where the value is not plain ASCII, folded at 76. */
function headerLine(name: string, value: string): string {
  refuseLineBreaks(`header ${name}`, value);
  const encoded = /[^\x20-\x7e]/.test(value) ? encodeWords(value, 'Q', 52) : value;
  return foldLines(`${name}: ${encoded}`, 76) + CRLF;
}

/** Formats `Name <addr>` or a bare address for a header, quoting or encoding the display name. */
export function formatAddress(input: string): string {
  refuseLineBreaks('address', input);
  const match = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(input);
  const name = (match ? match[1] ?? '' : '').replace(/^"(.*)"$/, '$1');
  const address = (match ? match[2] ?? '' : input).trim();
  if (!/^[^\s<>()[\]\\,;:"@]+@[^\s<>()[\]\\,;:"@]+$/.test(address)) {
    throw new Error(`invalid email address ${JSON.stringify(address)}`);
  }
  if (name === '') return address;
  if (/[^\x20-\x7e]/.test(name)) return `${encodeWords(name, 'Q', 52, true)} <${address}>`;
  if (/[()<>[\]:;@\\,."]/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${name} <${address}>`;
}

export function prepareMime(input: {
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  placeholders: string[];
}): PreparedMime {
  return {
    from: formatAddress(input.from),
    ...(input.replyTo === undefined ? {} : { replyTo: formatAddress(input.replyTo) }),
    // A headline's stray newline must not become a header break; whitespace is what it meant.
    subject: input.subject.replace(/[\r\n\t]+/g, ' ').trim(),
    // "=_" never occurs in quoted-printable output, so the boundary cannot collide with a body.
    boundary: `----=_Frontera_${randomBytes(12).toString('hex')}`,
    text: prepareBody(input.text, input.placeholders),
    html: prepareBody(input.html, input.placeholders),
  };
}

export { escapeHtml };

function spliceBody(body: PreparedBody, values: Record<string, string>, escape: (v: string) => string): Buffer[] {
  const out: Buffer[] = [];
  body.chunks.forEach((chunk, i) => {
    out.push(chunk);
    const slot = body.slots[i];
    if (slot === undefined) return;
    const value = values[slot];
    if (value === undefined) throw new Error(`no value for placeholder ${slot}`);
    out.push(Buffer.from(encodeQpPiece(escape(value)), 'ascii'));
  });
  return out;
}

/** RFC 5322 date-time in UTC, e.g. "Mon, 01 Dec 2025 09:00:00 +0000". */
export function formatRfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * Serialises one recipient's message. Values are inserted verbatim into the text part and
 * HTML-escaped into the HTML part (a subscriber's address must not be able to inject markup).
 * `extra` carries List-Unsubscribe, List-Unsubscribe-Post and similar; their names and values
 * are refused if they could break out of their header line or override a structural header.
 */
export function buildRaw(
  prepared: PreparedMime,
  values: Record<string, string>,
  headers: { to: string; messageId: string; date: Date; extra: Record<string, string> },
): Buffer {
  const id = headers.messageId.trim().replace(/^<(.*)>$/, '$1');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(id)) throw new Error(`invalid Message-ID ${JSON.stringify(headers.messageId)}`);
  let head =
    `From: ${prepared.from}${CRLF}` +
    (prepared.replyTo === undefined ? '' : `Reply-To: ${prepared.replyTo}${CRLF}`) +
    `To: ${formatAddress(headers.to)}${CRLF}` +
    headerLine('Subject', prepared.subject) +
    `Date: ${formatRfc5322Date(headers.date)}${CRLF}` +
    `Message-ID: <${id}>${CRLF}` +
    `MIME-Version: 1.0${CRLF}`;
  for (const [name, value] of Object.entries(headers.extra)) {
    if (!/^[!-9;-~]+$/.test(name)) throw new Error(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED.has(name.toLowerCase())) throw new Error(`header ${name} is set by buildRaw`);
    head += headerLine(name, value);
  }
  const b = prepared.boundary;
  head += `Content-Type: multipart/alternative; boundary="${b}"${CRLF}${CRLF}`;
  const partHead = (type: string) =>
    `--${b}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}`;
  const raw = Buffer.concat([
    Buffer.from(head + partHead('text/plain'), 'utf8'),
    ...spliceBody(prepared.text, values, (v) => v),
    Buffer.from(`${CRLF}${partHead('text/html')}`, 'ascii'),
    ...spliceBody(prepared.html, values, escapeHtml),
    Buffer.from(`${CRLF}--${b}--${CRLF}`, 'ascii'),
  ]);
  WIRE_CLEAN.add(raw);
  return raw;
}

/**
 * Messages from buildRaw, which need no SMTP dot-stuffing by construction: every line break is
 * CRLF (header values with CR or LF are refused, folding and QP emit CRLF) and no line starts with
 * '.' (header lines start with a name or folding space, boundary lines with "--", and encodeQpPiece
 * writes a line-leading '.' as =2E). The SMTP data stream passes such a buffer through as it is
 * instead of scanning its 100 KB for line starts (src/adapters/smtp-data-stream.ts); a buffer
 * that is not this very object (a copy, a slice) is scanned as usual.
 */
const WIRE_CLEAN = new WeakSet<Uint8Array>();

export function isWireClean(chunk: Uint8Array): boolean {
  return WIRE_CLEAN.has(chunk);
}
