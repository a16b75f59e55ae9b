import type { Redis } from 'ioredis';
import { hammingDistance, hasStrongFingerprint } from '../domain/duplicates.ts';
import type { Article } from '../domain/model.ts';
import { execPipeline, type RedisKeys } from './redis-keys.ts';

/**
 * The near-duplicate index. A SimHash is cut into 4 bands of 16 bits; two fingerprints within 3
 * bits must agree on at least one band (pigeonhole), so looking up the article's 4 band values
 * finds every candidate without comparing against all recent articles. Band members carry what
 * the confirmation needs — `${fingerprint}|${language}|${feedId}|${id}` — so no article is read
 * just to be rejected; entries are scored by publishedAt to bound the search to a window.
 */

export interface Candidate { id: string; fp: string; language: string; feedId: string; score: number }

export const FINGERPRINT = /^[0-9a-f]{16}$/;
export const bandsOf = (fp: string) => [0, 1, 2, 3].map((b) => fp.slice(b * 4, b * 4 + 4));

export const publishedScore = (a: Article) => {
  const t = Date.parse(a.publishedAt);
  return Number.isFinite(t) ? t : Number.isFinite(Date.parse(a.fetchedAt)) ? Date.parse(a.fetchedAt) : 0;
};

/** One pipelined round trip: 4 range reads per article. */
export async function findCandidates(redis: Redis, k: RedisKeys, unknown: Article[], windowMs: number) {
  const out = new Map<Article, Candidate[]>();
  if (unknown.length === 0) return out;
  const pipe = redis.pipeline();
  for (const a of unknown) {
    const score = publishedScore(a);
    bandsOf(a.fingerprint.toLowerCase()).forEach((v, b) =>
      pipe.zrangebyscore(k.articleBand(b, v), score - windowMs, score + windowMs, 'WITHSCORES'),
    );
  }
  const results = await execPipeline(pipe);
  unknown.forEach((a, i) => {
    const seen = new Map<string, Candidate>();
    for (const reply of results.slice(i * 4, i * 4 + 4) as string[][]) {
      for (let j = 0; j < reply.length; j += 2) {
        const c = parseMember(reply[j]!, Number(reply[j + 1]));
        if (c) seen.set(c.id, c);
      }
    }
    out.set(a, [...seen.values()]);
  });
  return out;
}

/** The closest wire copy from another feed in the same language (ties: the earliest published). */
export function pickCandidate(
  a: Article,
  fp: string,
  candidates: Candidate[],
  exists: (id: string) => boolean,
  opts: { nearDuplicateWindowMs: number; maxDistance: number },
): string | undefined {
  // Short items ("Live updates") have fingerprints too weak to prove a copy; never merge on them.
  if (!hasStrongFingerprint(a)) return undefined;
  const score = publishedScore(a);
  let best: { id: string; d: number; score: number } | undefined;
  for (const c of candidates) {
    if (c.feedId === a.feedId || c.language !== a.language) continue;
    if (Math.abs(c.score - score) > opts.nearDuplicateWindowMs) continue;
    const d = hammingDistance(fp, c.fp);
    if (d > opts.maxDistance || !exists(c.id)) continue;
    if (!best || d < best.d || (d === best.d && c.score < best.score)) best = { id: c.id, d, score: c.score };
  }
  return best?.id;
}

function parseMember(member: string, score: number): Candidate | undefined {
  const [fp, language, feedId, ...rest] = member.split('|');
  if (!fp || !language || !feedId || rest.length === 0) return undefined;
  return { fp, language, feedId, id: rest.join('|'), score };
}
