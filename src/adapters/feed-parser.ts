import type Parser from 'rss-parser';
import { FrontError } from '../domain/errors.ts';
import type { FeedParser, ParsedFeed, RawItem } from '../pipeline/ports.ts';
import { parseJsonFeed } from './json-feed.ts';
import { parseNewsSitemap } from './news-sitemap.ts';

/** Items kept per feed (the first ones, which feeds list newest-first); bounds work per job. */
export const MAX_ITEMS_PER_FEED = 500;

type Node = Record<string, unknown>;
type FeedKind = 'rss' | 'atom' | 'rdf';

const ROOT_KINDS: Record<string, FeedKind> = { rss: 'rss', feed: 'atom', 'rdf:RDF': 'rdf' };

/**
 * Parses RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom with rss-parser's parseString, and dispatches Google
 * News sitemaps and JSON Feed to their own readers (never parseURL: the
 * fetcher owns the network and its caps). rss-parser parses through xml2js/sax, which neither fetches
 * external DTDs nor expands internal entities; documents that declare entities are still refused
 * up front so no later parser swap can turn them into XXE or billion-laughs.
 *
 * Error policy: malformed XML and non-feeds (an HTML error page, a bot challenge, an empty body) are
 * FEED_PARSE_ERROR with permanent:true. They are usually the site's passing state, but re-parsing
 * within minutes rarely helps and keeps an operator's `collect` waiting on backoff; the next
 * scheduled collect is the retry. The error stays on the feed's state for `status` to show.
 */
