import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopic } from '../../src/config/files.ts';
import { evaluateRelevance, parseLabelledSet } from '../../src/eval/relevance-metrics.ts';
import { loadStoryDataset } from '../../src/eval/story-dataset.ts';
import { evaluateStories } from '../../src/eval/story-evaluation.ts';
import { CLUSTER_DEFAULTS } from '../../src/domain/stories.ts';

// A quality guard on real coverage: the shared, hand-labelled mexico-coverage-dev set, read at run
// time (its text never enters the repository). It sits next to the repository (../shared), or two
// levels up for a git worktree; where it is absent (a fresh CI clone) the guard is skipped.
const root = resolve(import.meta.dirname, '../..');
const dataset = [join(root, '../shared/datasets/mexico-coverage-dev'), join(root, '../../shared/datasets/mexico-coverage-dev')].find((d) =>
  existsSync(join(d, 'items.jsonl')),
);
const topic = loadTopic(join(root, 'config/topic.yaml'));

describe.skipIf(!dataset)('quality on mexico-coverage-dev (real archived feeds, labelled by an editor)', () => {
  it('relevance, decided per story: precision and recall ≥ 0.92', () => {
    const { items, errors } = parseLabelledSet(readFileSync(join(dataset!, 'items.jsonl'), 'utf8'));
    expect(errors).toEqual([]);
    const { metrics } = evaluateRelevance(items, topic);
    expect(metrics.precision).toBeGreaterThanOrEqual(0.92);
    expect(metrics.recall).toBeGreaterThanOrEqual(0.92);
  });

  it('stories and themes: pairwise F1 ≥ 0.94, theme accuracy ≥ 0.85 (reached: 0.978 and 0.978)', () => {
    const items = loadStoryDataset(join(dataset!, 'items.jsonl'));
    const e = evaluateStories(items, CLUSTER_DEFAULTS.threshold, { topic });
    expect(e.pairwise.f1).toBeGreaterThanOrEqual(0.94);
    // The issue asks for 0.85; the floor sits near the figure reached, to catch regressions.
    expect(e.themes!.items).toBeGreaterThanOrEqual(0.95);
  });
});
