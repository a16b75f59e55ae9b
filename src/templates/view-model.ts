import type { Digest, Language, Story, SummarySentence } from '../domain/model.ts';
import { isHttpUrl } from './escape.ts';

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

export interface StoryView {
  id: string;
  headline: string;
  language: Language;
  /** "Reported by Reuters, Milenio and 3 more". */
  outletsLine: string;
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

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Feed text may carry newlines, tabs and runs of spaces; one space reads the same everywhere. */
function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
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
export function formatPeriod(startIso: string, endIso: string): string {
  const start = parseDay(startIso);
  let end = parseDay(endIso);
  if (!start || !end) return clean(`${startIso} – ${endIso}`);
  const midnight = end.getUTCHours() === 0 && end.getUTCMinutes() === 0 && end.getUTCSeconds() === 0 && end.getUTCMilliseconds() === 0;
  if (midnight && end.getTime() > start.getTime()) end = new Date(end.getTime() - 1);
  const [sd, sm, sy] = [start.getUTCDate(), start.getUTCMonth(), start.getUTCFullYear()];
  const [ed, em, ey] = [end.getUTCDate(), end.getUTCMonth(), end.getUTCFullYear()];
  if (sy !== ey) return `${sd} ${MONTHS[sm]} ${sy} – ${ed} ${MONTHS[em]} ${ey}`;
  if (sm !== em) return `${sd} ${MONTHS[sm]} – ${ed} ${MONTHS[em]} ${ey}`;
  if (sd !== ed) return `${sd}–${ed} ${MONTHS[em]} ${ey}`;
  return `${ed} ${MONTHS[em]} ${ey}`;
}

/** Two names then a count keeps the line to one row on a phone. */
export function outletsLine(outlets: string[]): string {
  if (outlets.length === 0) return '';
  if (outlets.length === 1) return `Reported by ${outlets[0]}`;
  if (outlets.length <= 3) return `Reported by ${outlets.slice(0, -1).join(', ')} and ${outlets[outlets.length - 1]}`;
  return `Reported by ${outlets.slice(0, 2).join(', ')} and ${outlets.length - 2} more`;
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

function viewStory(story: Story, publicUrl: string): StoryView {
  const outlets = distinctOutlets(story);
  const { sentences, sources } = viewSentences(story.summary);
  let continuing: StoryView['continuing'];
  if (story.continuesFrom) {
    const given = story.continuesFrom.url;
    const url = given && isHttpUrl(given) ? given.trim() : `${publicUrl}/archive/${encodeURIComponent(story.continuesFrom.digestId)}`;
    continuing = { url };
  }
  return {
    id: story.id,
    headline: clean(story.headline),
    language: story.language,
    outletsLine: outletsLine(outlets),
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

export function toViewModel(digest: Digest, ctx: ViewContext): DigestView {
  const publicUrl = trimSlash(ctx.publicUrl);
  const used = new Set<string>();
  const themes = digest.themes
    .filter((t) => t.stories.length > 0)
    .map((t) => ({
      id: t.id,
      anchor: anchorFor(t.id, used),
      title: clean(t.title),
      stories: t.stories.map((s) => viewStory(s, publicUrl)),
    }));
  const storyCount = themes.reduce((n, t) => n + t.stories.length, 0);
  const top = topStory(digest);
  const viewInBrowserUrl = `${publicUrl}/archive/${encodeURIComponent(digest.id)}`;
  return {
    id: digest.id,
    title: clean(digest.title) || 'Frontera',
    periodLabel: formatPeriod(digest.periodStart, digest.periodEnd),
    storyCount,
    outletCount: digest.outletCount,
    countsLine: `${plural(storyCount, 'story', 'stories')} from ${plural(digest.outletCount, 'outlet', 'outlets')}`,
    editorNote: digest.editorNote?.trim() ? digest.editorNote.trim() : undefined,
    themes,
    topHeadline: top ? clean(top.headline) : undefined,
    viewInBrowserUrl,
    archiveUrl: ctx.archiveUrl ?? `${publicUrl}/archive`,
    postalAddress: clean(ctx.postalAddress),
    publicUrl,
    ...missingSourcesNote(digest.missingSources),
  };
}

function missingSourcesNote(names: string[] | undefined): { missingSourcesNote?: string } {
  const outlets = (names ?? []).map(clean).filter(Boolean);
  if (outlets.length === 0) return {};
  const list = outlets.length === 1 ? outlets[0]! : `${outlets.slice(0, -1).join(', ')} and ${outlets.at(-1)}`;
  const one = outlets.length === 1;
  return {
    missingSourcesNote: `Missing this week: ${list}. ${one ? 'Its feed' : 'Their feeds'} failed every time we tried, so ${one ? 'its' : 'their'} coverage is not included.`,
  };
}
