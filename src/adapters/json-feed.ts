import { FrontError } from '../domain/errors.ts';
import type { ParsedFeed, RawItem } from '../pipeline/ports.ts';

/**
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/). The document is hostile input:
 * every field is type-checked rather than trusted, so a number where a string belongs costs that
 * field, not the feed.
 */
export function parseJsonFeed(body: string, maxItems: number): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new FrontError('FEED_PARSE_ERROR', `malformed JSON feed: ${(err as Error).message}`, { permanent: true, cause: err });
  }
  const feed = obj(doc);
  const version = str(feed.version);
  const known = /^https:\/\/jsonfeed\.org\/version\/(1(?:\.1)?)$/.exec(version ?? '');
  if (!known) throw new FrontError('FEED_PARSE_ERROR', `not a feed: JSON without a jsonfeed.org version`, { permanent: true });
  if (!Array.isArray(feed.items)) throw new FrontError('FEED_PARSE_ERROR', 'malformed JSON feed: "items" is not an array', { permanent: true });
  return {
    format: 'json-feed',
    version: known[1] === '1' ? '1.0' : known[1],
    title: str(feed.title),
    link: str(feed.home_page_url),
    language: str(feed.language),
    items: feed.items.slice(0, maxItems).map((i) => toRawItem(obj(i))),
  };
}

function toRawItem(item: Record<string, unknown>): RawItem {
  const id = str(item.id) ?? (typeof item.id === 'number' ? String(item.id) : undefined);
  // 1.1 has `authors`; 1.0's `author` is deprecated but still common.
  const author = [...(Array.isArray(item.authors) ? item.authors : []), item.author].map((a) => str(obj(a).name)).find(Boolean);
  const raw: RawItem = {
    title: str(item.title),
    link: str(item.url) ?? str(item.external_url) ?? (id && /^https?:\/\//i.test(id) ? id : undefined),
    guid: id,
    summary: str(item.summary),
    content: str(item.content_html) ?? str(item.content_text),
    publishedAt: str(item.date_published) ?? str(item.date_modified),
    author,
    categories: Array.isArray(item.tags) ? item.tags.map(str).filter((t): t is string => !!t).slice(0, 20) : undefined,
  };
  if (raw.categories?.length === 0) delete raw.categories;
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as RawItem;
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}
