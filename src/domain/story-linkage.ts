/**
 * Agglomerative clustering over a sparse candidate graph. Each group keeps the sum of its unit
 * vectors, so its linkage to another group costs one sparse dot product however many of the cross
 * pairs were never compared directly:
 *   average linkage  dot(sumA, sumB) / (|A|·|B|)        (the mean cosine over all cross pairs)
 *   centroid cosine  dot(sumA, sumB) / (‖sumA‖·‖sumB‖)
 * Average linkage punishes a big story for its spread: forty headlines of one event share few
 * words pairwise, so their mean cosine with a newcomer falls as the story grows. The centroid
 * cosine does not, but lets a big generic centroid absorb anything. `centroidWeight` blends the
 * two denominators geometrically. The score is then scaled down by the distance in time between
 * the groups' mean publication times, so two shootings in one city two days apart stay apart.
 *
 * The heap is lazy: a popped entry is merged only if it was computed for the groups as they are
 * now; otherwise its exact value is computed and pushed back. With any centroid weight a merge can
 * raise a neighbour's score, so stale entries are not upper bounds: after the heap runs dry, a
 * catch-up pass rescores every remaining candidate edge between groups, until a pass merges nothing.
 */

import { addSparse, squaredNorm } from './story-vectors.ts';

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
  /** 0: average linkage; 1: centroid cosine; between: a geometric blend of the two. */
  centroidWeight: number;
  /** Mean publication times this far apart halve the score (0: no decay). */
  timeScaleMs: number;
}

interface Group {
  members: number[];
  /** Sum of the members' vectors: ascending term ids in typed arrays, far cheaper than a Map. */
  sum: SparseVector;
  /** ‖sum‖², kept so the centroid cosine costs no extra pass over the sum. */
  norm2: number;
  timeSum: number;
  strictnessSum: number;
  start: number;
  end: number;
  version: number;
  /** Pairs held back because the groups were too far apart in time; retried when this group grows. */
  waiting: Candidate[];
}

interface Candidate {
  /** Exact when `exact` is set and both groups still have versions va and vb; else a guess. */
  sim: number;
  a: number;
  b: number;
  va: number;
  vb: number;
  exact: boolean;
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

function sparseDot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.ids.length <= b.ids.length ? [a, b] : [b, a];
  const n = small.ids.length;
  const m = large.ids.length;
  let total = 0;
  if (n * 8 < m) {
    // Far smaller side: binary-search each of its terms in the remaining part of the larger one.
    let lo = 0;
    for (let i = 0; i < n && lo < m; i++) {
      const id = small.ids[i]!;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (large.ids[mid]! < id) lo = mid + 1;
        else hi = mid;
      }
      if (lo < m && large.ids[lo] === id) total += small.weights[i]! * large.weights[lo]!;
    }
    return total;
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const x = small.ids[i]!;
    const y = large.ids[j]!;
    if (x === y) total += small.weights[i++]! * large.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return total;
}

function timeGap(a: Group, b: Group): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

function linkage(a: Group, b: Group, opts: LinkageOptions): number {
  const dot = sparseDot(a.sum, b.sum);
  if (dot <= 0) return 0;
  const w = opts.centroidWeight;
  const average = a.members.length * b.members.length;
  const centroid = Math.sqrt(a.norm2 * b.norm2);
  const denominator = w === 0 ? average : w === 1 ? centroid : average ** (1 - w) * centroid ** w;
  // The mean strictness of both groups' articles raises the bar for long texts (story-vectors.ts).
  const strictness = (a.strictnessSum + b.strictnessSum) / (a.members.length + b.members.length);
  if (opts.timeScaleMs <= 0) return dot / denominator / strictness;
  const apart = Math.abs(a.timeSum / a.members.length - b.timeSum / b.members.length);
  return dot / denominator / (1 + apart / opts.timeScaleMs) / strictness;
}

// Catch-up passes after the first: each rescoring every edge once. Two or three usually settle it.
const MAX_PASSES = 4;

/**
 * Merges items linked by `pairs` ([cosine, i, j]) while the best linkage stays at or above the
 * threshold. Returns groups of item indices; items never linked come back alone.
 */
export function agglomerate(
  vectors: SparseVector[],
  times: Float64Array,
  strictness: Float64Array,
  pairs: Array<[number, number, number]>,
  opts: LinkageOptions,
): number[][] {
  const groups: Group[] = vectors.map((v, k) => ({
    members: [k],
    sum: v,
    norm2: squaredNorm(v),
    timeSum: times[k]!,
    strictnessSum: strictness[k]!,
    start: times[k]!,
    end: times[k]!,
    version: 0,
    waiting: [],
  }));
  // Union-find parents: an entry naming a merged-away group applies to the group it joined.
  const parent = Int32Array.from(groups, (_, k) => k);
  const root = (k: number): number => {
    while (parent[k] !== k) {
      parent[k] = parent[parent[k]!]!;
      k = parent[k]!;
    }
    return k;
  };
  const heap = new CandidateHeap();
  const score = (a: number, b: number): void => {
    const [x, y] = a < b ? [a, b] : [b, a];
    const sim = linkage(groups[x]!, groups[y]!, opts);
    if (sim >= opts.threshold) heap.push({ sim, a: x, b: y, va: groups[x]!.version, vb: groups[y]!.version, exact: true });
  };
  for (const [, i, j] of pairs) score(i, j);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let merged = 0;
    while (heap.size > 0) {
      const top = heap.pop()!;
      const a = root(top.a);
      const b = root(top.b);
      if (a === b) continue;
      const ga = groups[a]!;
      const gb = groups[b]!;
      if (timeGap(ga, gb) > opts.maxGapMs) {
        ga.waiting.push(top);
        gb.waiting.push(top);
        continue;
      }
      const current = top.exact && a === top.a && b === top.b && ga.version === top.va && gb.version === top.vb;
      if (!current) {
        score(a, b);
        continue;
      }
      merged++;
      const [keepIndex, gone] = ga.members.length >= gb.members.length ? [a, b] : [b, a];
      const keep = groups[keepIndex]!;
      const lost = groups[gone]!;
      keep.sum = addSparse(keep.sum, lost.sum);
      keep.norm2 = squaredNorm(keep.sum);
      for (const m of lost.members) keep.members.push(m);
      keep.timeSum += lost.timeSum;
      keep.strictnessSum += lost.strictnessSum;
      keep.start = Math.min(keep.start, lost.start);
      keep.end = Math.max(keep.end, lost.end);
      keep.version++;
      parent[gone] = keepIndex;
      lost.sum = { ids: new Int32Array(0), weights: new Float64Array(0) };
      // A wider time span may bring pairs that were too far apart back within the gap.
      const retry = [...keep.waiting, ...lost.waiting];
      keep.waiting = [];
      lost.waiting = [];
      for (const entry of retry) heap.push({ ...entry, exact: false });
    }
    if (merged === 0 || opts.centroidWeight === 0) break;
    const seen = new Set<number>();
    for (const [, i, j] of pairs) {
      const a = root(i);
      const b = root(j);
      if (a === b) continue;
      const key = Math.min(a, b) * vectors.length + Math.max(a, b);
      if (seen.has(key)) continue;
      seen.add(key);
      score(a, b);
    }
  }
  return groups.filter((_, k) => root(k) === k).map((g) => g.members);
}
