import { createHash } from 'node:crypto';

/**
 * Canonical article URLs. The canonical form is both the article's identity (its id is a hash of
 * it) and the link readers get, so it removes only what never changes the page: tracking
 * parameters, fragments, default ports, credentials.
 *
 * Trailing slashes are kept as written. "/story/" and "/story" are usually the same page, but not
 * on every server (static hosts treat them as different paths), and a link in a sent email must
 * not 404; the rare wire copy that differs only by a slash is caught by the near-duplicate
 * fingerprint instead.
 */

/** Exact query keys (lower-cased) that only track where a click came from. */
const TRACKING_KEYS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id', 'igshid',
  'mc_cid', 'mc_eid', 'mkt_tok', '_ga', '_gl', '_hsenc', '_hsmi', 'hsctatracking', 'ref', 'ref_src',
  'ref_url', 'referrer', 'cmpid', 'cmp', 'ocid', 'ncid', 'smid', 'smtyp', 'ito', 'itid', 'icid',
  's_cid', 'xtor', 'spm', 'sr_share', 'soc_src', 'soc_trk', 'guccounter', 'guce_referrer',
  'guce_referrer_sig', 'rss_id', 'taid', 'fb_source', 'fb_ref', 'oly_enc_id', 'oly_anon_id', 'vero_id',
  'wickedid', 'campaign_id', 'trk', 'trkcampaign', 'sc_campaign', 'sc_channel', 'sc_content',
]);

/** Query key prefixes (lower-cased) of tracking families: utm_source, at_medium, ns_mchannel, WT.mc_id… */
const TRACKING_PREFIXES = ['utm_', 'at_', 'ns_', 'wt.', 'pk_', 'mtm_', 'hmb_', 'ga_'];

/** Redirect wrappers whose target sits in a `url=` parameter. */
const REDIRECT_HOSTS = new Set(['news.google.com', 'google.com', 'www.google.com']);

const MAX_URL_LENGTH = 4096;

function isTrackingKey(key: string): boolean {
  if (TRACKING_KEYS.has(key)) return true;
  return TRACKING_PREFIXES.some((prefix) => key.startsWith(prefix));
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/**
 * Keeps non-tracking parameters exactly as encoded (re-serialising through URLSearchParams would
 * turn %20 into + and `?amp` into `?amp=`), sorted by key so the same link always hashes the same.
 */
function cleanQuery(search: string): string {
  if (search.length <= 1) return '';
  const kept: { key: string; part: string }[] = [];
  for (const part of search.slice(1).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeKey(eq < 0 ? part : part.slice(0, eq));
    if (!key || isTrackingKey(key)) continue;
    kept.push({ key, part });
  }
  if (kept.length === 0) return '';
  // Array.prototype.sort is stable, so repeated keys keep their order.
  kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return '?' + kept.map((k) => k.part).join('&');
}

function parseHttpUrl(input: string, base?: string): URL | undefined {
  let url: URL;
  try {
    url = base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname) return undefined;
  return url;
}

/** The target of a Google redirect link, when it carries one in `url=`. */
function unwrapRedirect(url: URL): string | undefined {
  if (!REDIRECT_HOSTS.has(url.hostname)) return undefined;
  const target = url.searchParams.get('url');
  if (!target) return undefined;
  return parseHttpUrl(target) ? target : undefined;
}

/**
 * The canonical form of an http(s) link, resolved against `base` when relative; undefined for
 * anything else (javascript:, mailto:, empty or unparsable strings).
 */
export function canonicalUrl(input: string, base?: string): string | undefined {
  return canonicalize(input, base, 0);
}

function canonicalize(input: string, base: string | undefined, depth: number): string | undefined {
  if (typeof input !== 'string') return undefined;
  const trimmed = input.replace(/[\u0000-\u001f\u007f]+/g, '').trim();
  if (!trimmed || trimmed.length > MAX_URL_LENGTH) return undefined;
  const url = parseHttpUrl(trimmed, base);
  if (!url) return undefined;

  if (depth === 0) {
    const target = unwrapRedirect(url);
    if (target !== undefined) return canonicalize(target, undefined, depth + 1);
  }

  url.username = '';
  url.password = '';
  url.hash = '';
  // "example.com." and "example.com" are the same host.
  if (url.hostname.endsWith('.')) {
    url.hostname = url.hostname.replace(/\.+$/, '');
    if (!url.hostname) return undefined;
  }
  // The URL parser already lower-cases scheme and host and drops :80 on http and :443 on https.
  url.search = cleanQuery(url.search);
  return url.href;
}

/** Short stable hash of a canonical URL: the first 16 hex digits of its SHA-1. */
export function urlHash(url: string): string {
  return createHash('sha1').update(url, 'utf8').digest('hex').slice(0, 16);
}

/** smtp://user:secret@host:587 → smtp://user:***@host:587: a URL fit for messages and logs. */
export function redactCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}
