import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FrontError } from '../domain/errors.ts';
import type { FeedFetcher, FetchResult, FetchValidators, PageResult } from '../pipeline/ports.ts';
import { createLocalHostGate, type HostGate } from './host-gate.ts';
import { contentDecoders, decodeBody } from './http-decode.ts';
import { createAddressPolicy, type AddressPolicy } from './ssrf-guard.ts';

export interface HttpFetcherOptions {
  /** Total budget for one fetch: every hop's connect, headers and body (not the wait for a host's turn). */
  timeoutMs: number;
  /** Cap on the decoded (decompressed) body. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** FETCH_ALLOW_PRIVATE: private hosts and ranges that may be fetched; none by default. */
  allowPrivate?: string;
  /** Per-host politeness; defaults to one process's gate with `minHostIntervalMs` between requests. */
  hostGate?: HostGate;
  minHostIntervalMs?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1';
const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
// Statuses where asking again later can succeed; every other 4xx is the server's settled answer.
const TRANSIENT_4XX = new Set([408, 425, 429]);
// RFC 9110: Retry-After is meaningful on 503 and 429 (RFC 6585). A hostile value can't park a feed forever.
const RETRY_AFTER_STATUSES = new Set([429, 503]);
export const MAX_RETRY_AFTER_MS = 7 * 86_400_000;

/**
 * GETs with hard caps on time, size and redirects, behind the SSRF guard and per-host politeness.
 * node:http is used directly because the caps must hold against hostile servers: one deadline
 * destroys the socket wherever the exchange stalls, the size cap counts bytes after decompression,
 * and the guard's `lookup` is the one net connects with.
 */
export function createHttpFetcher(opts: HttpFetcherOptions): FeedFetcher {
  const ctx: Context = {
    opts,
    policy: createAddressPolicy(opts.allowPrivate),
    gate: opts.hostGate ?? createLocalHostGate({ minIntervalMs: opts.minHostIntervalMs ?? 0, maxWaitMs: 60_000, leaseMs: opts.timeoutMs + 10_000 }),
  };
  return {
    fetchFeed(url, validators) {
      return withDeadline(opts.timeoutMs, (deadline) => exchange(ctx, url, requestHeaders(opts.userAgent, FEED_ACCEPT, validators), deadline));
    },
    async fetchPage(url) {
      const got = await withDeadline(opts.timeoutMs, (deadline) => exchange(ctx, url, requestHeaders(opts.userAgent, PAGE_ACCEPT, {}), deadline));
      if (got.status !== 'ok') throw new FrontError('FEED_HTTP_ERROR', `HTTP 304 for an unconditional request to ${url}`);
      return { finalUrl: got.finalUrl, body: got.body, bytes: got.bytes, contentType: got.contentType } satisfies PageResult;
    },
  };
}

interface Context {
  opts: HttpFetcherOptions;
  policy: AddressPolicy;
  gate: HostGate;
}

/** The deadline starts with the first request, so waiting for a busy host's turn is not counted. */
interface Deadline {
  start(): void;
  signal: AbortSignal;
}

async function withDeadline<T>(timeoutMs: number, body: (d: Deadline) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = { signal: controller.signal, start: () => void (timer ??= setTimeout(() => controller.abort(), timeoutMs)) };
  try {
    return await body(deadline);
  } catch (err) {
    if (controller.signal.aborted) {
      throw new FrontError('FEED_TIMEOUT', `no complete response within ${timeoutMs} ms`, { cause: err });
    }
    if (err instanceof FrontError) throw err;
    throw networkError(err);
  } finally {
    clearTimeout(timer);
  }
}

type Exchanged = FetchResult & { contentType?: string };

async function exchange(ctx: Context, startUrl: string, headers: Record<string, string>, deadline: Deadline): Promise<Exchanged> {
  const { opts, policy, gate } = ctx;
  const signal = deadline.signal;
  let current = parseUrl(startUrl);
  for (let hop = 0; ; hop++) {
    // Every hop is checked again: a redirect is the server's choice of destination.
    policy.checkUrl(current);
    const release = await gate.acquire(current.hostname, signal);
    deadline.start();
    let gapMs: number | undefined;
    try {
      const res = await sendRequest(current, headers, signal, policy);
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        const location = res.headers.location;
        // A redirect's body is never needed, and with agent:false the socket is not reused anyway.
        res.destroy();
        if (hop >= opts.maxRedirects) {
          throw new FrontError('FEED_TOO_MANY_REDIRECTS', `more than ${opts.maxRedirects} redirects from ${startUrl}`, { permanent: true });
        }
        if (!location) throw new FrontError('FEED_HTTP_ERROR', `HTTP ${status} without Location from ${current.host}`);
        current = parseUrl(location, current);
        continue;
      }
      if (status === 304) {
        res.destroy();
        return { status: 'not-modified', finalUrl: current.href };
      }
      if (status < 200 || status > 299) {
        res.destroy();
        const retryAfterMs = RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(res.headers['retry-after'], Date.now()) : undefined;
        // The host asked everyone to wait, not just this feed: its next turn is pushed back too.
        if (retryAfterMs !== undefined) gapMs = Math.max(retryAfterMs, opts.minHostIntervalMs ?? 0);
        throw httpError(status, current, retryAfterMs);
      }
      const declaredLength = Number(res.headers['content-length']);
      if (Number.isFinite(declaredLength) && declaredLength > opts.maxBytes) {
        res.destroy();
        throw tooLarge(opts.maxBytes, current);
      }
      const raw = await readBody(res, opts.maxBytes, current, signal);
      const contentType = res.headers['content-type'];
      return {
        status: 'ok',
        finalUrl: current.href,
        body: decodeBody(raw, contentType),
        validators: responseValidators(res),
        bytes: raw.length,
        contentType,
      };
    } finally {
      await release(gapMs);
    }
  }
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - nowMs;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

function parseUrl(location: string, base?: URL): URL {
  try {
    return new URL(location, base);
  } catch (err) {
    throw new FrontError('FEED_HTTP_ERROR', `invalid URL: ${location.slice(0, 200)}`, { permanent: true, cause: err });
  }
}

function requestHeaders(userAgent: string, accept: string, validators: FetchValidators): Record<string, string> {
  const headers: Record<string, string> = {
    'User-Agent': userAgent,
    Accept: accept,
    'Accept-Encoding': 'gzip, deflate, br',
  };
  if (validators.etag) headers['If-None-Match'] = validators.etag;
  if (validators.lastModified) headers['If-Modified-Since'] = validators.lastModified;
  return headers;
}

function sendRequest(url: URL, headers: Record<string, string>, signal: AbortSignal, policy: AddressPolicy): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    // agent:false: a fresh connection per request (Connection: close). Feeds live on many hosts and
    // are fetched hours apart, so pooling buys nothing, and a destroyed socket can never be reused.
    // lookup: the guard resolves and checks the addresses net then connects to (no second lookup).
    const req = transport.request(url, { method: 'GET', headers, agent: false, signal, lookup: policy.lookup }, resolve);
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

function responseValidators(res: IncomingMessage): FetchValidators {
  const validators: FetchValidators = {};
  const etag = res.headers.etag;
  const lastModified = res.headers['last-modified'];
  if (etag) validators.etag = etag;
  if (lastModified) validators.lastModified = lastModified;
  return validators;
}

function httpError(status: number, url: URL, retryAfterMs: number | undefined): FrontError {
  const permanent = status >= 400 && status < 500 && !TRANSIENT_4XX.has(status);
  const asked = retryAfterMs !== undefined ? ` (Retry-After: ${Math.round(retryAfterMs / 1000)} s)` : '';
  return new FrontError('FEED_HTTP_ERROR', `HTTP ${status} from ${url.host}${asked}`, { permanent, retryAfterMs });
}

function tooLarge(maxBytes: number, url: URL): FrontError {
  return new FrontError('FEED_TOO_LARGE', `body from ${url.host} exceeds ${maxBytes} bytes`, { permanent: true });
}

function networkError(err: unknown): FrontError {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new FrontError('FEED_NETWORK_ERROR', `network error: ${detail}`, { permanent: false, cause: err });
}
