import type { Article, Country } from './model.ts';

/**
 * Orders stories for the digest. The score multiplies independent factors so none can be bought
 * by another: breadth (how many outlets, weighted by editorial weight, with a bonus when both
 * Mexican and US outlets cover it, which is what this beat is about), recency within the week,
 * average relevance, and novelty (a story readers already saw last week needs new coverage).
 */

export interface RankInput {
  id: string;
  articles: Article[];
  /**
   * Articles that were not part of the story when it last ran. Only read when the id is in
   * previousStoryIds; undefined there means "unknown" and counts as half new.
   */
  newArticles?: number;
  /**
   * How many articles the story had when it last ran. Weekly windows do not overlap, so a story
   * that continues usually has only new articles; growth is then measured against its old size.
   * When undefined, the articles in this window that are not new stand for it.
   */
  previousSize?: number;
}

export interface RankOptions {
  now: Date;
  /** Editorial weight per feed id; 1 when missing. */
  feedWeights: Map<string, number>;
  /** Country per feed id; INT when missing. */
  feedCountries: Map<string, Country>;
  previousStoryIds: Set<string>;
}

export type Ranked<T extends RankInput> = T & { score: number };

// Coverage a day and a half old counts about half as much as fresh coverage, never less than half.
const RECENCY_HALF_LIFE_HOURS = 36;
const BOTH_SIDES_BONUS = 1.3;

/** Distinct outlets of a story (wire copies included), with their feed ids. */
export function storyOutlets(articles: Article[]): Map<string, string> {
  const outlets = new Map<string, string>();
  for (const article of articles) {
    if (!outlets.has(article.outlet)) outlets.set(article.outlet, article.feedId);
    for (const source of article.sources) if (!outlets.has(source.outlet)) outlets.set(source.outlet, source.feedId);
  }
  return outlets;
}

export function scoreStory(story: RankInput, opts: RankOptions): number {
  const outlets = storyOutlets(story.articles);
  let weighted = 0;
  const countries = new Set<Country>();
  for (const feedId of outlets.values()) {
    weighted += opts.feedWeights.get(feedId) ?? 1;
    countries.add(opts.feedCountries.get(feedId) ?? 'INT');
  }
  const breadth = Math.log2(1 + weighted) * (countries.has('MX') && countries.has('US') ? BOTH_SIDES_BONUS : 1);
  let latest = -Infinity;
  let relevance = 0;
  for (const article of story.articles) {
    const t = Date.parse(article.publishedAt);
    if (Number.isFinite(t)) latest = Math.max(latest, t);
    relevance += Math.max(0, article.relevance);
  }
  const ageHours = Number.isFinite(latest) ? Math.max(0, (opts.now.getTime() - latest) / 3_600_000) : Infinity;
  const recency = 0.5 + 0.5 * Math.pow(2, -ageHours / RECENCY_HALF_LIFE_HOURS);
  const meanRelevance = story.articles.length > 0 ? relevance / story.articles.length : 0;
  const relevanceFactor = 1 + Math.log1p(meanRelevance);
  return breadth * recency * relevanceFactor * novelty(story, opts);
}

/**
 * 1 for a story readers have not seen; for one that ran before, between 0.5 (nothing new) and 1
 * (the new coverage dwarfs what already ran), by the share of the story's coverage that is new.
 */
export function novelty(story: RankInput, opts: Pick<RankOptions, 'previousStoryIds'>): number {
  if (!opts.previousStoryIds.has(story.id)) return 1;
  if (story.newArticles === undefined) return 0.75;
  const fresh = Math.max(0, story.newArticles);
  const before = story.previousSize ?? Math.max(0, story.articles.length - fresh);
  return 0.5 + 0.5 * Math.min(1, fresh / Math.max(1, fresh + before));
}

/** Highest score first; equal scores by id, so the order never depends on the input order. */
export function rankStories<T extends RankInput>(stories: T[], opts: RankOptions): Array<Ranked<T>> {
  return stories
    .map((story) => ({ ...story, score: Math.round(scoreStory(story, opts) * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
