/**
 * Group-average agglomerative clustering over a sparse candidate graph. With unit vectors, the
 * average cosine over every cross pair of two groups equals dot(sumA, sumB) / (|A|·|B|), so each
 * group keeps the sum of its vectors and the exact average linkage costs one sparse dot product,
 * however many of the pairs were never compared directly. The candidate graph only says which
 * groups are worth comparing: a group average ≥ t needs at least one pair ≥ t.
 */

export interface SparseVector {
  /** Term ids, ascending. */
  ids: Int32Array;
  /** Weights for those ids; the vector has unit length. */
  weights: Float64Array;
}

export interface LinkageOptions {
  threshold: number;
  /** Two groups merge only if their time spans are at most this far apart. */
  maxGapMs: number;
}

interface Group {
  members: number[];
  sum: Map<number, number>;
  start: number;
  end: number;
  alive: boolean;
  neighbours: Set<number>;
  /** Cached most similar mergeable neighbour (-1: none at or above the threshold). */
  best: number;
  bestSim: number;
  /** Bumped whenever `best` changes, so older heap entries for this group are ignored. */
  stamp: number;
}

interface Candidate {
  sim: number;
  a: number;
  b: number;
  stamp: number;
}

/** Highest similarity first; ties by group index, so the merge order never depends on input order. */
function before(x: Candidate, y: Candidate): boolean {
  return x.sim > y.sim || (x.sim === y.sim && (x.a < y.a || (x.a === y.a && x.b < y.b)));
}

class CandidateHeap {
  private readonly items: Candidate[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: Candidate): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && before(items[l]!, items[best]!)) best = l;
        if (r < items.length && before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}

function dot(a: Map<number, number>, b: Map<number, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let total = 0;
  for (const [id, w] of small) {
    const other = large.get(id);
    if (other !== undefined) total += w * other;
  }
  return total;
}

function timeGap(a: Group, b: Group): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

/** Better neighbour: more similar, then lower index (so ties never depend on iteration order). */
function beats(sim: number, index: number, bestSim: number, best: number): boolean {
  return sim > bestSim || (sim === bestSim && best >= 0 && index < best);
}

/**
 * Merges items linked by `pairs` ([cosine, i, j]) while the best group-average linkage stays at or
 * above the threshold. Returns groups of item indices; items never linked come back alone.
 *
 * Each group caches its nearest neighbour and the heap holds one entry per group. Average linkage
 * is reducible: sim(C, A∪B) lies between sim(C, A) and sim(C, B), so after A and B merge only the
 * groups whose nearest was A or B need a full rescan; every other neighbour just compares its
 * cached best with A∪B. That keeps the heap at O(groups) instead of O(edges) after each merge.
 */
export function agglomerate(
  vectors: SparseVector[],
  times: Float64Array,
  pairs: Array<[number, number, number]>,
  opts: LinkageOptions,
): number[][] {
  const groups: Group[] = vectors.map((v, k) => ({
    members: [k],
    sum: new Map(Array.from(v.ids, (id, n) => [id, v.weights[n]!] as [number, number])),
    start: times[k]!,
    end: times[k]!,
    alive: true,
    neighbours: new Set<number>(),
    best: -1,
    bestSim: -Infinity,
    stamp: 0,
  }));
  const heap = new CandidateHeap();
  const similarity = (a: Group, b: Group): number =>
    timeGap(a, b) > opts.maxGapMs ? -Infinity : dot(a.sum, b.sum) / (a.members.length * b.members.length);
  const offer = (index: number, other: number, sim: number): void => {
    const g = groups[index]!;
    if (sim < opts.threshold || !beats(sim, other, g.bestSim, g.best)) return;
    g.best = other;
    g.bestSim = sim;
    heap.push({ sim, a: index, b: other, stamp: ++g.stamp });
  };
  const rescan = (index: number): void => {
    const g = groups[index]!;
    g.best = -1;
    g.bestSim = -Infinity;
    g.stamp++;
    for (const n of g.neighbours) offer(index, n, similarity(g, groups[n]!));
  };
  for (const [sim, i, j] of pairs) {
    groups[i]!.neighbours.add(j);
    groups[j]!.neighbours.add(i);
    if (timeGap(groups[i]!, groups[j]!) > opts.maxGapMs) continue;
    offer(i, j, sim);
    offer(j, i, sim);
  }
  while (heap.size > 0) {
    const top = heap.pop()!;
    const ga = groups[top.a]!;
    if (!ga.alive || ga.stamp !== top.stamp || !groups[top.b]!.alive) continue;
    const keepA = ga.members.length >= groups[top.b]!.members.length;
    const [keepIndex, gone] = keepA ? [top.a, top.b] : [top.b, top.a];
    const keep = groups[keepIndex]!;
    const lost = groups[gone]!;
    for (const [id, w] of lost.sum) keep.sum.set(id, (keep.sum.get(id) ?? 0) + w);
    keep.members.push(...lost.members);
    keep.start = Math.min(keep.start, lost.start);
    keep.end = Math.max(keep.end, lost.end);
    lost.alive = false;
    lost.sum = new Map();
    for (const n of lost.neighbours) {
      const neighbour = groups[n]!;
      neighbour.neighbours.delete(gone);
      if (n !== keepIndex) {
        neighbour.neighbours.add(keepIndex);
        keep.neighbours.add(n);
      }
    }
    keep.neighbours.delete(gone);
    rescan(keepIndex);
    for (const n of keep.neighbours) {
      const neighbour = groups[n]!;
      if (neighbour.best === keepIndex || neighbour.best === gone) rescan(n);
      // The merged group's span is wider, so a neighbour once too far in time may now qualify.
      else offer(n, keepIndex, similarity(neighbour, keep));
    }
  }
  return groups.filter((g) => g.alive).map((g) => g.members);
}
