import { FrontError } from '../domain/errors.ts';
import { createHash } from 'node:crypto';
import { composeDigest, dropLowestRanked } from '../domain/digest.ts';
import type { Article, Digest, FeedConfig, Story, TopicConfig } from '../domain/model.ts';
import { clusterTerms, type PreviousStory } from '../domain/stories.ts';
import { renderEditions, type RenderedDigest } from '../templates/render.ts';
import type { ViewContext } from '../templates/view-model.ts';
import { missingSources } from './missing-sources.ts';
import type { Clock, DigestStore, ArticleStore, Logger } from './ports.ts';
import { applyEdits } from '../domain/editing.ts';
import { assertNoOverlap, ISSUED } from './digest-window.ts';

export interface BuildDeps {
  store: DigestStore & ArticleStore;
  clock: Clock;
  logger: Logger;
  topic: TopicConfig;
  feeds: FeedConfig[];
  windowDays: number;
  limits: { maxStories: number; maxPerTheme: number };
  publicUrl: string;
  postalAddress: string;
  /** Largest HTML body to store for sending; MAX_HTML_BYTES when unset. */
  maxHtmlBytes?: number;
}

export type BuildResult =
  | { status: 'built'; digestId: string; stories: number; articles: number; from: string; to: string }
  | { status: 'exists'; digestId: string; digestStatus: Digest['status']; from: string; to: string }
  | { status: 'empty'; reason: string; articles: number; from: string; to: string };

const DAY_MS = 86_400_000;

/**
 * Gmail clips a message whose HTML passes about 102 KB and hides the rest, unsubscribe footer
 * included. 90 KB leaves room for what personalisation adds (address, unsubscribe token).
 */
export const MAX_HTML_BYTES = 90_000;

/**
 * window → stories → themes → rank → summaries → Digest (draft) → render once.
 * The digest id is derived from the window, so building the same window twice (a retried job, an
 * operator pressing twice) rewrites the same draft instead of creating a second digest; a digest
 * that has already gone out is never rewritten.
 */
export async function buildDigest(deps: BuildDeps, opts: { from?: Date; to?: Date } = {}): Promise<BuildResult> {
  const { store, clock, logger } = deps;
  const now = clock.now();
  const { from, to } = await digestWindow(deps, now, opts);
  const window = { from: from.toISOString(), to: to.toISOString() };
  if (from >= to) {
    throw new FrontError('DIGEST_WINDOW_INVALID', `The window is empty: --from ${window.from} is not before --to ${window.to}`, { permanent: true });
  }
  const id = digestId(from, to);

  await assertNoOverlap(store, from, to, id);
  const existing = await store.getDigest(id);
  // A draft is rebuilt (new articles may have arrived); a discarded one is rebuilt from scratch.
  if (existing && existing.status !== 'draft' && existing.status !== 'discarded') {
    logger.info({ digestId: id, status: existing.status }, 'digest.exists');
    return { status: 'exists', digestId: id, digestStatus: existing.status, ...window };
  }

  const articles = await store.articlesBetween(from, to);
  // Only issues that went out (or are going) count: readers never saw a draft.
  const previous = (await store.listDigests(4)).filter((d) => d.id !== id && ISSUED.has(d.status));
  const { history, previousStories } = storiesRunBefore(previous);

  const composed = composeDigest({
    id,
    articles,
    topic: deps.topic,
    feeds: deps.feeds,
    period: { start: from, end: to },
    now,
    history,
    previousStories,
    limits: deps.limits,
    publicUrl: deps.publicUrl,
  });
  if (!composed) {
    const reason = articles.length === 0 ? 'no articles were collected in the window' : 'no article in the window is relevant to the topic';
    logger.info({ ...window, articles: articles.length, reason }, 'digest.empty');
    return { status: 'empty', reason, articles: articles.length, ...window };
  }
  const missing = await missingSources(store, deps.feeds, from, to);
  if (missing.length > 0) composed.missingSources = missing;
  const ctx = { publicUrl: deps.publicUrl, postalAddress: deps.postalAddress };
  const maxBytes = deps.maxHtmlBytes ?? MAX_HTML_BYTES;
  // Editors' changes to this window's draft survive a rebuild; a stale id they name is ignored.
  const edits = existing?.status === 'draft' ? existing.edits : undefined;
  const themes = [...deps.topic.themes, deps.topic.otherTheme];
  const toRender = edits ? applyEdits(composed, edits, themes) : composed;
  const { digest, rendered, htmlBytes } = await renderWithinLimit(toRender, ctx, maxBytes);
  const storyIds = digest.themes.flatMap((t) => t.stories.map((s) => s.id));
  if (digest !== toRender) {
    const composedStories = composed.themes.reduce((n, t) => n + t.stories.length, 0);
    logger.warn({ digestId: id, stories: storyIds.length, dropped: composedStories - storyIds.length, htmlBytes, maxHtmlBytes: maxBytes }, 'digest.trimmed');
  }
  await store.saveDigest(digest, rendered);
  if (edits) await store.saveDigestBase(id, composed);
  await store.recordStories(digest.id, storyIds);
  logger.info({ digestId: id, stories: storyIds.length, articles: articles.length, htmlBytes }, 'digest.built');
  return { status: 'built', digestId: id, stories: storyIds.length, articles: articles.length, ...window };
}

