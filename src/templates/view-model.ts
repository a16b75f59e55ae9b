import type { Digest, Language, Story, SummarySentence } from '../domain/model.ts';
import { isHttpUrl } from './escape.ts';
import { EDITION_TEXT, type EditionText } from './i18n.ts';

/**
 * What the digest shows, as plain strings and numbers, computed once from the Digest. Strings here
 * are still raw (unescaped): the MJML and plain-text renderers each escape for their own medium.
 * URLs are only ever http(s) or undefined, so no renderer has to remember to check the scheme.
 */

export interface SourceRef {
  /** 1-based, per story; the same URL cited twice keeps one number. */
  n: number;
  outlet: string;
  url: string | undefined;
}

export interface SentenceView {
  text: string;
  language: Language;
  refs: SourceRef[];
}

export interface OutletLink {
  outlet: string;
  url: string | undefined;
}

export interface CoverageView {
  MX: number;
  US: number;
  INT: number;
  total: number;
  /** "Covered by Mexican outlets only" when the story was covered on one side of the border only. */
  oneSide: string | undefined;
  /** "3 Mexican · 2 US · 1 international". */
  label: string;
}

export interface StoryView {
  id: string;
  headline: string;
  /** The article the headline comes from. */
  headlineUrl: string | undefined;
  language: Language;
  /** Set when the story is told in another language than the edition's ("In Spanish"). */
  languageNote: string | undefined;
  /** "Reported by Reuters, Milenio and 3 more". */
  outletsLine: string;
  /** The outlets the line names (up to three), each with a link. */
  outletLinks: OutletLink[];
  /** How many more outlets the line counts without naming them. */
  moreOutlets: number;
  coverage: CoverageView | undefined;
  singleSource: boolean;
  continuing: { url: string } | undefined;
  sentences: SentenceView[];
  /** Every distinct source the sentences cite, in number order. */
  sources: SourceRef[];
}

export interface ThemeView {
  id: string;
  /** Safe for an HTML id / fragment: [a-z0-9-] only. */
  anchor: string;
  title: string;
  stories: StoryView[];
}

export interface DigestView {
  id: string;
  lang: Language;
  text: EditionText;
  /** The lead stories ("Top stories"), taken out of their sections. */
  lead: StoryView[];
  title: string;
  periodLabel: string;
  storyCount: number;
  outletCount: number;
  /** "24 stories from 31 outlets". */
  countsLine: string;
  /** The editors' note shown above the stories, when they wrote one. */
  editorNote: string | undefined;
  themes: ThemeView[];
  topHeadline: string | undefined;
  viewInBrowserUrl: string;
  archiveUrl: string;
  postalAddress: string;
  publicUrl: string;
  /** "Missing this week: …" when some outlets' feeds failed for the whole window. */
  missingSourcesNote?: string;
}

export interface ViewContext {
  publicUrl: string;
  postalAddress: string;
  archiveUrl?: string;
}


