import type { Article, ArticleSource } from './model.ts';
import { tokenize } from './terms.ts';
import { uniqueBy } from './collections.ts';

/**
 * Wire copies: the same agency text republished by several outlets under different URLs and often
 * a reworded headline. Two signals find them:
 *   - a 64-bit SimHash of title + summary (stored on the article as `fingerprint`): within 3 bits
 *     means the same text;
 *   - the summaries' word 3-gram shingles: Jaccard ≥ 0.8, or 90 % of the shorter summary found in
 *     the longer (outlets cut the same text at different lengths, drop the dateline), means the
 *     same body even when the headline was rewritten enough to move the SimHash.
 * mergeDuplicates never compares all pairs: SimHash is split into 4 bands of 16 bits (3 differing
 * bits leave at least one band equal) and summaries get a 16-value MinHash in 8 bands of 2.
 */

const SHINGLE = 3;
const MAX_FINGERPRINT_DISTANCE = 3;
const MIN_JACCARD = 0.8;
/** Share of the shorter body found in the longer: outlets cut the same text at different lengths. */
const MIN_CONTAINMENT = 0.9;
/** Shorter bodies are too generic ("Read more at …") to prove anything by themselves. */
const MIN_BODY_SHINGLES = 8;
/** Below this many words a fingerprint collides by chance ("Live updates", "Últimas noticias"). */
const MIN_FINGERPRINT_TOKENS = 6;
/** Wire copies run within days of each other; identical boilerplate months apart is not a copy. */
const MAX_DAYS_APART = 4;
const EMPTY_FINGERPRINT = '0000000000000000';

// ---------- hashing ----------

/** FNV-1a over UTF-16 code units with a murmur3 finaliser, so every output bit is well mixed. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function shingles(tokens: string[]): string[] {
  if (tokens.length === 0) return [];
  if (tokens.length < SHINGLE) return [tokens.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + SHINGLE <= tokens.length; i++) out.push(tokens.slice(i, i + SHINGLE).join(' '));
  return out;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** 64-bit SimHash of the text's word 3-gram shingles, as 16 hex digits (two 32-bit halves). */
export function simhash(text: string): string {
  const grams = shingles(tokenize(text));
  if (grams.length === 0) return EMPTY_FINGERPRINT;
  const votes = new Int32Array(64);
  for (const gram of grams) {
    const hi = hash32(gram, 0);
    const lo = hash32(gram, 0x9e3779b9);
    for (let bit = 0; bit < 32; bit++) {
      votes[bit]! += (hi >>> bit) & 1 ? 1 : -1;
      votes[32 + bit]! += (lo >>> bit) & 1 ? 1 : -1;
    }
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (votes[bit]! > 0) hi |= 1 << bit;
    if (votes[32 + bit]! > 0) lo |= 1 << bit;
  }
  return hex8(hi) + hex8(lo);
}

