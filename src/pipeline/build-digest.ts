import { createHash } from 'node:crypto';
import { composeDigest } from '../domain/digest.ts';
import type { Digest, FeedConfig, TopicConfig } from '../domain/model.ts';
import { renderDigest } from '../templates/render.ts';
import type { Clock, DigestStore, ArticleStore, Logger } from './ports.ts';

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
}

export type BuildResult =
  | { status: 'built'; digestId: string; stories: number; articles: number; from: string; to: string }
  | { status: 'exists'; digestId: string; digestStatus: Digest['status']; from: string; to: string }
  | { status: 'empty'; reason: string; articles: number; from: string; to: string };

const DAY_MS = 86_400_000;

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
  if (from >= to) throw new RangeError(`The window is empty: --from ${window.from} is not before --to ${window.to}`);
  const id = digestId(from, to);

  const existing = await store.getDigest(id);
  if (existing && existing.status !== 'draft') {
    logger.info({ digestId: id, status: existing.status }, 'digest.exists');
    return { status: 'exists', digestId: id, digestStatus: existing.status, ...window };
  }

  const articles = await store.articlesBetween(from, to);
  const previous = (await store.listDigests(4)).filter((d) => d.id !== id);
  const history = new Map<string, string>();
  const previousStories: { id: string; articleIds: string[] }[] = [];
  // Oldest first, so the most recent appearance of a story wins in the map.
  for (const digest of [...previous].reverse()) {
    for (const theme of digest.themes) {
      for (const story of theme.stories) {
        history.set(story.id, digest.id);
        previousStories.push({ id: story.id, articleIds: story.articles.map((a) => a.id) });
      }
    }
  }

  const digest = composeDigest({
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
  if (!digest) {
    const reason = articles.length === 0 ? 'no articles were collected in the window' : 'no article in the window is relevant to the topic';
    logger.info({ ...window, articles: articles.length, reason }, 'digest.empty');
    return { status: 'empty', reason, articles: articles.length, ...window };
  }
  const rendered = await renderDigest(digest, { publicUrl: deps.publicUrl, postalAddress: deps.postalAddress });
  await store.saveDigest(digest, rendered);
  const storyIds = digest.themes.flatMap((t) => t.stories.map((s) => s.id));
  await store.recordStories(digest.id, storyIds);
  logger.info({ digestId: id, stories: storyIds.length, articles: articles.length, htmlBytes: rendered.html.length }, 'digest.built');
  return { status: 'built', digestId: id, stories: storyIds.length, articles: articles.length, ...window };
}

/** Since the last digest that went out (or was approved), else the configured number of days. */
async function digestWindow(deps: BuildDeps, now: Date, opts: { from?: Date; to?: Date }): Promise<{ from: Date; to: Date }> {
  const to = opts.to ?? now;
  if (opts.from) return { from: opts.from, to };
  const fallback = new Date(to.getTime() - deps.windowDays * DAY_MS);
  const last = (await deps.store.listDigests(10)).find((d) => d.status !== 'draft' && new Date(d.periodEnd) < to);
  if (!last) return { from: fallback, to };
  const lastEnd = new Date(last.periodEnd);
  // A digest far in the past should not make this issue cover months of news.
  return { from: lastEnd > fallback ? lastEnd : fallback, to };
}

export function digestId(from: Date, to: Date): string {
  const hash = createHash('sha1').update(`${from.toISOString()}|${to.toISOString()}`).digest('hex').slice(0, 6);
  return `d_${to.toISOString().slice(0, 10).replace(/-/g, '')}_${hash}`;
}
