import type { TopicConfig } from '../domain/model.ts';
import { clusterStories, type ClusterOptions } from '../domain/stories.ts';
import { assignTheme } from '../domain/themes.ts';
import { scoreClustering, type ClusterScores } from './cluster-metrics.ts';
import type { LabelledArticle } from './story-dataset.ts';
import { topicTheme } from './theme-map.ts';

/**
 * Clusters a labelled set with the production clusterStories (one capture window at a time, as
 * the build clusters one week at a time), themes each predicted story with the
 * production assignTheme, and compares both with the gold labels. Pure: the CLI reads and prints.
 */

export interface ThemeScores {
  /** Items whose predicted story got the item's gold theme: what a reader sees. */
  items: number;
  /** Gold stories themed right when themed alone: theming measured apart from clustering. */
  stories: number;
  storyCount: number;
}

export interface StoryEvaluation extends ClusterScores {
  threshold: number;
  clusterMs: number;
  themes?: ThemeScores;
  /** Predicted cluster id per item, in input order. */
  predicted: string[];
  /** Predicted theme per predicted cluster id (when themes were scored). */
  predictedThemes?: Map<string, string>;
  /** Theme assigned to each gold story on its own (when themes were scored). */
  goldStoryThemes?: Map<string, string>;
}

export function evaluateStories(
  items: LabelledArticle[],
  threshold: number,
  opts: { topic?: TopicConfig; clustering?: ClusterOptions } = {},
): StoryEvaluation {
  // The build clusters one week's articles at a time; a set made of several capture windows is
  // clustered the same way, one window at a time. Clustering the windows together would let one
  // week's vocabulary weigh the terms of another (IDF, the collection's mean cosine) and measure
  // something the build never runs.
  const byWindow = new Map<string | undefined, LabelledArticle[]>();
  for (const item of items) byWindow.set(item.window, [...(byWindow.get(item.window) ?? []), item]);
  const t0 = performance.now();
  const clusters = [...byWindow.values()].flatMap((list) => clusterStories(list.map((i) => i.article), { ...opts.clustering, threshold }, opts.topic));
  const clusterMs = performance.now() - t0;
  const predictedOf = new Map<string, string>();
  for (const c of clusters) for (const a of c.articles) predictedOf.set(a.id, c.id);
  const predicted = items.map((i) => predictedOf.get(i.article.id)!);
  const result: StoryEvaluation = { ...scoreClustering(predicted, items.map((i) => i.story)), threshold, clusterMs, predicted };
  const topic = opts.topic;
  if (!topic || items.length === 0 || !items.every((i) => i.theme)) return result;

  const predictedThemes = new Map(clusters.map((c) => [c.id, assignTheme(c.articles, topic)]));
  const byStory = new Map<string, LabelledArticle[]>();
  for (const item of items) byStory.set(item.story, [...(byStory.get(item.story) ?? []), item]);
  const goldStoryThemes = new Map([...byStory].map(([story, list]) => [story, assignTheme(list.map((i) => i.article), topic)]));
  const rightItems = items.filter((item, k) => predictedThemes.get(predicted[k]!) === topicTheme(item.theme!)).length;
  const rightStories = [...byStory].filter(([story, list]) => goldStoryThemes.get(story) === topicTheme(list[0]!.theme!)).length;
  return {
    ...result,
    themes: { items: rightItems / items.length, stories: rightStories / byStory.size, storyCount: byStory.size },
    predictedThemes,
    goldStoryThemes,
  };
}

/**
 * Per gold story: where its items went. A story split over several predicted stories, a predicted
 * story holding items of several gold stories, and a story filed under the wrong theme are listed;
 * stories grouped and themed right are not. Each note counts the pairs it costs: pairs of the story
 * split apart (recall) and pairs its items make with another story's items (precision; a pair
 * between two gold stories is counted under both).
 */
const pairs = (n: number): number => (n * (n - 1)) / 2;

export function storyErrors(items: LabelledArticle[], e: StoryEvaluation): string[] {
  const lines: string[] = [];
  const goldOfCluster = new Map<string, Set<string>>();
  items.forEach((item, k) => goldOfCluster.set(e.predicted[k]!, (goldOfCluster.get(e.predicted[k]!) ?? new Set()).add(item.story)));
  const clusterNames = new Map<string, string>();
  for (const id of e.predicted) if (!clusterNames.has(id)) clusterNames.set(id, `#${clusterNames.size + 1}`);
  const byStory = new Map<string, number[]>();
  items.forEach((item, k) => byStory.set(item.story, [...(byStory.get(item.story) ?? []), k]));
  for (const [story, ks] of byStory) {
    const clusters = new Set(ks.map((k) => e.predicted[k]!));
    const mixed = [...clusters].some((c) => goldOfCluster.get(c)!.size > 1);
    const gold = items[ks[0]!]!.theme;
    const themed = e.goldStoryThemes?.get(story);
    const themeWrong = gold !== undefined && themed !== undefined && themed !== topicTheme(gold);
    if (clusters.size === 1 && !mixed && !themeWrong) continue;
    // Pair counts say what each error costs in the pairwise figures.
    const together = [...clusters].reduce((n, c) => n + pairs(ks.filter((k) => e.predicted[k] === c).length), 0);
    const falsePairs = ks.reduce((n, k) => n + items.filter((other, j) => e.predicted[j] === e.predicted[k] && other.story !== story).length, 0);
    const notes = [
      clusters.size > 1 ? `split into ${clusters.size} (${pairs(ks.length) - together} of ${pairs(ks.length)} pairs missed)` : '',
      mixed ? `shares a predicted story with another (${falsePairs} false pairs)` : '',
      themeWrong ? `theme ${themed} (gold ${gold} → ${topicTheme(gold!)})` : '',
    ].filter(Boolean);
    lines.push(`${story}  ${ks.length} item(s): ${notes.join('; ')}`);
    for (const k of ks) {
      const c = e.predicted[k]!;
      const others = [...goldOfCluster.get(c)!].filter((s) => s !== story);
      const theme = e.predictedThemes?.get(c);
      lines.push(`   ${clusterNames.get(c)}${theme ? ` [${theme}]` : ''} ${items[k]!.article.id}  ${items[k]!.article.title}${others.length > 0 ? `  (with ${others.join(', ')})` : ''}`);
    }
  }
  return lines;
}
