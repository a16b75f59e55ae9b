import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.ts';
import { parseEnv } from '../config/env.ts';
import { loadTopic } from '../config/files.ts';
import { CLUSTER_DEFAULTS } from '../domain/stories.ts';
import { loadStoryDataset, type LabelledArticle } from '../eval/story-dataset.ts';
import { evaluateStories, storyErrors, type StoryEvaluation } from '../eval/story-evaluation.ts';

export { evaluateStories } from '../eval/story-evaluation.ts';

/**
 * `npm run eval:stories -- FILE [--threshold N] [--half a|b] [--window W] [--by-window] [--errors]
 * [--topic topic.yaml] [--json]`: clusters a labelled dataset with the production clusterStories
 * and prints how well it matches the gold stories; when the set labels themes (mexico-coverage-dev
 * items.jsonl), also how often the production themes match them (map: src/eval/theme-map.ts).
 * --half keeps the stories whose id hashes into that half; --window keeps one capture window;
 * --by-window prints the figures of each window too, for tuning on some and checking on another.
 */

const USAGE =
  'usage: npm run eval:stories -- FILE [--threshold N] [--half a|b] [--window W] [--by-window] [--errors] [--topic topic.yaml] [--json]';

/** Deterministic story-wise half: the first byte of sha256(story id), even → a, odd → b. */
export function storyHalf(story: string): 'a' | 'b' {
  return createHash('sha256').update(story).digest()[0]! % 2 === 0 ? 'a' : 'b';
}

function pct(x: number): string {
  return x.toFixed(3);
}

function printFigures(label: string, e: StoryEvaluation): void {
  const { pairwise: p, bcubed: b } = e;
  console.log(`${label}: ${e.items} articles, threshold ${e.threshold}`);
  console.log(`pairwise  precision ${pct(p.precision)}  recall ${pct(p.recall)}  F1 ${pct(p.f1)}`);
  console.log(`B-cubed   precision ${pct(b.precision)}  recall ${pct(b.recall)}  F1 ${pct(b.f1)}`);
  console.log(`adjusted Rand index ${pct(e.ari)}`);
  if (e.themes) console.log(`theme accuracy ${pct(e.themes.items)} (items, stories as clustered)  ${pct(e.themes.stories)} (${e.themes.storyCount} gold stories themed alone)`);
  console.log(`clusters ${e.clusters} (gold ${e.goldClusters}); clustering took ${e.clusterMs.toFixed(1)} ms`);
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      threshold: { type: 'string' },
      half: { type: 'string' },
      window: { type: 'string' },
      'by-window': { type: 'boolean' },
      errors: { type: 'boolean' },
      topic: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const file = positionals[0];
  const threshold = values.threshold === undefined ? CLUSTER_DEFAULTS.threshold : Number(values.threshold);
  if (!file || positionals.length > 1 || !Number.isFinite(threshold) || (values.half && !['a', 'b'].includes(values.half))) {
    console.error(USAGE);
    return 2;
  }
  const half = values.half as 'a' | 'b' | undefined;
  let items = loadStoryDataset(file);
  if (half) items = items.filter((i) => storyHalf(i.story) === half);
  if (values.window) items = items.filter((i) => i.window === values.window);
  if (items.length === 0) {
    console.error(`eval:stories: no labelled stories in ${file}${values.window ? ` for window ${values.window}` : ''}`);
    return 2;
  }
  let topic;
  if (items.every((i) => i.theme)) {
    try {
      topic = loadTopic(resolve(values.topic ?? join(parseEnv(process.env).CONFIG_DIR, 'topic.yaml')));
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        return 2;
      }
      throw err;
    }
  }
  const result = evaluateStories(items, threshold, { topic });
  if (values.json) {
    const { predicted: _p, predictedThemes: _t, goldStoryThemes: _g, ...figures } = result;
    console.log(JSON.stringify({ file, ...(half ? { half } : {}), ...(values.window ? { window: values.window } : {}), ...figures }, null, 2));
    return 0;
  }
  if (values.errors && !values['by-window']) {
    for (const line of storyErrors(items, result)) console.log(line);
    console.log('');
  }
  const suffix = `${half ? ` (half ${half})` : ''}${values.window ? ` (window ${values.window})` : ''}`;
  printFigures(`${file}${suffix}`, result);
  if (values['by-window']) {
    const windows = [...new Set(items.map((i) => i.window).filter((w): w is string => w !== undefined))].sort();
    for (const w of windows) {
      console.log('');
      const list = items.filter((i: LabelledArticle) => i.window === w);
      const e = evaluateStories(list, threshold, { topic });
      if (values.errors) {
        for (const line of storyErrors(list, e)) console.log(line);
        console.log('');
      }
      printFigures(`window ${w}`, e);
    }
  }
  return 0;
}

// Only when run as the script, so tests can import storyHalf and evaluateStories.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(`eval:stories: ${e.code === 'ENOENT' ? `no such file: ${e.path}` : e instanceof Error ? e.message : String(err)}`);
    process.exitCode = e.code === 'ENOENT' || e.code === 'DATASET_INVALID' ? 2 : 1;
  }
}