export function createFeedParser(): FeedParser {
  // rss-parser (with xml2js and xmlbuilder) is imported on the first feed parsed: commands that never
  // parse a feed (send, status, subscribers …) should not pay for it at start-up.
  let parser: Promise<Parser<Node, Node>> | undefined;
  const rss = (): Promise<Parser<Node, Node>> => (parser ??= import('rss-parser').then(({ default: RssParser }) => makeRssParser(RssParser)));
  return {
    async parseFeed(body: string): Promise<ParsedFeed> {
      if (/^[\s\ufeff]*[{[]/.test(body.slice(0, 64))) return parseJsonFeed(body, MAX_ITEMS_PER_FEED);
      const xml = body;
      const root = findRoot(xml);
      if (/<!ENTITY/i.test(xml.slice(0, root?.offset ?? xml.length))) {
        throw new FrontError('FEED_PARSE_ERROR', 'document declares XML entities; refused', { permanent: true });
      }
      if (root?.name === 'urlset') return parseNewsSitemap(xml.slice(root.offset), MAX_ITEMS_PER_FEED);
      if (root?.name === 'sitemapindex') {
        throw new FrontError('FEED_PARSE_ERROR', 'a sitemap index lists sitemaps, not news: configure the news sitemap it names', { permanent: true });
      }
      const kind = root ? ROOT_KINDS[root.name] : undefined;
      if (!root || !kind) {
        const what = root ? `<${root.name}>` : 'no XML root element';
        throw new FrontError('FEED_PARSE_ERROR', `not a feed: ${what}`, { permanent: true });
      }
      let output: Node & { items: Node[] };
      try {
        // Starting at the root drops leading junk (blank lines before <?xml) that sax rejects.
        output = await (await rss()).parseString(xml.slice(root.offset));
      } catch (err) {
        const reason = err instanceof Error ? err.message.replace(/\s+/g, ' ') : String(err);
        throw new FrontError('FEED_PARSE_ERROR', `malformed ${kind} feed: ${reason}`, { permanent: true, cause: err });
      }
      return {
        format: kind === 'rdf' ? 'rss-1.0' : kind,
        version: kind === 'rss' ? attribute(root.startTag, 'version') : undefined,
        title: text(output.title),
        link: text(output.link),
        language: text(output.language) ?? text(output['dc:language']) ?? attribute(root.startTag, 'xml:lang'),
        items: output.items.slice(0, MAX_ITEMS_PER_FEED).map((item) => toRawItem(item, kind)),
      };
    },
  };
}

function makeRssParser(RssParser: typeof Parser): Parser<Node, Node> {
  const parser = new RssParser<Node, Node>({
    // A bare <rss> with no version attribute is common enough; read it as RSS 2.0.
    defaultRSS: 2,
    customFields: {
      feed: ['dc:language'],
      item: [
        ['link', 'links', { keepArray: true }],
        ['category', 'categoryNodes', { keepArray: true }],
        ['dc:subject', 'subjectNodes', { keepArray: true }],
        'published',
        'updated',
      ],
    },
  });
  tolerateBadAtomDates(parser);
  return parser;
}

function toRawItem(item: Node, kind: FeedKind): RawItem {
  const atom = kind === 'atom';
  const guid = text(atom ? item.id : item.guid) ?? text(item['rdf:about']);
  // RSS's <link> may be missing when the GUID is the permalink (isPermaLink defaults to true).
  const link =
    (atom ? alternateLink(item.links) : undefined) ?? text(item.link) ?? (isHttpUrl(guid) ? guid : undefined);
  // rss-parser files an RSS <description> under `content`; the full body is content:encoded.
  const summary = atom
    ? text(item.summary) ?? text(item.contentSnippet)
    : text(item.content) ?? text(item.summary) ?? text(item['content:encodedSnippet']);
  const content = atom ? text(item.content) : text(item['content:encoded']);
  const raw: RawItem = {
    title: text(item.title),
    link,
    guid,
    summary,
    content,
    publishedAt:
      text(item.isoDate) ?? text(item.pubDate) ?? text(item.date) ?? text(item.published) ?? text(item.updated),
    author: text(item.creator) ?? text(item.author),
    categories: categories(item.categoryNodes, item.subjectNodes),
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as RawItem;
}

/** Atom: rel="alternate" (or no rel, which means alternate), preferring an HTML one. */
function alternateLink(links: unknown): string | undefined {
  if (!Array.isArray(links)) return undefined;
  const alternates = links
    .map((l) => attributes(l))
    .filter((a) => typeof a.href === 'string' && (a.rel === undefined || a.rel === 'alternate'));
  const html = alternates.find((a) => a.type === undefined || a.type === 'text/html');
  return text((html ?? alternates[0])?.href);
}

function categories(...groups: unknown[]): string[] | undefined {
  const names = new Set<string>();
  for (const group of groups) {
    if (!Array.isArray(group)) continue;
    for (const node of group) {
      // RSS: <category>text</category>; Atom: <category term="…" label="…"/>.
      const name = text(node) ?? text(attributes(node).term) ?? text(attributes(node).label);
      if (name) names.add(name);
    }
  }
  return names.size > 0 ? [...names] : undefined;
}

/** xml2js gives a string, or `{ _: text, $: attrs }` when the element has attributes. */
function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  const s = typeof value === 'string' ? value : (value as Node | null)?._;
  if (typeof s !== 'string') return undefined;
  const trimmed = s.trim();
  return trimmed === '' ? undefined : trimmed;
}

function attributes(node: unknown): Record<string, unknown> {
  const attrs = (node as Node | null)?.$;
  return typeof attrs === 'object' && attrs !== null ? (attrs as Record<string, unknown>) : {};
}

function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\//i.test(value);
}

function attribute(startTag: string, name: string): string | undefined {
  const escaped = name.replace(/[.:]/g, '\\$&');
  return text(new RegExp(`\\s${escaped}\\s*=\\s*["']([^"']*)["']`).exec(startTag)?.[1]);
}

/**
 * Finds the root element by skipping the prolog (BOM, whitespace, <?…?>, comments, DOCTYPE with an
 * optional internal subset). rss-parser alone cannot be trusted to tell a feed from an HTML page.
 */
function findRoot(xml: string): { name: string; offset: number; startTag: string } | undefined {
  let i = 0;
  while (i < xml.length) {
    const ch = xml.charCodeAt(i);
    if (ch === 0xfeff || ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) {
      i++;
      continue;
    }
    let end: number;
    if (xml.startsWith('<?', i)) end = endOf(xml, '?>', i);
    else if (xml.startsWith('<!--', i)) end = endOf(xml, '-->', i);
    else if (xml.startsWith('<!', i)) {
      const gt = xml.indexOf('>', i);
      const bracket = xml.indexOf('[', i);
      end = bracket >= 0 && bracket < gt ? endOf(xml, '>', xml.indexOf(']', bracket)) : endOf(xml, '>', i);
    } else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i, i + 256))?.[1];
      if (!name) return undefined;
      const tagEnd = xml.indexOf('>', i);
      return { name, offset: i, startTag: xml.slice(i, tagEnd < 0 ? i + 2048 : tagEnd + 1) };
    }
    if (end < 0) return undefined;
    i = end;
  }
  return undefined;
}

/** Index just past `marker` searched from `from`, or -1. */
function endOf(xml: string, marker: string, from: number): number {
  if (from < 0) return -1;
  const at = xml.indexOf(marker, from);
  return at < 0 ? -1 : at + marker.length;
}

/**
 * rss-parser 3.13 calls `new Date(published).toISOString()` for Atom entries, which throws on an
 * unparseable date and fails the whole feed. Retry such an entry without the bad date elements and
 * keep their raw text, so one sloppy entry costs only its own date.
 */
function tolerateBadAtomDates(parser: Parser<Node, Node>): void {
  const internals = parser as unknown as { parseItemAtom?: (entry: Node) => Node };
  const original = internals.parseItemAtom?.bind(parser);
  if (!original) return;
  internals.parseItemAtom = (entry) => {
    try {
      return original(entry);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const cleaned: Node = { ...entry };
      const rawDates: Node = {};
      for (const key of ['published', 'updated']) {
        const value = text(entry[key]);
        if (value !== undefined && Number.isNaN(Date.parse(value))) {
          delete cleaned[key];
          rawDates[key] = value;
        }
      }
      return { ...original(cleaned), ...rawDates };
    }
  };
}
