import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FrontError } from '../domain/errors.ts';
import type { FeedFetcher, FetchResult, FetchValidators } from '../pipeline/ports.ts';

export interface HttpFetcherOptions {
  /** Total budget for one fetchFeed call: every hop's connect, headers and body. */
  timeoutMs: number;
  /** Cap on the decoded (decompressed) body. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1';
// Statuses where asking again later can succeed; every other 4xx is the server's settled answer.
const TRANSIENT_4XX = new Set([408, 425, 429]);

/**
 * Conditional GET of one feed with hard caps on time, size and redirects. node:http is used
 * directly because the caps must hold against hostile servers: one deadline destroys the socket
 * wherever the exchange stalls, and the size cap counts bytes after decompression.
 */
export function createHttpFetcher(opts: HttpFetcherOptions): FeedFetcher {
  return {
    async fetchFeed(url: string, validators: FetchValidators): Promise<FetchResult> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
      try {
        return await followRedirects(url, validators, opts, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) {
          throw new FrontError('FEED_TIMEOUT', `no complete response within ${opts.timeoutMs} ms`, { cause: err });
        }
        if (err instanceof FrontError) throw err;
        throw networkError(err);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function followRedirects(
  startUrl: string,
  validators: FetchValidators,
  opts: HttpFetcherOptions,
  signal: AbortSignal,
): Promise<FetchResult> {
  let current = feedUrl(startUrl);
  const headers = requestHeaders(opts.userAgent, validators);
  for (let hop = 0; ; hop++) {
    const res = await sendRequest(current, headers, signal);
    const status = res.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status)) {
      const location = res.headers.location;
      // A redirect's body is never needed, and with agent:false the socket is not reused anyway.
      res.destroy();
      if (hop >= opts.maxRedirects) {
        throw new FrontError('FEED_TOO_MANY_REDIRECTS', `more than ${opts.maxRedirects} redirects from ${startUrl}`, {
          permanent: true,
        });
      }
      if (!location) throw new FrontError('FEED_HTTP_ERROR', `HTTP ${status} without Location from ${current.host}`);
      current = feedUrl(location, current);
      continue;
    }
    if (status === 304) {
      res.destroy();
      return { status: 'not-modified', finalUrl: current.href };
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw httpError(status, current);
    }
    const declaredLength = Number(res.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > opts.maxBytes) {
      res.destroy();
      throw tooLarge(opts.maxBytes, current);
    }
    const raw = await readBody(res, opts.maxBytes, current, signal);
    return {
      status: 'ok',
      finalUrl: current.href,
      body: decodeBody(raw, res.headers['content-type']),
      validators: responseValidators(res),
      bytes: raw.length,
    };
  }
}

function feedUrl(location: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch (err) {
    throw new FrontError('FEED_HTTP_ERROR', `invalid URL: ${location.slice(0, 200)}`, { permanent: true, cause: err });
  }
  // Redirects are server-controlled: refuse file:, ftp:, data: and friends outright.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FrontError('FEED_HTTP_ERROR', `unsupported URL scheme ${url.protocol}`, { permanent: true });
  }
  return url;
}

function requestHeaders(userAgent: string, validators: FetchValidators): Record<string, string> {
  const headers: Record<string, string> = {
    'User-Agent': userAgent,
    Accept: ACCEPT,
    'Accept-Encoding': 'gzip, deflate, br',
  };
  if (validators.etag) headers['If-None-Match'] = validators.etag;
  if (validators.lastModified) headers['If-Modified-Since'] = validators.lastModified;
  return headers;
}

function sendRequest(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    // agent:false: a fresh connection per request (Connection: close). Feeds live on many hosts and
    // are fetched hours apart, so pooling buys nothing, and a destroyed socket can never be reused.
    const req = transport.request(url, { method: 'GET', headers, agent: false, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function readBody(res: IncomingMessage, maxBytes: number, url: URL, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      // Failing the write makes pipeline destroy the decompressor and the response at once, so a
      // bomb is never inflated past the cap.
      if (total > maxBytes) return callback(tooLarge(maxBytes, url));
      chunks.push(chunk);
      callback();
    },
  });
  let decoders: NodeJS.ReadWriteStream[];
  try {
    decoders = contentDecoders(res.headers['content-encoding'], url);
  } catch (err) {
    res.destroy();
    throw err;
  }
  try {
    await pipeline([res, ...decoders, sink], { signal });
  } catch (err) {
    if (err instanceof FrontError || signal.aborted) throw err;
    // zlib reports Z_DATA_ERROR and friends; brotli reports ERR__ERROR_FORMAT_…
    const code = String((err as { code?: unknown }).code ?? '');
    throw code.startsWith('Z_') || code.startsWith('ERR__')
      ? new FrontError('FEED_NETWORK_ERROR', `could not decompress body from ${url.host}`, { cause: err })
      : networkError(err);
  }
  return Buffer.concat(chunks, total);
}

function contentDecoders(header: string | undefined, url: URL): NodeJS.ReadWriteStream[] {
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

function responseValidators(res: IncomingMessage): FetchValidators {
  const validators: FetchValidators = {};
  const etag = res.headers.etag;
  const lastModified = res.headers['last-modified'];
  if (etag) validators.etag = etag;
  if (lastModified) validators.lastModified = lastModified;
  return validators;
}

/**
 * Bytes → text. A BOM is authoritative; then the declared charsets (Content-Type, then the XML
 * declaration). Servers often label latin1 bodies as UTF-8 or send no charset at all, so a body that
 * is not valid UTF-8 falls back to the declared legacy charset or windows-1252 (a superset of
 * ISO-8859-1, and what WHATWG decoders use for it) instead of producing U+FFFD everywhere.
 */
function decodeBody(raw: Buffer, contentType: string | undefined): string {
  const bom = sniffBom(raw);
  if (bom) return stripBom(decodeAs(bom, raw));
  const declared = [charsetFromContentType(contentType), charsetFromXmlDeclaration(raw)]
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

function httpError(status: number, url: URL): FrontError {
  const permanent = status >= 400 && status < 500 && !TRANSIENT_4XX.has(status);
  return new FrontError('FEED_HTTP_ERROR', `HTTP ${status} from ${url.host}`, { permanent });
}

function tooLarge(maxBytes: number, url: URL): FrontError {
  return new FrontError('FEED_TOO_LARGE', `body from ${url.host} exceeds ${maxBytes} bytes`, { permanent: true });
}

function networkError(err: unknown): FrontError {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new FrontError('FEED_NETWORK_ERROR', `network error: ${detail}`, { permanent: false, cause: err });
}
