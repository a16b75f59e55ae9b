import type { Redis } from 'ioredis';
import { Article, type ArticleSource } from '../domain/model.ts';
import type { SaveArticlesResult } from '../pipeline/ports.ts';
import { FINGERPRINT, bandsOf, findCandidates, pickCandidate, publishedScore, type Candidate } from './redis-article-bands.ts';
import { execPipeline, type RedisKeys, type defineScript } from './redis-keys.ts';

/**
 * The write half of saveArticles. Decisions are made in TypeScript over a few pipelined reads
 * (not one round trip per article); each touched article is then written by one Lua call that
 * compares-and-sets its JSON and updates its indexes together. A concurrent writer that changed
 * the article in between makes the call return 0 and the caller re-plans just those items, so a
 * merged source is never lost to a read-modify-write race.
 */
export const SAVE_ARTICLE_LUA = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if cur then return 0 end
elseif cur ~= ARGV[1] then
  return 0
end
if ARGV[2] ~= cur then redis.call('SET', KEYS[1], ARGV[2]) end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
local i = 8
for _ = 1, tonumber(ARGV[7]) do redis.call('HSET', KEYS[3], ARGV[i], ARGV[3]); i = i + 1 end
while i <= #ARGV do redis.call('HSET', KEYS[4], ARGV[i], ARGV[3]); i = i + 1 end
for k = 5, #KEYS do
  redis.call('ZADD', KEYS[k], ARGV[4], ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', '(' .. ARGV[6])
end
return 1`;

export interface SaveOptions {
  /** Wire copies are looked for among articles published this close to the incoming one. */
  nearDuplicateWindowMs: number;
  /** Band entries older than this are pruned so the near-duplicate index stays small. */
  bandRetentionMs: number;
  /** Maximum Hamming distance between SimHashes for two texts to count as one wire copy. */
  maxDistance: number;
}

type Outcome = keyof SaveArticlesResult;
interface Entry {
  id: string;
  expected: string | null;
  article: Article | null;
  changed: boolean;
  guidFields: Set<string>;
  aliasFields: Set<string>;
  bandMember?: string;
  items: { index: number; outcome: Outcome }[];
}

const guidField = (a: Article) => (a.guid ? `${a.feedId}\n${a.guid}` : undefined);

/** Saves one chunk; returns the counts of items settled and the items to re-plan after a race. */
export async function saveArticleChunk(
  redis: Redis,
  k: RedisKeys,
  script: ReturnType<typeof defineScript>,
  items: Article[],
  opts: SaveOptions,
): Promise<{ counts: SaveArticlesResult; retry: Article[] }> {
  // Round trip 1: where do these URLs / GUIDs already point?
  const gfs = [...new Set(items.map(guidField).filter((f): f is string => f !== undefined))];
  const ids = [...new Set(items.map((a) => a.id))];
  const p1 = redis.pipeline();
  if (gfs.length) p1.hmget(k.articleGuids, ...gfs);
  p1.hmget(k.articleAliases, ...ids);
  const r1 = await execPipeline(p1);
  const guidHits = zipMap(gfs, gfs.length ? (r1.shift() as (string | null)[]) : []);
  const aliasHits = zipMap(ids, r1.shift() as (string | null)[]);

  // Round trip 2: the articles those point at.
  const loaded = new Map<string, string | null>();
  await loadArticles(redis, k, [...new Set([...ids, ...guidHits.values(), ...aliasHits.values()])], loaded);

  // What this chunk has decided so far, so an item can match one saved earlier in the same chunk.
  const overlay = new Map<string, Entry>();
  const guidOverlay = new Map<string, string>();
  const aliasOverlay = new Map<string, string>();
  const exists = (id: string | undefined): id is string =>
    id !== undefined && (overlay.has(id) ? overlay.get(id)!.article !== null : Boolean(loaded.get(id)));
  const resolve = (a: Article): string | undefined => {
    if (exists(a.id)) return a.id;
    const gf = guidField(a);
    const hits = [gf && guidOverlay.get(gf), aliasOverlay.get(a.id), gf && guidHits.get(gf), aliasHits.get(a.id)];
    return hits.find((id): id is string => typeof id === 'string' && exists(id));
  };

  // Round trip 3 (+4): near-duplicate candidates for items we do not know at all.
  const unknown = items.filter((a) => resolve(a) === undefined && FINGERPRINT.test(a.fingerprint.toLowerCase()));
  const stored = await findCandidates(redis, k, unknown, opts.nearDuplicateWindowMs);
  const needed = [...new Set([...stored.values()].flat().map((c) => c.id))].filter((id) => !loaded.has(id));
  await loadArticles(redis, k, needed, loaded);

  const entryFor = (id: string): Entry => {
    let e = overlay.get(id);
    if (!e) {
      const json = loaded.get(id) ?? null;
      e = { id, expected: json, article: json ? parseArticle(json) : null, changed: false, guidFields: new Set(), aliasFields: new Set(), items: [] };
      overlay.set(id, e);
    }
    return e;
  };
  const batchAdds: Candidate[] = [];

  items.forEach((a, index) => {
    const gf = guidField(a);
    const targetId = resolve(a);
    let entry: Entry;
    let outcome: Outcome;
    if (targetId !== undefined) {
      entry = entryFor(targetId);
      const existing = entry.article!;
      if (existing.feedId !== a.feedId) {
        // Resolved through an alias or shared URL: this item is a wire copy we folded in before.
        outcome = addSources(existing, a.sources) ? 'merged' : 'unchanged';
      } else if (existing.title !== a.title || existing.summary !== a.summary || (a.fullText && a.fullText !== existing.fullText)) {
        existing.title = a.title;
        existing.summary = a.summary;
        // Full text is only ever added: a later collect that skipped the page must not erase it.
        if (a.fullText) existing.fullText = a.fullText;
        outcome = 'updated';
      } else {
        outcome = 'unchanged';
      }
    } else {
      const fp = a.fingerprint.toLowerCase();
      const candidates = [...(stored.get(a) ?? []), ...batchAdds];
      const match = FINGERPRINT.test(fp) ? pickCandidate(a, fp, candidates, exists, opts) : undefined;
      if (match) {
        entry = entryFor(match);
        outcome = addSources(entry.article!, a.sources) ? 'merged' : 'unchanged';
      } else {
        entry = entryFor(a.id);
        entry.article = { ...a, fingerprint: fp, sources: a.sources.map((s) => ({ ...s })) };
        if (FINGERPRINT.test(fp)) {
          entry.bandMember = `${fp}|${a.language}|${a.feedId}|${a.id}`;
          batchAdds.push({ id: a.id, fp, language: a.language, feedId: a.feedId, score: publishedScore(a) });
        }
        outcome = 'added';
      }
    }
    if (outcome !== 'unchanged') entry.changed = true;
    if (gf && guidHits.get(gf) !== entry.id) {
      entry.guidFields.add(gf);
      guidOverlay.set(gf, entry.id);
    }
    if (a.id !== entry.id && aliasHits.get(a.id) !== entry.id) {
      entry.aliasFields.add(a.id);
      aliasOverlay.set(a.id, entry.id);
    }
    entry.items.push({ index, outcome });
  });

  return writeEntries(redis, k, script, items, [...overlay.values()], opts);
}

async function writeEntries(
  redis: Redis,
  k: RedisKeys,
  script: ReturnType<typeof defineScript>,
  items: Article[],
  entries: Entry[],
  opts: SaveOptions,
): Promise<{ counts: SaveArticlesResult; retry: Article[] }> {
  const counts: SaveArticlesResult = { added: 0, updated: 0, merged: 0, unchanged: 0 };
  const dirty = entries.filter((e) => e.changed || e.guidFields.size || e.aliasFields.size || e.bandMember);
  for (const e of entries) if (!dirty.includes(e)) for (const it of e.items) counts[it.outcome]++;
  if (dirty.length === 0) return { counts, retry: [] };

  const pipe = redis.pipeline();
  for (const e of dirty) {
    const article = e.article!;
    const json = e.changed ? JSON.stringify(article) : e.expected!;
    const score = publishedScore(article);
    // Pruned relative to the article, not the wall clock, so a backfill of old items still dedupes.
    const pruneBefore = score - opts.bandRetentionMs;
    const bandKeys = e.bandMember ? bandsOf(article.fingerprint).map((v, b) => k.articleBand(b, v)) : [];
    script.queue(
      pipe,
      [k.article(e.id), k.articlesByPublished, k.articleGuids, k.articleAliases, ...bandKeys],
      [e.expected ?? '', json, e.id, score, e.bandMember ?? '', pruneBefore, e.guidFields.size, ...e.guidFields, ...e.aliasFields],
    );
  }
  const results = await execPipeline(pipe);
  const retry: Article[] = [];
  dirty.forEach((e, i) => {
    if (results[i] === 1) for (const it of e.items) counts[it.outcome]++;
    else for (const it of e.items) retry.push(items[it.index]!);
  });
  return { counts, retry };
}

function addSources(target: Article, sources: ArticleSource[]): boolean {
  let added = false;
  for (const s of sources) {
    if (target.sources.some((t) => t.feedId === s.feedId && t.url === s.url)) continue;
    target.sources.push({ ...s });
    added = true;
  }
  return added;
}

async function loadArticles(redis: Redis, k: RedisKeys, ids: string[], into: Map<string, string | null>) {
  const todo = ids.filter((id) => !into.has(id));
  if (todo.length === 0) return;
  const values = await redis.mget(...todo.map((id) => k.article(id)));
  todo.forEach((id, i) => into.set(id, values[i] ?? null));
}

export function parseArticle(json: string): Article {
  return Article.parse(JSON.parse(json));
}

function zipMap(keys: string[], values: (string | null)[]): Map<string, string> {
  const m = new Map<string, string>();
  keys.forEach((key, i) => {
    const v = values[i];
    if (v) m.set(key, v);
  });
  return m;
}
