import type { Article, FeedConfig, Language, TopicConfig } from './model.ts';
import type { RawItem } from '../pipeline/ports.ts';
import { simhash } from './duplicates.ts';
import { scoreRelevance } from './relevance.ts';
import { foldText, htmlToText } from './text.ts';
import { canonicalUrl, urlHash } from './urls.ts';

const TITLE_MAX = 300;
const SUMMARY_MAX = 600;
const GUID_MAX = 500;
/** Publishers' clocks drift; a few minutes ahead is noise, more is a wrong date. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Feeds that lose a date emit the epoch or year 1; anything this old is not this week's news. */
const EARLIEST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);

export interface NormalizeContext {
  fetchedAt: Date;
  topic: TopicConfig;
  /** The feed's final URL after redirects; relative item links resolve against it. */
  baseUrl?: string;
}

/**
 * One parsed feed item as an Article, or undefined when it has no usable link or title. The id
 * derives from the canonical URL, so the same item fetched twice (or from two feeds) is one id.
 */
export function normalizeItem(raw: RawItem, feed: FeedConfig, ctx: NormalizeContext): Article | undefined {
  const url = itemUrl(raw, ctx.baseUrl ?? feed.url);
  if (!url) return undefined;
  const title = oneLine(htmlToText(raw.title ?? '', TITLE_MAX));
  if (!title) return undefined;

  const summary = itemSummary(raw, title);
  const fetchedAt = ctx.fetchedAt.toISOString();
  const guid = raw.guid?.trim().slice(0, GUID_MAX);
  const article: Article = {
    id: 'a_' + urlHash(url),
    feedId: feed.id,
    outlet: feed.name,
    url,
    title,
    summary,
    language: detectLanguage(title + ' ' + summary, feed.language),
    publishedAt: publishedAt(raw.publishedAt, ctx.fetchedAt),
    fetchedAt,
    relevance: scoreRelevance({ title, summary }, ctx.topic).score,
    fingerprint: simhash(title + ' ' + summary),
    sources: [{ feedId: feed.id, outlet: feed.name, url }],
  };
  if (guid) article.guid = guid;
  return article;
}

function itemUrl(raw: RawItem, base: string): string | undefined {
  if (raw.link) {
    const fromLink = canonicalUrl(raw.link, base);
    if (fromLink) return fromLink;
  }
  // A GUID is only a link when it is an absolute URL on its own; "12345" resolved against the
  // feed URL would invent a page that does not exist.
  return raw.guid ? canonicalUrl(raw.guid) : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\n/g, ' ');
}

/**
 * The item's description, or its body when the description is missing or only repeats the
 * headline (Google News and many CMSs put the title, maybe plus the outlet, in <description>).
 */
function itemSummary(raw: RawItem, title: string): string {
  const fromSummary = raw.summary ? htmlToText(raw.summary, SUMMARY_MAX) : '';
  if (fromSummary && !repeatsTitle(fromSummary, title)) return fromSummary;
  const fromContent = raw.content ? htmlToText(raw.content, SUMMARY_MAX) : '';
  if (fromContent && !repeatsTitle(fromContent, title)) return fromContent;
  return '';
}

function repeatsTitle(summary: string, title: string): boolean {
  const s = foldText(summary);
  const t = foldText(title);
  if (!s || !t) return false;
  if (t.includes(s)) return true;
  const headline = foldText(cleanHeadline(title));
  // "Title" plus a short tail (the outlet's name) is still just the title.
  return (s.startsWith(t) && s.length - t.length <= 40) || (headline.length > 0 && s.startsWith(headline) && s.length - headline.length <= 40);
}

const SPANISH_MONTHS: Record<string, string> = {
  ene: 'Jan', enero: 'Jan', feb: 'Feb', febrero: 'Feb', mar: 'Mar', marzo: 'Mar', abr: 'Apr', abril: 'Apr',
  may: 'May', mayo: 'May', jun: 'Jun', junio: 'Jun', jul: 'Jul', julio: 'Jul', ago: 'Aug', agosto: 'Aug',
  sep: 'Sep', sept: 'Sep', septiembre: 'Sep', set: 'Sep', setiembre: 'Sep', oct: 'Oct', octubre: 'Oct',
  nov: 'Nov', noviembre: 'Nov', dic: 'Dec', diciembre: 'Dec',
};