function popcount32(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

const HEX16 = /^[0-9a-f]{16}$/i;

/** Bits that differ between two 16-hex-digit fingerprints; 64 when either is malformed. */
export function hammingDistance(a: string, b: string): number {
  if (!HEX16.test(a) || !HEX16.test(b)) return 64;
  const hi = Number.parseInt(a.slice(0, 8), 16) ^ Number.parseInt(b.slice(0, 8), 16);
  const lo = Number.parseInt(a.slice(8), 16) ^ Number.parseInt(b.slice(8), 16);
  return popcount32(hi) + popcount32(lo);
}

// ---------- comparing two articles ----------

interface Features {
  article: Article;
  fingerprint: string;
  /** The text behind the fingerprint is too short for 3 bits of distance to mean anything. */
  fingerprintWeak: boolean;
  body: Set<string>;
  publishedMs: number;
}

/** Whether an article has enough text for fingerprint distance alone to identify a copy. */
export function hasStrongFingerprint(article: Pick<Article, 'title' | 'summary'>): boolean {
  return tokenize(article.title + ' ' + article.summary).length >= MIN_FINGERPRINT_TOKENS;
}

function features(article: Article): Features {
  const textTokens = tokenize(article.title + ' ' + article.summary);
  const fingerprint = HEX16.test(article.fingerprint) ? article.fingerprint.toLowerCase() : simhash(article.title + ' ' + article.summary);
  return {
    article,
    fingerprint,
    fingerprintWeak: textTokens.length < MIN_FINGERPRINT_TOKENS,
    body: new Set(shingles(tokenize(article.summary))),
    publishedMs: Date.parse(article.publishedAt),
  };
}

function sameBody(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  const jaccard = shared / (a.size + b.size - shared);
  return jaccard >= MIN_JACCARD || shared / small.size >= MIN_CONTAINMENT;
}

function sameText(a: Features, b: Features): boolean {
  if (a.article.url === b.article.url) return true;
  if (Number.isFinite(a.publishedMs) && Number.isFinite(b.publishedMs)) {
    if (Math.abs(a.publishedMs - b.publishedMs) > MAX_DAYS_APART * 86_400_000) return false;
  }
  if (!a.fingerprintWeak && !b.fingerprintWeak && hammingDistance(a.fingerprint, b.fingerprint) <= MAX_FINGERPRINT_DISTANCE) {
    return true;
  }
  if (a.body.size < MIN_BODY_SHINGLES || b.body.size < MIN_BODY_SHINGLES) return false;
  return sameBody(a.body, b.body);
}

/** True when two articles carry the same text (wire copies), whatever their URLs and headlines. */
export function isNearDuplicate(a: Article, b: Article): boolean {
  return sameText(features(a), features(b));
}

// ---------- merging a batch ----------

const MINHASH_SEEDS = Array.from({ length: 16 }, (_, i) => mix32(0x27d4eb2d + i * 0x165667b1));

function bucketKeys(f: Features): string[] {
  const keys: string[] = [];
  if (!f.fingerprintWeak) {
    for (let band = 0; band < 4; band++) keys.push(`s${band}:${f.fingerprint.slice(band * 4, band * 4 + 4)}`);
  }
  if (f.body.size >= MIN_BODY_SHINGLES) {
    const mins = new Array<number>(MINHASH_SEEDS.length).fill(0xffffffff);
    for (const gram of f.body) {
      const h = hash32(gram, 0);
      for (let i = 0; i < MINHASH_SEEDS.length; i++) {
        const v = mix32(h ^ (MINHASH_SEEDS[i] as number));
        if (v < (mins[i] as number)) mins[i] = v;
      }
    }
    for (let band = 0; band < mins.length / 2; band++) keys.push(`m${band}:${mins[band * 2]}:${mins[band * 2 + 1]}`);
  }
  keys.push(`u:${f.article.url}`);
  return keys;
}

function mergeSources(into: ArticleSource[], more: ArticleSource[]): ArticleSource[] {
  return uniqueBy([into, more], (s) => s.url);
}

/**
 * Folds wire copies within a batch into one article per text: the earliest published copy stays
 * (its id, URL, headline and summary), and its `sources` gain every other outlet, unique by URL.
 * Each copy is compared with the kept articles only, so similarity never chains A~B~C into one
 * article when A and C differ. Output keeps the input order of the kept articles; inputs are not
 * mutated.
 */
export function mergeDuplicates(articles: Article[]): Article[] {
  const all = articles.map((article, position) => ({ f: features(article), position }));
  const chronological = [...all].sort((x, y) => {
    const tx = Number.isFinite(x.f.publishedMs) ? x.f.publishedMs : Infinity;
    const ty = Number.isFinite(y.f.publishedMs) ? y.f.publishedMs : Infinity;
    return tx !== ty ? tx - ty : x.position - y.position;
  });

  const kept: { f: Features; position: number; sources: ArticleSource[] }[] = [];
  const buckets = new Map<string, number[]>();

  for (const item of chronological) {
    const keys = bucketKeys(item.f);
    const tried = new Set<number>();
    let home: number | undefined;
    for (const key of keys) {
      for (const k of buckets.get(key) ?? []) {
        if (tried.has(k)) continue;
        tried.add(k);
        if (home === undefined || k < home) {
          if (sameText(kept[k]!.f, item.f)) home = k;
        }
      }
    }
    if (home !== undefined) {
      const target = kept[home]!;
      target.sources = mergeSources(target.sources, item.f.article.sources);
      continue;
    }
    const k = kept.length;
    kept.push({ f: item.f, position: item.position, sources: [...item.f.article.sources] });
    for (const key of keys) {
      const list = buckets.get(key);
      if (list) list.push(k);
      else buckets.set(key, [k]);
    }
  }

  return kept
    .sort((x, y) => x.position - y.position)
    .map(({ f, sources }) => (sources.length === f.article.sources.length ? f.article : { ...f.article, sources }));
}
