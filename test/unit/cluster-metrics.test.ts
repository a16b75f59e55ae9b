import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, bcubedScores, pairwiseScores, scoreClustering } from '../../src/eval/cluster-metrics.ts';

// Gold: {1,2,3} {4,5}. Predicted: {1,2} {3,4,5}.
const gold = ['a', 'a', 'a', 'b', 'b'];
const predicted = ['x', 'x', 'y', 'y', 'y'];

describe('cluster metrics on a hand-computed example', () => {
  it('pairwise: 2 of 4 predicted pairs and 2 of 4 gold pairs are right', () => {
    // Predicted pairs 12, 34, 35, 45; gold pairs 12, 13, 23, 45; shared: 12, 45.
    const s = pairwiseScores(predicted, gold);
    expect(s.precision).toBeCloseTo(0.5);
    expect(s.recall).toBeCloseTo(0.5);
    expect(s.f1).toBeCloseTo(0.5);
  });

  it('B-cubed: per-item precision 1, 1, 1/3, 2/3, 2/3 and recall 2/3, 2/3, 1/3, 1, 1', () => {
    const s = bcubedScores(predicted, gold);
    expect(s.precision).toBeCloseTo((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5);
    expect(s.recall).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5);
    expect(s.f1).toBeCloseTo(0.7333, 3);
  });

  it('ARI: index 2, expected 4·4/10 = 1.6, max 4 → 0.4/2.4', () => {
    expect(adjustedRandIndex(predicted, gold)).toBeCloseTo(1 / 6);
  });

  it('a perfect clustering scores 1 everywhere, whatever the label names', () => {
    const s = scoreClustering(['p', 'p', 'q', 'r', 'r'], ['a', 'a', 'b', 'c', 'c']);
    expect([s.pairwise.f1, s.bcubed.f1, s.ari]).toEqual([1, 1, 1]);
    expect([s.clusters, s.goldClusters, s.items]).toEqual([3, 3, 5]);
  });

  it('all singletons against one story: no wrong pair, no recall; ARI 0', () => {
    const s = scoreClustering(['1', '2', '3', '4'], ['a', 'a', 'a', 'a']);
    expect(s.pairwise).toEqual({ precision: 1, recall: 0, f1: 0 });
    expect(s.bcubed.precision).toBe(1);
    expect(s.bcubed.recall).toBeCloseTo(0.25);
    expect(s.ari).toBe(0);
  });

  it('one big cluster over two stories: B-cubed precision 0.5, recall 1', () => {
    const s = bcubedScores(['x', 'x', 'x', 'x'], ['a', 'a', 'b', 'b']);
    expect(s.precision).toBeCloseTo(0.5);
    expect(s.recall).toBe(1);
    expect(pairwiseScores(['x', 'x', 'x', 'x'], ['a', 'a', 'b', 'b']).precision).toBeCloseTo(2 / 6);
  });

  it('refuses label arrays of different lengths', () => {
    expect(() => pairwiseScores(['x'], ['a', 'b'])).toThrow(/length/);
  });
});
