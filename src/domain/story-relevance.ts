import type { Article, TopicConfig } from './model.ts';
import { scoreRelevance } from './relevance.ts';
import { clusterStories, scanText, type ClusterOptions } from './stories.ts';

/**
 * Relevance at the level of the story. An article is in when it is about the beat with Mexico at
 * its centre (relevance.ts), or when it is about the beat's subjects and belongs to a story whose
 * core is: the market report on "Trump's tariffs" of the week the tariffs hit Mexico, the explainer
 * on "the cartels' terrorist designation". An article that only mentions Mexico in passing is not
 * pulled in by its own words, and one whose headline is about another country (Canada's
 * retaliation) and never names Mexico stays out even inside such a story.
 */

export interface StoryRelevanceOptions {
  /** Stored scores at or above this make an article a core article of its story; topic.threshold by default. */
  minRelevance?: number;
  /** A story pulls its other articles in when at least this share of it is core. */
  minCoreShare?: number;
  /**
   * An article that names Mexico joins the pool of candidates when its subject terms score this
   * share of topic.threshold; one that never does needs the whole threshold.
   */
  minTopicalShare?: number;
  clustering?: ClusterOptions;
}

export type RelevanceReason = 'core' | 'story' | 'out';

export interface StoryRelevance {
  relevant: Article[];
  reasons: Map<string, RelevanceReason>;
}

/**
 * Kinship for pulling an article in is judged on a fixed bar (cosine 0.08), not the digest's
 * grouping bar that adapts to how alike the week's stories are: an editor files a loose follow-up
 * under the event, but only close coverage of an event in Mexico makes an article that never says
 * Mexico part of the beat. Lone follow-ups (a market report) may join a story a little below it.
 */
export const STORY_RELEVANCE_DEFAULTS = {
  minCoreShare: 0.25,
  minTopicalShare: 2 / 3,
  clustering: { threshold: 0.08, spreadFactor: 0, attachMaxSize: 1, attachFactor: 0.7 } satisfies ClusterOptions,
};

/**
 * One shared word ("tariffs") is a subject, not a story: in a quiet week it can be rare enough to
 * link a piece on another tariff to Mexico's. An article is pulled in only when it shares at least
 * this many distinct terms with the story's core articles.
 */
const MIN_SHARED_TERMS = 2;

function termsOf(a: Article): string[] {
  return scanText(`${a.title}\n\n${a.summary}`).tokens;
}

function sharedTerms(a: Article, terms: Set<string>): number {
  return new Set(termsOf(a).filter((t) => terms.has(t))).size;
}

export function selectRelevant(articles: Article[], topic: TopicConfig, opts: StoryRelevanceOptions = {}): StoryRelevance {
  const minRelevance = opts.minRelevance ?? topic.threshold;
  const minCoreShare = opts.minCoreShare ?? STORY_RELEVANCE_DEFAULTS.minCoreShare;
  const minTopical = topic.threshold * (opts.minTopicalShare ?? STORY_RELEVANCE_DEFAULTS.minTopicalShare);
  const reasons = new Map<string, RelevanceReason>();
  const core = new Set<string>();
  const pool: Article[] = [];
  for (const article of articles) {
    reasons.set(article.id, 'out');
    if (article.relevance >= minRelevance && article.relevance > 0) {
      core.add(article.id);
      pool.push(article);
      continue;
    }
    const result = scoreRelevance(article, topic);
    // An article that names Mexico, if only in passing, needs less of the beat's vocabulary to be
    // considered for its story than one that never does.
    const bar = result.score > 0 ? minTopical : topic.threshold;
    if (result.topical >= bar && result.topical > 0 && !result.elsewhere) pool.push(article);
  }
  // Without candidates there is nothing to pull in, and the clustering (the costly part) is skipped.
  const clusters = pool.length > core.size ? clusterStories(pool, { ...STORY_RELEVANCE_DEFAULTS.clustering, ...opts.clustering }) : [];
  for (const id of core) reasons.set(id, 'core');
  for (const cluster of clusters) {
    const cores = cluster.articles.filter((a) => core.has(a.id));
    const pulls = cores.length > 0 && cores.length / cluster.articles.length >= minCoreShare;
    const coreTerms = pulls ? new Set(cores.flatMap((a) => termsOf(a))) : new Set<string>();
    for (const a of cluster.articles) {
      if (core.has(a.id)) reasons.set(a.id, 'core');
      else if (pulls && sharedTerms(a, coreTerms) >= MIN_SHARED_TERMS) reasons.set(a.id, 'story');
    }
  }
  return { relevant: articles.filter((a) => reasons.get(a.id) !== 'out'), reasons };
}