/** Every edition, the English one as the main body and the others alongside it. */
export type RenderedIssue = RenderedDigest & { byLanguage: { es: RenderedDigest } };

/** The largest edition decides: every subscriber's mail must fit, whatever their language. */
function htmlBytesOf(rendered: RenderedIssue): number {
  return Math.max(Buffer.byteLength(rendered.html, 'utf8'), Buffer.byteLength(rendered.byLanguage.es.html, 'utf8'));
}

async function renderIssue(digest: Digest, ctx: ViewContext): Promise<RenderedIssue> {
  const { en, es } = await renderEditions(digest, ctx);
  return { ...en, byLanguage: { es } };
}

/**
 * Renders the digest in every edition language, dropping its lowest-ranked stories until the
 * largest edition's HTML fits in maxBytes, so an
 * issue Gmail would clip is never stored for sending. The HTML shrinks with every story dropped,
 * so a binary search finds the fewest to drop in a handful of renders (~30 ms each). Throws when
 * even the top story alone does not fit, rather than store an issue that cannot be sent whole.
 */
export async function renderWithinLimit(
  digest: Digest,
  ctx: ViewContext,
  maxBytes: number,
): Promise<{ digest: Digest; rendered: RenderedIssue; htmlBytes: number }> {
  const rendered = await renderIssue(digest, ctx);
  const htmlBytes = htmlBytesOf(rendered);
  if (htmlBytes <= maxBytes) return { digest, rendered, htmlBytes };
  const stories = digest.themes.reduce((n, t) => n + t.stories.length, 0);
  const attempt = async (drop: number) => {
    const trimmed = dropLowestRanked(digest, drop);
    const out = await renderIssue(trimmed, ctx);
    return { digest: trimmed, rendered: out, htmlBytes: htmlBytesOf(out) };
  };
  let best = await attempt(stories - 1);
  if (best.htmlBytes > maxBytes) {
    throw new FrontError(
      'DIGEST_TOO_LARGE',
      `digest ${digest.id}: the top story alone renders to ${best.htmlBytes} bytes of HTML, over the ${maxBytes}-byte limit`,
      { permanent: true },
    );
  }
  // Invariant: dropping `lo` stories is too big, dropping `hi` fits (and `best` holds that render).
  let [lo, hi] = [0, stories - 1];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const tried = await attempt(mid);
    if (tried.htmlBytes <= maxBytes) [hi, best] = [mid, tried];
    else lo = mid;
  }
  return best;
}

/**
 * Which stories ran before (id → the latest digest it ran in) and what to recognise them by. Weekly
 * windows share no article, so a story continuing into this week is found by its terms; stored
 * stories keep titles and summary sentences, not article texts, so those stand in for the articles.
 */
export function storiesRunBefore(previous: Digest[]): { history: Map<string, string>; previousStories: PreviousStory[] } {
  const history = new Map<string, string>();
  const byId = new Map<string, PreviousStory>();
  // Oldest first, so the most recent appearance of a story wins.
  for (const digest of [...previous].sort((a, b) => (a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : 0))) {
    for (const theme of digest.themes) {
      for (const story of theme.stories) {
        history.set(story.id, digest.id);
        byId.set(story.id, { id: story.id, articleIds: story.articles.map((a) => a.id), terms: clusterTerms(standInArticles(story)) });
      }
    }
  }
  return { history, previousStories: [...byId.values()] };
}

function standInArticles(story: Story): Article[] {
  return story.articles.map((a) => {
    const summary = story.summary.filter((s) => s.sources[0]?.articleId === a.id).map((s) => s.text).join(' ');
    const source = { feedId: '', outlet: a.outlet, url: a.url };
    return { ...a, feedId: '', summary, fetchedAt: a.publishedAt, relevance: 0, fingerprint: '', sources: [source] };
  });
}

/** Since the last digest that went out (or was approved), else the configured number of days. */
async function digestWindow(deps: BuildDeps, now: Date, opts: { from?: Date; to?: Date }): Promise<{ from: Date; to: Date }> {
  const to = opts.to ?? now;
  if (opts.from) return { from: opts.from, to };
  const fallback = new Date(to.getTime() - deps.windowDays * DAY_MS);
  const last = (await deps.store.listDigests(10)).find((d) => ISSUED.has(d.status) && new Date(d.periodEnd) < to);
  if (!last) return { from: fallback, to };
  const lastEnd = new Date(last.periodEnd);
  // A digest far in the past should not make this issue cover months of news.
  return { from: lastEnd > fallback ? lastEnd : fallback, to };
}

export function digestId(from: Date, to: Date): string {
  const hash = createHash('sha1').update(`${from.toISOString()}|${to.toISOString()}`).digest('hex').slice(0, 6);
  return `d_${to.toISOString().slice(0, 10).replace(/-/g, '')}_${hash}`;
}
