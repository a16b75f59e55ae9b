import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Article } from '../domain/model.ts';
import type { ArticleStore, FeedState, SaveArticlesResult } from '../pipeline/ports.ts';
import { SAVE_ARTICLE_LUA, parseArticle, saveArticleChunk, type SaveOptions } from './redis-article-save.ts';
import { chunk, defineScript, execPipeline, type RedisKeys } from './redis-keys.ts';

const DAY = 24 * 60 * 60 * 1000;
export const DEFAULT_SAVE_OPTIONS: SaveOptions = {
  // Matches domain/duplicates.ts: wire copies run within days of each other.
  nearDuplicateWindowMs: 4 * DAY,
  bandRetentionMs: 60 * DAY,
  maxDistance: 3,
};

/** Mirrors ports.FeedState so a corrupt record fails where it is read. */
const FeedStateSchema = z.object({
  feedId: z.string(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  lastFetchedAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastError: z.string().optional(),
  lastErrorCode: z.string().optional(),
  lastFailureAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  consecutiveFailures: z.number().int(),
  itemsSeen: z.number().int(),
  articlesAdded: z.number().int(),
});

const CHUNK = 500;
/** A chunk that keeps losing compare-and-set races this often means something is badly wrong. */
const MAX_ATTEMPTS = 8;

export function createArticleStore(redis: Redis, k: RedisKeys, opts: SaveOptions = DEFAULT_SAVE_OPTIONS): ArticleStore {
  const script = defineScript(redis, 'fronteraSaveArticle', SAVE_ARTICLE_LUA);

  return {
    async getFeedState(feedId) {
      const json = await redis.get(k.feedState(feedId));
      return json ? (FeedStateSchema.parse(JSON.parse(json)) as FeedState) : undefined;
    },

    async putFeedState(state) {
      await redis.set(k.feedState(state.feedId), JSON.stringify(FeedStateSchema.parse(state)));
    },

    async saveArticles(articles) {
      const total: SaveArticlesResult = { added: 0, updated: 0, merged: 0, unchanged: 0 };
      for (const part of chunk(articles, CHUNK)) {
        let todo = part;
        for (let attempt = 1; todo.length > 0; attempt++) {
          if (attempt > MAX_ATTEMPTS) throw new Error(`saveArticles: ${todo.length} articles still contended after ${MAX_ATTEMPTS} attempts`);
          const { counts, retry } = await saveArticleChunk(redis, k, script, todo, opts);
          for (const key of Object.keys(total) as (keyof SaveArticlesResult)[]) total[key] += counts[key];
          todo = retry;
        }
      }
      return total;
    },

    async articlesBetween(from, to) {
      // Half-open [from, to): consecutive weekly windows never share an article.
      const ids = await redis.zrangebyscore(k.articlesByPublished, from.getTime(), `(${to.getTime()}`);
      return fetchArticles(redis, k, ids);
    },

    async getArticle(id) {
      const json = await redis.get(k.article(id));
      return json ? parseArticle(json) : undefined;
    },
  };
}

async function fetchArticles(redis: Redis, k: RedisKeys, ids: string[]): Promise<Article[]> {
  if (ids.length === 0) return [];
  const pipe = redis.pipeline();
  for (const part of chunk(ids, CHUNK)) pipe.mget(...part.map((id) => k.article(id)));
  const replies = (await execPipeline(pipe)) as (string | null)[][];
  return replies.flat().flatMap((json) => (json ? [parseArticle(json)] : []));
}