/** Feed text may carry newlines, tabs and runs of spaces; one space reads the same everywhere. */
function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function parseDay(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * "12–18 May 2025", "28 April – 4 May 2025", "29 December 2025 – 4 January 2026", in UTC so the
 * label does not depend on the server's zone. A period ending exactly at midnight is read as
 * exclusive (the window [start, end)), so it labels the last day it covers.
 */
export function formatPeriod(startIso: string, endIso: string, lang: Language = 'en'): string {
  const MONTHS = EDITION_TEXT[lang].months;
  // Spanish writes "20–27 de noviembre de 2026".
  const de = lang === 'es' ? 'de ' : '';
  const start = parseDay(startIso);
  let end = parseDay(endIso);
  if (!start || !end) return clean(`${startIso} – ${endIso}`);
  const midnight = end.getUTCHours() === 0 && end.getUTCMinutes() === 0 && end.getUTCSeconds() === 0 && end.getUTCMilliseconds() === 0;
  if (midnight && end.getTime() > start.getTime()) end = new Date(end.getTime() - 1);
  const [sd, sm, sy] = [start.getUTCDate(), start.getUTCMonth(), start.getUTCFullYear()];
  const [ed, em, ey] = [end.getUTCDate(), end.getUTCMonth(), end.getUTCFullYear()];
  if (sy !== ey) return `${sd} ${de}${MONTHS[sm]} ${de}${sy} – ${ed} ${de}${MONTHS[em]} ${de}${ey}`;
  if (sm !== em) return `${sd} ${de}${MONTHS[sm]} – ${ed} ${de}${MONTHS[em]} ${de}${ey}`;
  if (sd !== ed) return `${sd}–${ed} ${de}${MONTHS[em]} ${de}${ey}`;
  return `${ed} ${de}${MONTHS[em]} ${de}${ey}`;
}

/** How many outlets the line names: all up to three, else two and a count. */
export function namedOutlets(count: number): number {
  return count <= 3 ? count : 2;
}

/** Two names then a count keeps the line to one row on a phone. */
export function outletsLine(outlets: string[], text: EditionText = EDITION_TEXT.en): string {
  if (outlets.length === 0) return '';
  const by = text.reportedBy;
  if (outlets.length === 1) return `${by} ${outlets[0]}`;
  if (outlets.length <= 3) return `${by} ${outlets.slice(0, -1).join(', ')} ${text.and} ${outlets[outlets.length - 1]}`;
  return `${by} ${outlets.slice(0, 2).join(', ')} ${text.and} ${text.more(outlets.length - 2)}`;
}

function coverageView(story: Story, text: EditionText): CoverageView | undefined {
  const c = story.coverage;
  if (!c) return undefined;
  const total = c.MX + c.US + c.INT;
  if (total === 0) return undefined;
  const oneSide = c.MX > 0 && c.US === 0 ? text.onlyMexico : c.US > 0 && c.MX === 0 ? text.onlyUs : undefined;
  const label = (['MX', 'US', 'INT'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => text.countries[k](c[k]))
    .join(' · ');
  return { MX: c.MX, US: c.US, INT: c.INT, total, oneSide, label };
}

/**
 * The story as the edition's reader gets it: told by outlets in the reader's language when it has
 * any (the story's `alternate`), else as it is, marked with the language it is in.
 */
function storyForEdition(story: Story, lang: Language): { headline: string; headlineUrl?: string; language: Language; summary: SummarySentence[] } {
  if (story.language !== lang && story.alternate?.language === lang) return story.alternate;
  return story;
}

function distinctOutlets(story: Story): string[] {
  const seen = new Map<string, string>();
  const all = [...story.outlets, ...story.articles.map((a) => a.outlet), ...story.summary.flatMap((s) => s.sources.map((x) => x.outlet))];
  for (const raw of all) {
    const name = clean(raw);
    const key = name.toLowerCase();
    if (name && !seen.has(key)) seen.set(key, name);
  }
  return [...seen.values()];
}

function anchorFor(id: string, used: Set<string>): string {
  const base = `theme-${id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section'}`;
  let anchor = base;
  for (let i = 2; used.has(anchor); i++) anchor = `${base}-${i}`;
  used.add(anchor);
  return anchor;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function viewSentences(summary: SummarySentence[]): { sentences: SentenceView[]; sources: SourceRef[] } {
  const byKey = new Map<string, SourceRef>();
  const sentences = summary.map((s) => {
    const refs: SourceRef[] = [];
    for (const src of s.sources) {
      const url = isHttpUrl(src.url) ? src.url.trim() : undefined;
      // An unusable URL still credits the outlet; keyed by outlet so it is not listed twice.
      const key = url ?? `outlet:${clean(src.outlet).toLowerCase()}`;
      let ref = byKey.get(key);
      if (!ref) {
        ref = { n: byKey.size + 1, outlet: clean(src.outlet) || 'Source', url };
        byKey.set(key, ref);
      }
      if (!refs.includes(ref)) refs.push(ref);
    }
    return { text: clean(s.text), language: s.language, refs };
  });
  return { sentences, sources: [...byKey.values()] };
}

function viewStory(story: Story, publicUrl: string, lang: Language, text: EditionText): StoryView {
  const outlets = distinctOutlets(story);
  const told = storyForEdition(story, lang);
  const { sentences, sources } = viewSentences(told.summary);
  // Every outlet the line names links to its article: the story's own links first, then any
  // sentence source or article of that outlet.
  const urlOf = new Map<string, string>();
  const offer = (outlet: string, url: string | undefined) => {
    const key = clean(outlet).toLowerCase();
    if (url && isHttpUrl(url) && !urlOf.has(key)) urlOf.set(key, url.trim());
  };
  for (const l of story.outletLinks ?? []) offer(l.outlet, l.url);
  for (const a of story.articles) offer(a.outlet, a.url);
  for (const s of sources) offer(s.outlet, s.url);
  const named = outlets.slice(0, namedOutlets(outlets.length));
  const headlineUrl = [told.headlineUrl, story.headlineUrl, story.articles[0]?.url].find((u): u is string => !!u && isHttpUrl(u));
  let continuing: StoryView['continuing'];
  if (story.continuesFrom) {
    const given = story.continuesFrom.url;
    const url = given && isHttpUrl(given) ? given.trim() : `${publicUrl}/archive/${encodeURIComponent(story.continuesFrom.digestId)}`;
    continuing = { url };
  }
  return {
    id: story.id,
    headline: clean(told.headline),
    headlineUrl: headlineUrl?.trim(),
    language: told.language,
    languageNote: told.language === lang ? undefined : text.originalLanguage[told.language],
    outletsLine: outletsLine(outlets, text),
    outletLinks: named.map((outlet) => ({ outlet, url: urlOf.get(outlet.toLowerCase()) })),
    moreOutlets: outlets.length - named.length,
    coverage: coverageView(story, text),
    singleSource: outlets.length === 1,
    continuing,
    sentences,
    sources,
  };
}

function topStory(digest: Digest): Story | undefined {
  let best: Story | undefined;
  // Strictly greater, so a tie keeps the one ranking placed first.
  for (const theme of digest.themes) for (const s of theme.stories) if (!best || s.score > best.score) best = s;
  return best;
}

export function toViewModel(digest: Digest, ctx: ViewContext, lang: Language = 'en'): DigestView {
  const text = EDITION_TEXT[lang];
  const publicUrl = trimSlash(ctx.publicUrl);
  const used = new Set<string>();
  // The lead stories open the issue and are not repeated in their sections.
  const byId = new Map(digest.themes.flatMap((t) => t.stories.map((s) => [s.id, s] as const)));
  const leadIds = (digest.lead ?? []).filter((id) => byId.has(id));
  const inLead = new Set(leadIds);
  const lead = leadIds.map((id) => viewStory(byId.get(id)!, publicUrl, lang, text));
  const themes = digest.themes
    .map((t) => ({ ...t, stories: t.stories.filter((s) => !inLead.has(s.id)) }))
    .filter((t) => t.stories.length > 0)
    .map((t) => ({
      id: t.id,
      anchor: anchorFor(t.id, used),
      title: clean(lang === 'es' && t.titleEs ? t.titleEs : t.title),
      stories: t.stories.map((s) => viewStory(s, publicUrl, lang, text)),
    }));
  const storyCount = lead.length + themes.reduce((n, t) => n + t.stories.length, 0);
  const top = topStory(digest);
  const topView = top ? storyForEdition(top, lang) : undefined;
  const viewInBrowserUrl = `${publicUrl}/archive/${encodeURIComponent(digest.id)}`;
  return {
    id: digest.id,
    lang,
    text,
    lead,
    // The stored title is the English edition's; other editions name the issue in their language.
    title: lang === 'en' ? clean(digest.title) || 'Frontera' : `${text.brand} · ${formatPeriod(digest.periodStart, digest.periodEnd, lang)}`,
    periodLabel: formatPeriod(digest.periodStart, digest.periodEnd, lang),
    storyCount,
    outletCount: digest.outletCount,
    countsLine: text.counts(storyCount, digest.outletCount),
    editorNote: digest.editorNote?.trim() ? digest.editorNote.trim() : undefined,
    themes,
    topHeadline: topView ? clean(topView.headline) : undefined,
    viewInBrowserUrl,
    archiveUrl: ctx.archiveUrl ?? `${publicUrl}/archive`,
    postalAddress: clean(ctx.postalAddress),
    publicUrl,
    ...missingSourcesNote(digest.missingSources, text),
  };
}

function missingSourcesNote(names: string[] | undefined, text: EditionText): { missingSourcesNote?: string } {
  const outlets = (names ?? []).map(clean).filter(Boolean);
  if (outlets.length === 0) return {};
  const list = outlets.length === 1 ? outlets[0]! : `${outlets.slice(0, -1).join(', ')} ${text.and} ${outlets.at(-1)}`;
  return { missingSourcesNote: text.missingSources(list, outlets.length === 1) };
}
