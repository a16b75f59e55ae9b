import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterStories, CLUSTER_DEFAULTS } from '../domain/stories.ts';
import { scoreClustering, type ClusterScores } from '../eval/cluster-metrics.ts';
import { loadStoryDataset, type LabelledArticle } from '../eval/story-dataset.ts';

/**
 * `npm run eval:stories -- FILE [--threshold N] [--half a|b] [--json]`: clusters a labelled
 * dataset with the production clusterStories and prints how well it matches the gold stories.
 * --half keeps the stories whose id hashes into that half, so parameters can be tuned on one half
 * and checked on the other without ever looking at individual headlines of the held-out half.
 */

const USAGE = 'usage: npm run eval:stories -- FILE [--threshold N] [--half a|b] [--json]';

/** Deterministic story-wise half: the first byte of sha256(story id), even → a, odd → b. */
export function storyHalf(story: string): 'a' | 'b' {
  return createHash('sha256').update(story).digest()[0]! % 2 === 0 ? 'a' : 'b';
}

export interface StoryEvaluation extends ClusterScores {
  file: string;
  half?: 'a' | 'b';
  threshold: number;
  clusterMs: number;
}

export function evaluateStories(items: LabelledArticle[], threshold: number): Omit<StoryEvaluation, 'file'> {
  const t0 = performance.now();
  const clusters = clusterStories(items.map((i) => i.article), { threshold });
  const clusterMs = performance.now() - t0;
  const predictedOf = new Map<string, string>();
  for (const c of clusters) for (const a of c.articles) predictedOf.set(a.id, c.id);
  const predicted = items.map((i) => predictedOf.get(i.article.id)!);
  return { ...scoreClustering(predicted, items.map((i) => i.story)), threshold, clusterMs };
}

function pct(x: number): string {
  return x.toFixed(3);
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { threshold: { type: 'string' }, half: { type: 'string' }, json: { type: 'boolean' } },
  });
  const file = positionals[0];
  const threshold = values.threshold === undefined ? CLUSTER_DEFAULTS.threshold : Number(values.threshold);
  if (!file || positionals.length > 1 || !Number.isFinite(threshold) || (values.half && !['a', 'b'].includes(values.half))) {
    console.error(USAGE);
    return 2;
  }
  const half = values.half as 'a' | 'b' | undefined;
  const all = loadStoryDataset(file);
  const items = half ? all.filter((i) => storyHalf(i.story) === half) : all;
  const result: StoryEvaluation = { file, ...(half ? { half } : {}), ...evaluateStories(items, threshold) };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  const { pairwise: p, bcubed: b } = result;
  console.log(`${file}${half ? ` (half ${half})` : ''}: ${result.items} articles, threshold ${threshold}`);
  console.log(`pairwise  precision ${pct(p.precision)}  recall ${pct(p.recall)}  F1 ${pct(p.f1)}`);
  console.log(`B-cubed   precision ${pct(b.precision)}  recall ${pct(b.recall)}  F1 ${pct(b.f1)}`);
  console.log(`adjusted Rand index ${pct(result.ari)}`);
  console.log(`clusters ${result.clusters} (gold ${result.goldClusters}); clustering took ${result.clusterMs.toFixed(1)} ms`);
  return 0;
}

// Only when run as the script, so tests can import storyHalf and evaluateStories.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(`eval:stories: ${e.code === 'ENOENT' ? `no such file: ${e.path}` : e instanceof Error ? e.message : String(err)}`);
    process.exitCode = e.code === 'ENOENT' ? 2 : 1;
  }
}
