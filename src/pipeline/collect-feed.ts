import { normalizeItem } from '../domain/articles.ts';
import { mergeDuplicates } from '../domain/duplicates.ts';
import { describeError } from '../domain/errors.ts';
import type { Article, FeedConfig, TopicConfig } from '../domain/model.ts';
import type { ArticleStore, Clock, FeedParser, FeedFetcher, FeedState, Logger } from './ports.ts';

export interface CollectDeps {
  fetcher: FeedFetcher;
  parser: FeedParser;
  store: ArticleStore;
  clock: Clock;
  logger: Logger;
  topic: TopicConfig;
}

export interface CollectResult {
  feedId: string;
  status: 'collected' | 'not-modified';
  items: number;
  relevant: number;
  added: number;
  updated: number;
  merged: number;
  unchanged: number;
  skipped: number;
}

/**
 * fetch (conditional GET, caps) → parse → normalise → relevance → dedupe → store, for one feed.
 * A failure is recorded on the feed's state and rethrown; the worker decides whether to retry.
 * Other feeds are separate jobs, so one broken feed never stops them.
 */
export async function collectFeed(deps: CollectDeps, feed: FeedConfig): Promise<CollectResult> {
  const { fetcher, parser, store, clock, logger, topic } = deps;
  const previous = (await store.getFeedState(feed.id)) ?? emptyState(feed.id);
  const startedAt = clock.now();
  const base = { ...previous, lastFetchedAt: startedAt.toISOString() };
  try {
    const fetched = await fetcher.fetchFeed(feed.url, { etag: previous.etag, lastModified: previous.lastModified });
    if (fetched.status === 'not-modified') {
      await store.putFeedState(succeeded(base, startedAt));
      logger.info({ feedId: feed.id }, 'feed.not_modified');
      return { feedId: feed.id, status: 'not-modified', items: 0, relevant: 0, added: 0, updated: 0, merged: 0, unchanged: 0, skipped: 0 };
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
    const result: CollectResult = { feedId: feed.id, status: 'collected', items: parsed.items.length, relevant, skipped, ...saved };
    logger.info({ ...result, bytes: fetched.bytes }, 'feed.collected');
    return result;
  } catch (err) {
    const { code, message } = describeError(err);
    await store.putFeedState({
      ...base,
      lastError: message.slice(0, 500),
      lastErrorCode: code,
      consecutiveFailures: previous.consecutiveFailures + 1,
    });
    logger.warn({ feedId: feed.id, code, error: message }, 'feed.failed');
    throw err;
  }
}

function emptyState(feedId: string): FeedState {
  return { feedId, consecutiveFailures: 0, itemsSeen: 0, articlesAdded: 0 };
}

function succeeded(state: FeedState, at: Date): FeedState {
  const { lastError: _e, lastErrorCode: _c, ...rest } = state;
  return { ...rest, lastSuccessAt: at.toISOString(), consecutiveFailures: 0 };
}
