import { normalizeItem } from '../domain/articles.ts';
import { mergeDuplicates } from '../domain/duplicates.ts';
import { describeError, isFrontError } from '../domain/errors.ts';
import { isBackingOff, retryDelayMs } from './feed-backoff.ts';
import type { Article, FeedConfig, TopicConfig } from '../domain/model.ts';
import { fetchFullText } from './fetch-full-text.ts';
import type { ArticleExtractor, ArticleStore, Clock, FeedParser, FeedFetcher, FeedState, Logger } from './ports.ts';

export interface CollectDeps {
  fetcher: FeedFetcher;
  parser: FeedParser;
  store: ArticleStore;
  clock: Clock;
  logger: Logger;
  topic: TopicConfig;
  /** Reads article pages for feeds whose `fullText` setting asks for it; absent: teasers only. */
  extractor?: ArticleExtractor;
  /** Jitter source for backoff; tests pass a fixed one. */
  random?: () => number;
}

export interface CollectResult {
  feedId: string;
  status: 'collected' | 'not-modified' | 'deferred';
  /** Set when deferred: the feed is backing off until then. */
  nextAttemptAt?: string;
  lastError?: string;
  items: number;
  relevant: number;
  added: number;
  updated: number;
  merged: number;
  unchanged: number;
  skipped: number;
  /** Article pages read for their full text, and pages that could not be. */
  fullText?: { fetched: number; failed: number };
}

/**
 * fetch (conditional GET, caps, SSRF guard, per-host politeness) → parse → normalise → relevance
 * → dedupe → full text for teaser feeds → store, for one feed. A failure is recorded on the feed's
 * state with its backoff (nextAttemptAt, at least the server's Retry-After) and rethrown; the
 * worker's retry waits for that time, and a collect before it skips the feed ('deferred').
 * Other feeds are separate jobs, so one broken feed never stops them.
 */
export async function collectFeed(deps: CollectDeps, feed: FeedConfig): Promise<CollectResult> {
  const { fetcher, parser, store, clock, logger, topic } = deps;
  const previous = (await store.getFeedState(feed.id)) ?? emptyState(feed.id);
  const startedAt = clock.now();
  if (isBackingOff(previous, startedAt)) {
    logger.info({ feedId: feed.id, nextAttemptAt: previous.nextAttemptAt, code: previous.lastErrorCode }, 'feed.deferred');
    return { ...nothing(feed.id, 'deferred'), nextAttemptAt: previous.nextAttemptAt, lastError: previous.lastError };
  }
  const { nextAttemptAt: _n, ...rest } = previous;
  const base = { ...rest, lastFetchedAt: startedAt.toISOString() };
  try {
    const fetched = await fetcher.fetchFeed(feed.url, { etag: previous.etag, lastModified: previous.lastModified });
    if (fetched.status === 'not-modified') {
      await store.putFeedState(succeeded(base, startedAt));
      logger.info({ feedId: feed.id }, 'feed.not_modified');
      return nothing(feed.id, 'not-modified');
    }
    const parsed = await parser.parseFeed(fetched.body);
    const articles: Article[] = [];
    let skipped = 0;
    for (const item of parsed.items) {
      const article = normalizeItem(item, feed, { fetchedAt: startedAt, topic, baseUrl: fetched.finalUrl });
      if (article) articles.push(article);
      else skipped++;
    }
    const unique = mergeDuplicates(articles);
    const fullText = deps.extractor
      ? await fetchFullText({ fetcher, extractor: deps.extractor, store, logger }, feed, unique, topic.threshold)
      : undefined;
    const saved = await store.saveArticles(unique);
    const relevant = unique.filter((a) => a.relevance >= topic.threshold).length;
    await store.putFeedState({
      ...succeeded(base, startedAt),
      // Validators are only trusted once the body they describe has been stored.
      etag: fetched.validators.etag,
      lastModified: fetched.validators.lastModified,
      itemsSeen: previous.itemsSeen + parsed.items.length,
      articlesAdded: previous.articlesAdded + saved.added,
    });
    const result: CollectResult = { feedId: feed.id, status: 'collected', items: parsed.items.length, relevant, skipped, ...saved, ...(fullText ? { fullText } : {}) };
    logger.info({ ...result, format: parsed.format, bytes: fetched.bytes }, 'feed.collected');
    return result;
  } catch (err) {
    const { code, message } = describeError(err);
    const failures = previous.consecutiveFailures + 1;
    const retryAfterMs = isFrontError(err) ? err.retryAfterMs : undefined;
    const delayMs = retryDelayMs(failures, retryAfterMs, deps.random ?? Math.random);
    const nextAttemptAt = new Date(startedAt.getTime() + delayMs).toISOString();
    await store.putFeedState({
      ...base,
      lastError: message.slice(0, 500),
      lastErrorCode: code,
      lastFailureAt: startedAt.toISOString(),
      nextAttemptAt,
      consecutiveFailures: failures,
    });
    logger.warn({ feedId: feed.id, code, error: message, failures, nextAttemptAt }, 'feed.failed');
    throw err;
  }
}

function nothing(feedId: string, status: CollectResult['status']): CollectResult {
  return { feedId, status, items: 0, relevant: 0, added: 0, updated: 0, merged: 0, unchanged: 0, skipped: 0 };
}

function emptyState(feedId: string): FeedState {
  return { feedId, consecutiveFailures: 0, itemsSeen: 0, articlesAdded: 0 };
}

function succeeded(state: FeedState, at: Date): FeedState {
  const { lastError: _e, lastErrorCode: _c, nextAttemptAt: _n, ...rest } = state;
  return { ...rest, lastSuccessAt: at.toISOString(), consecutiveFailures: 0 };
}