function parseDate(value: string): number {
  const direct = Date.parse(value);
  if (Number.isFinite(direct)) return direct;
  // Some Mexican feeds localise RFC 822 dates: "lun, 03 mar 2025 10:00:00 -0600".
  const english = value
    .replace(/^\s*[\p{L}.]+,\s*/u, '')
    .replace(/\p{L}+\.?/gu, (word) => SPANISH_MONTHS[word.replace('.', '').toLowerCase()] ?? word);
  return Date.parse(english);
}

/** ISO publish time; missing, unparsable or implausibly old → fetchedAt; in the future → fetchedAt. */
function publishedAt(value: string | undefined, fetchedAt: Date): string {
  if (!value) return fetchedAt.toISOString();
  const ms = parseDate(value.trim().slice(0, 100));
  if (!Number.isFinite(ms) || ms < EARLIEST_PLAUSIBLE_MS) return fetchedAt.toISOString();
  if (ms > fetchedAt.getTime() + FUTURE_TOLERANCE_MS) return fetchedAt.toISOString();
  return new Date(ms).toISOString();
}

// Frequent function words that exist in only one of the two languages ("a", "no", "me", "he",
// "en" are left out of both: they appear in both).
const ES_MARKERS = new Set(
  'el la los las del que y por para con una unos unas se su sus al es como pero fue este esta estos estas entre cuando sobre tambien hasta desde donde durante contra sin muy ya ha han tras segun ante porque mas lo le les nos dijo'.split(' '),
);
const EN_MARKERS = new Set(
  'the of and to is that for on with as was by at from it an be are has have had his her this which will but not were they their been would after over who said into its than about'.split(' '),
);

/**
 * English or Spanish, by counting frequent function words. Returns `fallback` (the feed's own
 * language) unless the text clearly says otherwise: at least 3 markers and twice as many as the
 * other language's, so a Spanish name in an English headline does not flip it.
 */
export function detectLanguage(text: string, fallback: Language = 'en'): Language {
  let es = 0;
  let en = 0;
  for (const word of foldText(text).split(' ')) {
    if (ES_MARKERS.has(word)) es++;
    else if (EN_MARKERS.has(word)) en++;
  }
  if (es >= 3 && es >= 2 * en) return 'es';
  if (en >= 3 && en >= 2 * es) return 'en';
  if (es > en && es >= 2 && en === 0) return 'es';
  if (en > es && en >= 2 && es === 0) return 'en';
  return fallback;
}

const SUFFIX_SEPARATORS = [' - ', ' | ', ' — ', ' – '];
/** Lower-case words allowed inside an outlet name: "CNN en Español", "Secretaría de Gobernación". */
const NAME_CONNECTORS = new Set(['de', 'del', 'la', 'el', 'en', 'y', 'of', 'the', 'and', 'for', 'on']);

/**
 * The headline without a trailing outlet name: "Mexico extradites 26 - Reuters" → "Mexico
 * extradites 26". Only a suffix of 1–4 capitalised words (connectors allowed inside) after " - ",
 * " | ", " — " or " – " goes, and never when it would leave less than three words.
 */
export function cleanHeadline(title: string): string {
  const trimmed = title.trim();
  let cut = -1;
  let sepLength = 0;
  for (const sep of SUFFIX_SEPARATORS) {
    const at = trimmed.lastIndexOf(sep);
    if (at > cut) {
      cut = at;
      sepLength = sep.length;
    }
  }
  if (cut <= 0) return trimmed;
  const head = trimmed.slice(0, cut).trim();
  const suffix = trimmed.slice(cut + sepLength).trim();
  if (!isOutletName(suffix) || head.split(/\s+/).length < 3) return trimmed;
  return head;
}

function isOutletName(text: string): boolean {
  if (!text || text.length > 40) return false;
  const words = text.split(/\s+/);
  if (words.length > 4) return false;
  return words.every((word, i) => {
    if (i > 0 && i < words.length - 1 && NAME_CONNECTORS.has(word)) return true;
    return /^[\p{Lu}\p{N}]/u.test(word);
  });
}
