/**
 * Scores a clustering against gold labels. Pure: two label arrays of equal length in, figures out.
 * Pairwise precision/recall count pairs of items put together; B-cubed averages per item, so one
 * huge wrong cluster costs in proportion to the items it holds, not to the square of its size;
 * the adjusted Rand index corrects pair agreement for chance (0 for random labels, 1 for a match).
 */

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClusterScores {
  pairwise: PRF;
  bcubed: PRF;
  ari: number;
  items: number;
  clusters: number;
  goldClusters: number;
}

function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

interface Contingency {
  cells: Map<string, number>;
  predicted: Map<string, number>;
  gold: Map<string, number>;
}

function contingency(predicted: readonly string[], gold: readonly string[]): Contingency {
  if (predicted.length !== gold.length) throw new Error(`label arrays differ in length: ${predicted.length} vs ${gold.length}`);
  const cells = new Map<string, number>();
  const byPredicted = new Map<string, number>();
  const byGold = new Map<string, number>();
  for (let i = 0; i < gold.length; i++) {
    // JSON keeps the two labels apart whatever characters they contain.
    const key = JSON.stringify([predicted[i], gold[i]]);
    cells.set(key, (cells.get(key) ?? 0) + 1);
    byPredicted.set(predicted[i]!, (byPredicted.get(predicted[i]!) ?? 0) + 1);
    byGold.set(gold[i]!, (byGold.get(gold[i]!) ?? 0) + 1);
  }
  return { cells, predicted: byPredicted, gold: byGold };
}

/**
 * Pairs of items together in both over pairs together in the prediction (precision) or in the
 * gold (recall). With no pairs on a side the ratio is vacuous and counts as 1: all singletons
 * make no wrong merge.
 */
export function pairwiseScores(predicted: readonly string[], gold: readonly string[]): PRF {
  const c = contingency(predicted, gold);
  let together = 0;
  for (const n of c.cells.values()) together += pairs(n);
  let predictedPairs = 0;
  for (const n of c.predicted.values()) predictedPairs += pairs(n);
  let goldPairs = 0;
  for (const n of c.gold.values()) goldPairs += pairs(n);
  const precision = predictedPairs === 0 ? 1 : together / predictedPairs;
  const recall = goldPairs === 0 ? 1 : together / goldPairs;
  return { precision, recall, f1: f1(precision, recall) };
}

/** Per item: the share of its predicted cluster that is in its gold story, and the converse; averaged. */
export function bcubedScores(predicted: readonly string[], gold: readonly string[]): PRF {
  const c = contingency(predicted, gold);
  const n = gold.length;
  if (n === 0) return { precision: 1, recall: 1, f1: 1 };
  let precision = 0;
  let recall = 0;
  // Every item of a cell has the same per-item scores, so sum per cell instead of per item.
  for (const [key, count] of c.cells) {
    const [p, g] = JSON.parse(key) as [string, string];
    precision += (count * count) / c.predicted.get(p)!;
    recall += (count * count) / c.gold.get(g)!;
  }
  precision /= n;
  recall /= n;
  return { precision, recall, f1: f1(precision, recall) };
}

/** Hubert and Arabie's adjusted Rand index. Two identical trivial partitions score 1. */
export function adjustedRandIndex(predicted: readonly string[], gold: readonly string[]): number {
  const c = contingency(predicted, gold);
  let index = 0;
  for (const n of c.cells.values()) index += pairs(n);
  let sumP = 0;
  for (const n of c.predicted.values()) sumP += pairs(n);
  let sumG = 0;
  for (const n of c.gold.values()) sumG += pairs(n);
  const total = pairs(gold.length);
  const expected = total === 0 ? 0 : (sumP * sumG) / total;
  const max = (sumP + sumG) / 2;
  if (max === expected) return index === expected ? 1 : 0;
  return (index - expected) / (max - expected);
}

export function scoreClustering(predicted: readonly string[], gold: readonly string[]): ClusterScores {
  return {
    pairwise: pairwiseScores(predicted, gold),
    bcubed: bcubedScores(predicted, gold),
    ari: adjustedRandIndex(predicted, gold),
    items: gold.length,
    clusters: new Set(predicted).size,
    goldClusters: new Set(gold).size,
  };
}
