import type { Article, TopicConfig } from './model.ts';
import { scoreRelevance } from './relevance.ts';
import { clusterStories, type ClusterOptions } from './stories.ts';

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
  clustering?: ClusterOptions;
}

export type RelevanceReason = 'core' | 'story' | 'out';

export interface StoryRelevance {
  relevant: Article[];
  reasons: Map<string, RelevanceReason>;
}

/**
 * Kinship for pulling an article in is judged stricter than the digest's grouping (0.08 against
 * 0.07): an editor files a loose follow-up under the event, but only close coverage of an event
 * in Mexico makes an article that never says Mexico part of the beat.
 */
export const STORY_RELEVANCE_DEFAULTS = { minCoreShare: 0.25, clustering: { threshold: 0.08, attachMaxSize: 1, attachFactor: 0.7 } satisfies ClusterOptions };

export function selectRelevant(articles: Article[], topic: TopicConfig, opts: StoryRelevanceOptions = {}): StoryRelevance {
  const minRelevance = opts.minRelevance ?? topic.threshold;
  const minCoreShare = opts.minCoreShare ?? STORY_RELEVANCE_DEFAULTS.minCoreShare;
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
    if (result.topical >= topic.threshold && !result.elsewhere) pool.push(article);
  }
  for (const cluster of clusterStories(pool, { ...STORY_RELEVANCE_DEFAULTS.clustering, ...opts.clustering })) {
    const cores = cluster.articles.filter((a) => core.has(a.id)).length;
    const pulls = cores > 0 && cores / cluster.articles.length >= minCoreShare;
    for (const a of cluster.articles) {
      if (core.has(a.id)) reasons.set(a.id, 'core');
      else if (pulls) reasons.set(a.id, 'story');
    }
  }
  return { relevant: articles.filter((a) => reasons.get(a.id) !== 'out'), reasons };
}
