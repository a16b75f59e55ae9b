import { FrontError } from '../domain/errors.ts';
import type { ParsedFeed, RawItem } from '../pipeline/ports.ts';

type El = { tagName: string; textContent: string | null; children: ArrayLike<El> };

/**
 * Google News sitemaps (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap):
 * `<urlset>` of `<url><loc/><news:news>` with news:title, news:publication_date and
 * news:publication (news:name, news:language). Mexican outlets such as Milenio publish their news
 * this way instead of (or beside) RSS. Entries without news:news are ordinary sitemap pages, not
 * news, and are skipped. Elements are matched by local name, so a different namespace prefix works.
 *
 * The caller has refused entity declarations already; linkedom's XML mode (htmlparser2) neither
 * fetches DTDs nor expands custom entities.
 */
export async function parseNewsSitemap(xml: string, maxItems: number): Promise<ParsedFeed> {
  // Loaded on first use: most feeds are RSS, and linkedom costs ~0.2 s to import.
  const { DOMParser } = await import('linkedom');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement as unknown as El | null;
  if (!root || localName(root) !== 'urlset') throw new FrontError('FEED_PARSE_ERROR', 'malformed news sitemap: no <urlset>', { permanent: true });
  const items: RawItem[] = [];
  let publication: string | undefined;
  let language: string | undefined;
  let urls = 0;
  for (const url of children(root, 'url')) {
    urls++;
    const news = children(url, 'news')[0];
    if (!news) continue;
    const pub = children(news, 'publication')[0];
    publication ??= text(pub && children(pub, 'name')[0]);
    language ??= text(pub && children(pub, 'language')[0]);
    const keywords = text(children(news, 'keywords')[0]);
    const item: RawItem = {
      title: text(children(news, 'title')[0]),
      link: text(children(url, 'loc')[0]),
      publishedAt: text(children(news, 'publication_date')[0]),
      categories: keywords ? keywords.split(',').map((k) => k.trim()).filter(Boolean).slice(0, 20) : undefined,
    };
    items.push(Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as RawItem);
    if (items.length >= maxItems) break;
  }
  if (urls > 0 && items.length === 0) {
    throw new FrontError('FEED_PARSE_ERROR', 'a sitemap without news:news entries is not a news feed', { permanent: true });
  }
  return { format: 'news-sitemap', title: publication, language, items };
}

function localName(el: El): string {
  const name = el.tagName;
  return name.slice(name.indexOf(':') + 1);
}

function children(el: El, name: string): El[] {
  return Array.from(el.children).filter((c) => localName(c) === name);
}

function text(el: El | undefined): string | undefined {
  const t = el?.textContent?.trim();
  return t ? t : undefined;
}
