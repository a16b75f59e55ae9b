import zlib from 'node:zlib';
import { FrontError } from '../domain/errors.ts';

/** Response bodies: content codings undone in order, and bytes decoded to text by their charset. */

export function contentDecoders(header: string | undefined, url: URL): NodeJS.ReadWriteStream[] {
  const codings = (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  // Sync flush tolerates a missing gzip trailer, as browsers and undici do; a truly truncated body
  // still fails later as malformed XML.
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  // Codings are listed in the order they were applied, so undo them in reverse.
  return codings.reverse().map((coding) => {
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip(lenient);
    // RFC 9110's "deflate" is the zlib format; raw-deflate servers are rare enough to not guess.
    if (coding === 'deflate') return zlib.createInflate(lenient);
    if (coding === 'br') return zlib.createBrotliDecompress();
    throw new FrontError('FEED_HTTP_ERROR', `unsupported Content-Encoding ${coding} from ${url.host}`);
  });
}

/**
 * Bytes → text. A BOM is authoritative; then the declared charsets (Content-Type, then the XML
 * declaration). Servers often label latin1 bodies as UTF-8 or send no charset at all, so a body that
 * is not valid UTF-8 falls back to the declared legacy charset or windows-1252 (a superset of
 * ISO-8859-1, and what WHATWG decoders use for it) instead of producing U+FFFD everywhere.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): string {
  const bom = sniffBom(raw);
  if (bom) return stripBom(decodeAs(bom, raw));
  const declared = [charsetFromContentType(contentType), charsetFromXmlDeclaration(raw), charsetFromMeta(raw)]
    .map(canonicalEncoding)
    .filter((enc): enc is string => enc !== undefined);
  const legacy = declared.find((enc) => enc !== 'utf-8');
  if (!legacy || declared.includes('utf-8')) {
    try {
      return stripBom(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      // Not UTF-8 despite the label: fall through to the legacy charset.
    }
  }
  return stripBom(decodeAs(legacy ?? 'windows-1252', raw));
}

// Node ≥ 20.18.3 decodes windows-1252 as plain ISO-8859-1 (nodejs/node#56542), turning curly quotes,
// dashes and € into C1 controls; so the 0x80–0x9F block is mapped by hand, per the WHATWG table.
const CP1252_80_9F =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

function decodeAs(encoding: string, raw: Buffer): string {
  if (encoding !== 'windows-1252') return new TextDecoder(encoding).decode(raw);
  return raw.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80] ?? c);
}

function sniffBom(raw: Buffer): string | undefined {
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return 'utf-8';
  if (raw[0] === 0xff && raw[1] === 0xfe) return 'utf-16le';
  if (raw[0] === 0xfe && raw[1] === 0xff) return 'utf-16be';
  return undefined;
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  return /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '')?.[1];
}

function charsetFromXmlDeclaration(raw: Buffer): string | undefined {
  // The declaration is ASCII by definition, so reading the head as latin1 is safe for any charset.
  const head = raw.subarray(0, 256).toString('latin1');
  return /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

/** HTML pages declare it in a <meta> within the first 1024 bytes (the HTML spec's prescan window). */
function charsetFromMeta(raw: Buffer): string | undefined {
  const head = raw.subarray(0, 1024).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head)?.[1];
}

/** The WHATWG name for a label, or undefined for labels TextDecoder does not know. */
function canonicalEncoding(label: string | undefined): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

