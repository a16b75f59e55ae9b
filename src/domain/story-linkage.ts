/**
 * Group-average agglomerative clustering over a sparse candidate graph. With unit vectors, the
 * average cosine over every cross pair of two groups equals dot(sumA, sumB) / (|A|·|B|), so each
 * group keeps the sum of its vectors and the exact average linkage costs one sparse dot product,
 * however many of the pairs were never compared directly. The candidate graph only says which
 * groups are worth comparing: a group average ≥ t needs at least one pair ≥ t.
 *
 * The heap is lazy. Average linkage is reducible: sim(C, A∪B) ≤ max(sim(C, A), sim(C, B)), so
 * after a merge every older heap value is still an upper bound for the groups its ends now belong
 * to. A popped entry is merged only if it was computed for the groups as they are now; otherwise
 * its exact value is computed and pushed back. A merge touches nothing but the two groups, so a
 * big story growing one article at a time does not rescore all of its neighbours each time.
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
  /** Sum of the members' vectors: ascending term ids in typed arrays, far cheaper than a Map. */
  sum: SparseVector;
  start: number;
  end: number;
  version: number;
  /** Pairs held back because the groups were too far apart in time; retried when this group grows. */
  waiting: Candidate[];
}

interface Candidate {
  /** Exact when `exact` is set and both groups still have versions va and vb; else an upper bound. */
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

function addSparse(a: SparseVector, b: SparseVector): SparseVector {
  const ids = new Int32Array(a.ids.length + b.ids.length);
  const weights = new Float64Array(ids.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.ids.length || j < b.ids.length) {
    const x = i < a.ids.length ? a.ids[i]! : Infinity;
    const y = j < b.ids.length ? b.ids[j]! : Infinity;
    if (x === y) {
      ids[k] = x;
      weights[k++] = a.weights[i++]! + b.weights[j++]!;
    } else if (x < y) {
      ids[k] = x;
      weights[k++] = a.weights[i++]!;
    } else {
      ids[k] = y;
      weights[k++] = b.weights[j++]!;
    }
  }
  return { ids: ids.subarray(0, k), weights: weights.subarray(0, k) };
}

function timeGap(a: Group, b: Group): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

/**
 * Merges items linked by `pairs` ([cosine, i, j]) while the best group-average linkage stays at or
 * above the threshold. Returns groups of item indices; items never linked come back alone.
 */
export function agglomerate(
  vectors: SparseVector[],
  times: Float64Array,
  pairs: Array<[number, number, number]>,
  opts: LinkageOptions,
): number[][] {
  const groups: Group[] = vectors.map((v, k) => ({
    members: [k],
    sum: v,
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
  for (const [sim, i, j] of pairs) {
    heap.push({ sim, a: Math.min(i, j), b: Math.max(i, j), va: 0, vb: 0, exact: true });
  }
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
      const sim = sparseDot(ga.sum, gb.sum) / (ga.members.length * gb.members.length);
      const [x, y] = a < b ? [a, b] : [b, a];
      if (sim >= opts.threshold) {
        heap.push({ sim, a: x, b: y, va: groups[x]!.version, vb: groups[y]!.version, exact: true });
      }
      continue;
    }
    const [keepIndex, gone] = ga.members.length >= gb.members.length ? [a, b] : [b, a];
    const keep = groups[keepIndex]!;
    const lost = groups[gone]!;
    keep.sum = addSparse(keep.sum, lost.sum);
    for (const m of lost.members) keep.members.push(m);
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
  return groups.filter((_, k) => root(k) === k).map((g) => g.members);
}
