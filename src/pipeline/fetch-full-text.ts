import { describeError, FrontError } from '../domain/errors.ts';
import type { Article, FeedConfig } from '../domain/model.ts';
import type { ArticleExtractor, ArticleStore, FeedFetcher, Logger } from './ports.ts';

/** Pages fetched per feed per collect: article pages cost the publisher more than the feed does. */
export const MAX_PAGES_PER_COLLECT = 12;
/** In "auto" mode a summary shorter than this is a teaser worth completing. */
export const TEASER_MAX_CHARS = 300;

export interface FullTextDeps {
  fetcher: FeedFetcher;
  extractor: ArticleExtractor;
  store: ArticleStore;
  logger: Logger;
}

/**
 * Fetches the article page of relevant items whose feed carries only a teaser (per the feed's
 * `fullText` setting) and adds its main text as `fullText`. Pages go through the fetcher, so the
 * SSRF guard, size and time caps and per-host politeness all apply. Articles already stored with
 * full text are not fetched again. A page that fails leaves its article with the teaser; it never
 * fails the feed.
 */
export async function fetchFullText(deps: FullTextDeps, feed: FeedConfig, articles: Article[], threshold: number): Promise<{ fetched: number; failed: number }> {
  const mode = feed.fullText ?? false;
  if (mode === false) return { fetched: 0, failed: 0 };
  const wanted = articles.filter((a) => a.relevance >= threshold && (mode === true || a.summary.length < TEASER_MAX_CHARS));
  let fetched = 0;
  let failed = 0;
  let attempts = 0;
  for (const article of wanted) {
    if (attempts >= MAX_PAGES_PER_COLLECT) break;
    const stored = await deps.store.getArticle(article.id);
    if (stored?.fullText) continue;
    attempts++;
    try {
      const page = await deps.fetcher.fetchPage(article.url);
      if (page.contentType && !/html/i.test(page.contentType)) {
        throw new FrontError('PAGE_NO_ARTICLE', `${page.finalUrl}: not an HTML page (${page.contentType.slice(0, 60)})`, { permanent: true });
      }
      article.fullText = await deps.extractor.extractText(page.body, page.finalUrl);
      fetched++;
    } catch (err) {
      failed++;
      const { code, message } = describeError(err);
      deps.logger.warn({ feedId: feed.id, articleId: article.id, code, error: message }, 'article.full_text_failed');
    }
  }
  return { fetched, failed };
}
