import { createHash } from 'node:crypto';
import type { Article, TopicConfig } from './model.ts';
import { isBackgroundPiece } from './background-pieces.ts';
import { themeOfScores, themeScores } from './themes.ts';
import { agglomerate, type SparseVector } from './story-linkage.ts';
import { addSparse, articleTime, buildCorpus, cosine, NAMED, scanText, squaredNorm, type ArticleScan, type Corpus } from './story-vectors.ts';

export { articleTime, compareArticles, cosine, scanText } from './story-vectors.ts';

/**
 * Groups articles about one event across outlets and languages. Articles become TF-IDF vectors
 * over lexicon-canonical tokens (story-vectors.ts, lexicon.ts: "extraditan" and "extradites" are
 * one term, "seis" is "6"), with title terms and name-like terms boosted, so an English and a
 * Spanish report of one arrest meet through "Zambada", "Culiacán", "arrest", "120". Candidate
 * pairs come from an inverted index over rare terms only, so the cost grows with the number of
 * related pairs, not with n². Groups then merge by centroid cosine, discounted by how far apart
 * their articles were published and made stricter for long texts (story-linkage.ts).
 */

export interface StoryCluster {
  id: string;
  articles: Article[];
}

export interface ClusterOptions {
  /** Largest gap between an article and the rest of its story. */
  maxGapHours?: number;
  /** Minimum group-average cosine for two groups of articles to be one story. */
  threshold?: number;
  /** Terms in more than this share of articles do not propose candidate pairs. */
  maxDocFraction?: number;
  titleBoost?: number;
  entityBoost?: number;
  /** 0: group-average linkage; 1: centroid cosine (see story-linkage.ts). */
  centroidWeight?: number;
  /**
   * Groups whose mean publication times are this share of maxGapHours apart count half as similar
   * (0: no decay). Tied to the gap so that widening the window also widens what still joins.
   */
  timeScale?: number;
  /** Pairs below threshold × this never propose a merge. */
  pairFactor?: number;
  /**
   * The threshold becomes spreadBase + spreadFactor × the collection's mean pairwise cosine when
   * that is higher (spreadFactor 0: fixed).
   */
  spreadFactor?: number;
  spreadBase?: number;
  conceptBoost?: number;
  maxStrictness?: number;
  strictFrom?: number;
  /** Stories of at least this many articles are checked for separate developments (0: never). */
  splitMinSize?: number;
  /** Threshold of the re-clustering inside a story, with the story's own term weights. */
  splitThreshold?: number;
  /** A development needs at least this share of the story's articles (and 3 articles). */
  splitMinShare?: number;
  /** ... and at least this many articles. */
  splitMinArticles?: number;
  /** Stories this small join the nearest bigger story when their centroid cosine reaches threshold × attachFactor (0: never). */
  attachMaxSize?: number;
  attachFactor?: number;
  /** A term arriving this improbably late in a story marks a new development (0: never; see burstOnset). */
  burstAlpha?: number;
}

export const CLUSTER_DEFAULTS: Required<ClusterOptions> = {
  maxGapHours: 72,
  threshold: 0.07,
  maxDocFraction: 0.03,
  titleBoost: 2,
  entityBoost: 1.5,
  centroidWeight: 1,
  timeScale: 1 / 3,
  pairFactor: 0.5,
  spreadFactor: 1,
  spreadBase: 0.05,
  conceptBoost: 1,
  maxStrictness: 2,
  strictFrom: 24,
  splitMinSize: 4,
  splitThreshold: 0.15,
  splitMinShare: 0.15,
  splitMinArticles: 2,
  attachMaxSize: 2,
  attachFactor: 0.7,
  burstAlpha: 0.005,
};

// Each article meets, per signature term, only the next few articles that share it. A story of
// 500 articles then yields a connected web of links instead of all 125,000 pairs; the group
// averages stay exact because they come from vector sums, not from the links.
const NEIGHBOURS_PER_TERM = 16;
// Links kept per article (its strongest): enough to connect a story, few enough that merging
// does not wade through every pair of a big one.
const LINKS_PER_ARTICLE = 5;
// After a story's turn, a reaction or analysis at least this close to the turn (relative to its
// closeness to the original event) is about the turn (splitAtOnset). Articles an earlier merge
// swept into a story but about something else sit at a tenth to a quarter of it.
const TURN_AFFINITY = 0.5;
// Below this many articles the collection's mean cosine does not raise the threshold.
const MIN_SPREAD_ARTICLES = 16;

/** A stable id for a story, from the id of its earliest article. */
export function storyId(earliestArticleId: string): string {
  return 's_' + createHash('sha256').update(earliestArticleId).digest('hex').slice(0, 16);
}

/**
 * Pairs of articles that share a rare term, published close enough to be in one story, with
 * cosine ≥ threshold. Only those can start a merge: a group average ≥ t needs some pair ≥ t.
 * Shared signature terms give a lower bound of the cosine for free; only pairs whose bound
 * reaches half the threshold pay for the full product.
 */
function linkedPairs(corpus: Corpus, threshold: number, windowMs: number): Array<[number, number, number]> {
  const { vectors, signatures, postings, times } = corpus;
  const partial = new Float64Array(vectors.length);
  const touched: number[] = [];
  const cursor = new Int32Array(postings.length);
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i < vectors.length; i++) {
    const sig = signatures[i]!;
    touched.length = 0;
    for (let t = 0; t < sig.ids.length; t++) {
      const term = sig.ids[t]!;
      const list = postings[term]!;
      // Documents arrive in time order, so each posting list is walked forward once overall.
      let k = cursor[term]!;
      while (k < list.ids.length && list.ids[k]! <= i) k++;
      cursor[term] = k;
      const stop = Math.min(list.ids.length, k + NEIGHBOURS_PER_TERM);
      for (; k < stop; k++) {
        const j = list.ids[k]!;
        if (times[j]! - times[i]! > windowMs) break;
        if (partial[j] === 0) touched.push(j);
        partial[j]! += sig.weights[t]! * list.weights[k]!;
      }
    }
    for (const j of touched) {
      if (partial[j]! >= threshold / 2) {
        const sim = cosine(vectors[i]!, vectors[j]!);
        if (sim >= threshold) pairs.push([sim, i, j]);
      }
      partial[j] = 0;
    }
  }
  return strongest(pairs, vectors.length);
}

/**
 * Keeps a link if it is among the LINKS_PER_ARTICLE strongest of either of its two articles. Each
 * article keeps a tiny sorted top list, so this is linear in the pairs: sorting every pair of a
 * 20,000-article week cost more than the clustering itself.
 */
function strongest(pairs: Array<[number, number, number]>, n: number): Array<[number, number, number]> {
  const k = LINKS_PER_ARTICLE;
  // Per article: indices into pairs, strongest first; -1 marks a free slot.
  const top = new Int32Array(n * k).fill(-1);
  const stronger = (x: number, y: number): boolean => pairs[x]![0] > pairs[y]![0] || (pairs[x]![0] === pairs[y]![0] && x < y);
  const offer = (article: number, p: number): void => {
    const base = article * k;
    let slot = k - 1;
    if (top[base + slot] !== -1 && !stronger(p, top[base + slot]!)) return;
    while (slot > 0 && (top[base + slot - 1] === -1 || stronger(p, top[base + slot - 1]!))) {
      top[base + slot] = top[base + slot - 1]!;
      slot--;
    }
    top[base + slot] = p;
  };
  pairs.forEach(([, i, j], p) => {
    offer(i, p);
    offer(j, p);
  });
  const keep = new Uint8Array(pairs.length);
  for (const p of top) if (p !== -1) keep[p] = 1;
  return pairs.filter((_, p) => keep[p] === 1);
}

/**
 * With a topic, a lone follow-up joins a story only if it would go to the story's section (see
 * attachFollowUps); without one (a dataset with no themes) any subject may join.
 */
export function clusterStories(articles: Article[], options: ClusterOptions = {}, topic?: TopicConfig): StoryCluster[] {
  const opts = { ...CLUSTER_DEFAULTS, ...options };
  const byId = new Map<string, Article>();
  for (const a of articles) if (!byId.has(a.id)) byId.set(a.id, a);
  // Parse each date once: sorting with Date.parse in the comparator costs more than clustering.
  const timed = [...byId.values()].map((article) => ({ article, time: articleTime(article) }));
  timed.sort((a, b) => a.time - b.time || (a.article.id < b.article.id ? -1 : 1));
  const docs = timed.map((t) => t.article);
  if (docs.length === 0) return [];
  // Each article is scanned once; stories' own corpora reuse the scans.
  const scans = new Map<Article, ArticleScan>();
  const corpus = buildCorpus(docs, Float64Array.from(timed, (t) => t.time), opts, scans);
  const gapMs = opts.maxGapHours * 3_600_000;
  // A week of one big subject makes every pair of articles look alike: the bar rises with the
  // collection's mean pairwise cosine, ‖Σv‖² − n over n(n − 1) for unit vectors, so a narrow week
  // is split by what differs, not merged by what it shares.
  const n = corpus.vectors.length;
  // With a handful of articles the mean is the articles' own likeness, not the week's: not used.
  const spread = n >= MIN_SPREAD_ARTICLES && opts.spreadFactor > 0 ? Math.max(0, (squaredNorm(sumOf(corpus.vectors.map((_, k) => k), corpus)) - n) / (n * (n - 1))) : 0;
  const threshold = Math.max(opts.threshold, opts.spreadBase + opts.spreadFactor * spread);
  // Pairs further apart than two gaps can only meet through articles in between.
  const pairs = linkedPairs(corpus, threshold * opts.pairFactor, 2 * gapMs);
  const groups = agglomerate(corpus.vectors, corpus.times, corpus.strictness, pairs, {
    threshold,
    maxGapMs: gapMs,
    centroidWeight: opts.centroidWeight,
    timeScaleMs: opts.timeScale * gapMs,
  });
  // Indices follow (time, id) order, so sorting them numerically sorts articles chronologically.
  // A story in which a new development begins (burstOnset) is split only after its follow-ups
  // have joined it, so that they too are filed by the onset (splitAtOnset): before it, with the
  // event; after it, with the development only if they carry its new terms. Other stories split
  // first and take follow-ups by part.
  const developing = new Set<number>();
  const parts = groups.flatMap((g) => {
    if (opts.splitMinSize <= 0) return [g];
    const split = splitDevelopments(g, docs, timed, opts, scans, { deferOnset: true });
    if (split) return split;
    developing.add(g[0]!);
    return [g];
  });
  const attached = opts.attachMaxSize > 0 ? attachFollowUps(parts, corpus, pairs, gapMs, opts, topic && themeVotes(topic, docs)) : parts;
  const split = attached.flatMap((g) => (g.some((k) => developing.has(k)) ? splitDevelopments(g, docs, timed, opts, scans)! : [g]));
  const sorted = split.map((members) => members.sort((x, y) => x - y));
  sorted.sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  return sorted.map((members) => {
    const list = members.map((k) => docs[k]!);
    return { id: storyId(list[0]!.id), articles: list };
  });
}

function sumOf(members: number[], corpus: Corpus): SparseVector {
  // Accumulated in a map, not by repeated sparse additions: summing a whole week that way copies
  // the growing sum once per article (quadratic in the vocabulary).
  const acc = new Map<number, number>();
  for (const k of members) {
    const v = corpus.vectors[k]!;
    for (let t = 0; t < v.ids.length; t++) acc.set(v.ids[t]!, (acc.get(v.ids[t]!) ?? 0) + v.weights[t]!);
  }
  const ids = Int32Array.from(acc.keys()).sort();
  return { ids, weights: Float64Array.from(ids, (id) => acc.get(id)!) };
}

function localCorpus(
  members: number[],
  docs: Article[],
  timed: Array<{ time: number }>,
  opts: Required<ClusterOptions>,
  scans: Map<Article, ArticleScan>,
): Corpus {
  return buildCorpus(
    members.map((k) => docs[k]!),
    Float64Array.from(members, (k) => timed[k]!.time),
    { ...opts, maxDocFraction: 1 },
    scans,
  );
}

/**
 * One story per development: a week's big story often holds two events an editor keeps apart (the
 * tariffs imposed, then paused; the border orders, then the migrants stranded by them). Within the
 * story, terms every article shares (tariff, Trump, Mexico) weigh nothing, so re-clustering its
 * articles with the story's own term weights finds the developments by what sets them apart. Only
 * when two or more sizeable developments appear is the story split; the rest of its articles join
 * the development whose centroid they are closest to. A story in which a new development begins
 * at a clear onset (burstOnset) is split there instead (splitAtOnset); with deferOnset, such a
 * story is not split but reported (undefined), so that it can first take its follow-ups.
 */
function splitDevelopments(
  members: number[],
  docs: Article[],
  timed: Array<{ time: number }>,
  opts: Required<ClusterOptions>,
  scans: Map<Article, ArticleScan>,
  how: { deferOnset?: boolean; minShareOf?: number } = {},
): number[][] | undefined {
  if (members.length < opts.splitMinSize) return [members];
  members = [...members].sort((x, y) => x - y);
  const corpus = localCorpus(members, docs, timed, opts, scans);
  const minShareOf = how.minShareOf ?? members.length;
  const minSize = Math.max(opts.splitMinArticles, Math.ceil(opts.splitMinShare * minShareOf));
  const onset = opts.burstAlpha > 0 ? burstOnset(corpus, minSize, opts.burstAlpha) : undefined;
  if (onset && how.deferOnset) return undefined;
  if (onset) {
    // Each part may hold a development of its own; sizes stay measured against the whole story.
    const parts = splitAtOnset(corpus, onset, opts.splitMinShare, (k) => isBackgroundPiece(docs[members[k]!]!));
    return parts.flatMap((part) => splitDevelopments(part.map((k) => members[k]!), docs, timed, opts, scans, { minShareOf })!);
  }
  const gapMs = opts.maxGapHours * 3_600_000;
  const pairs = linkedPairs(corpus, opts.splitThreshold * opts.pairFactor, 2 * gapMs);
  const groups = agglomerate(corpus.vectors, corpus.times, corpus.strictness, pairs, {
    threshold: opts.splitThreshold,
    maxGapMs: gapMs,
    centroidWeight: opts.centroidWeight,
    timeScaleMs: opts.timeScale * gapMs,
  });
  const seeds = groups.filter((g) => g.length >= minSize);
  if (seeds.length < 2) return [members];
  const centroids = seeds.map((g) => sumOf(g, corpus));
  const out = seeds.map((g) => [...g]);
  for (const g of groups) {
    if (seeds.includes(g)) continue;
    for (const k of g) {
      let best = 0;
      let bestSim = -1;
      centroids.forEach((c, s) => {
        const sim = cosine(corpus.vectors[k]!, c) / Math.sqrt(squaredNorm(c));
        if (sim > bestSim) (bestSim = sim), (best = s);
      });
      out[best]!.push(k);
    }
  }
  return out.map((g) => g.map((k) => members[k]!));
}

/**
 * Where a new development begins: a term absent from the story's first articles and frequent from
 * some article on (the tariffs "paused", a "deal", a "verdict"). By chance, the c articles that
 * hold a term all come after the first f of n with probability C(n − f, c) / C(n, c); a term
 * whose arrival is that improbable (below alpha), with at least minSize articles before it and
 * carrying it, marks the onset. The least probable such term wins. Articles are in time order.
 */
function burstOnset(corpus: Corpus, minSize: number, alpha: number): { at: number; term: number } | undefined {
  const n = corpus.vectors.length;
  const first = new Map<number, number>();
  const count = new Map<number, number>();
  corpus.vectors.forEach((v, k) => {
    for (const id of v.ids) {
      if (!first.has(id)) first.set(id, k);
      count.set(id, (count.get(id) ?? 0) + 1);
    }
  });
  let best: { at: number; term: number; p: number } | undefined;
  for (const [term, at] of first) {
    const c = count.get(term)!;
    if (at < minSize || c < minSize) continue;
    let p = 1;
    for (let k = 0; k < c; k++) p *= (n - at - k) / (n - k);
    if (p < alpha && (!best || p < best.p || (p === best.p && at < best.at))) best = { at, term, p };
  }
  return best;
}

/**
 * Splits a story at a development's onset. What came before stays with the original event: an
 * article cannot belong to a development that had not begun. The articles carrying the onset term
 * form the development, and its distinctive terms are the new ones (absent before the onset) that
 * at least two of its articles use, and a share minShare of them. A later article carrying one of
 * them, and closer to the development than to the event (centroid cosine with the story's own
 * weights), reports the new turn and joins it. Of the other later articles, a background piece
 * (an explainer of the measure, its markets, prices or jobs: isBackgroundPiece) stays with the
 * event it explains, however late it runs; a reaction or analysis is about the news of its day,
 * which is now the development (where things stand now, who came out ahead).
 */
function splitAtOnset(corpus: Corpus, onset: { at: number; term: number }, minShare: number, background: (k: number) => boolean): number[][] {
  const n = corpus.vectors.length;
  const before = Array.from({ length: onset.at }, (_, k) => k);
  const seen = new Set<number>();
  for (const k of before) for (const id of corpus.vectors[k]!.ids) seen.add(id);
  const core: number[] = [];
  const rest: number[] = [];
  for (let k = onset.at; k < n; k++) (corpus.vectors[k]!.ids.includes(onset.term) ? core : rest).push(k);
  const uses = new Map<number, number>();
  for (const k of core) for (const id of corpus.vectors[k]!.ids) if (!seen.has(id)) uses.set(id, (uses.get(id) ?? 0) + 1);
  // Used by two of its reports at least, and by as large a share of them as makes a development
  // sizeable: in a development of forty reports, a word two of them happen to use is incidental.
  const minUses = Math.max(2, Math.ceil(minShare * core.length));
  const out = [before, core];
  const centroids = [sumOf(before, corpus), sumOf(core, corpus)];
  const closeness = (k: number, c: SparseVector): number => cosine(corpus.vectors[k]!, c) / (Math.sqrt(squaredNorm(c)) || 1);
  for (const k of rest) {
    const carries = corpus.vectors[k]!.ids.some((id) => (uses.get(id) ?? 0) >= minUses);
    const toTurn = closeness(k, centroids[1]!);
    const toEvent = closeness(k, centroids[0]!);
    const reportsTurn = carries && toTurn > toEvent;
    // A piece far closer to the event than to the turn is about the event, whatever its genre;
    // half as close is what a reaction to the turn, told in the event's words, still reaches.
    const discussesTurn = !background(k) && toTurn >= TURN_AFFINITY * toEvent;
    out[reportsTurn || discussesTurn ? 1 : 0]!.push(k);
  }
  return out;
}

/**
 * A lone explainer, market reaction or reply rarely repeats the event's words closely enough to
 * pass the merge threshold, yet an editor files it under the event. Each small story (at most
 * attachMaxSize articles) joins the bigger story running at the time whose centroid it is closest
 * to, when that closeness, discounted by
 * time like any merge, reaches threshold × attachFactor. Pairs go first, then lone articles, which
 * then meet the stories as the pairs left them. A story runs from a sixth of the gap before its
 * first article to as long after its last as it has already run (at least a sixth of the gap, at
 * most the gap): a one-off event is over within hours, while replies and reactions to a story
 * reported for a day and a half still come the next day. Until a day after its last report, a
 * piece as close as the merge threshold itself (the next day's analysis) still joins.
 */
/** Each article's theme scores (themeScores of it alone), scanned once, on first use. */
interface ThemeVotes {
  topic: TopicConfig;
  /** A group's scores: the sum of its articles' own (themeScores adds up per article). */
  scoresOf(group: number[]): number[];
}

function themeVotes(topic: TopicConfig, docs: Article[]): ThemeVotes {
  const cache = new Map<number, number[]>();
  const one = (k: number): number[] => {
    let scores = cache.get(k);
    if (!scores) cache.set(k, (scores = themeScores([docs[k]!], topic)));
    return scores;
  };
  return {
    topic,
    scoresOf(group) {
      const sum = topic.themes.map(() => 0);
      for (const k of group) one(k).forEach((x, i) => (sum[i]! += x));
      return sum;
    },
  };
}

function attachFollowUps(
  groups: number[][],
  corpus: Corpus,
  pairs: Array<[number, number, number]>,
  gapMs: number,
  opts: Required<ClusterOptions>,
  themes?: ThemeVotes,
): number[][] {
  // Only stories linked to the follow-up by a candidate pair are compared: a 20,000-article week
  // must not compare every lone article with every story.
  const neighbours = new Map<number, number[]>();
  const link = (i: number, j: number): void => {
    const list = neighbours.get(i);
    if (list) list.push(j);
    else neighbours.set(i, [j]);
  };
  for (const [, i, j] of pairs) link(i, j), link(j, i);
  // Largest follow-ups first, each joining a story bigger than itself: a lone article may join a
  // pair of reports that did not join anything bigger.
  let out = groups;
  for (let size = opts.attachMaxSize; size >= 1; size--) out = attachOfSize(out, size, corpus, neighbours, gapMs, opts, themes);
  return out;
}

function attachOfSize(
  groups: number[][],
  size: number,
  corpus: Corpus,
  neighbours: Map<number, number[]>,
  gapMs: number,
  opts: Required<ClusterOptions>,
  themes?: ThemeVotes,
): number[][] {
  const big = groups.filter((g) => g.length > size).map((g) => [...g]);
  if (big.length === 0) return groups;
  const bigOf = new Int32Array(corpus.vectors.length).fill(-1);
  big.forEach((g, b) => g.forEach((k) => (bigOf[k] = b)));
  const sums = big.map((g) => sumOf(g, corpus));
  const norms = sums.map((v) => Math.sqrt(squaredNorm(v)) || 1);
  const meanTimes = big.map((g) => g.reduce((t, k) => t + corpus.times[k]!, 0) / g.length);
  const spans = big.map((g) => [Math.min(...g.map((k) => corpus.times[k]!)), Math.max(...g.map((k) => corpus.times[k]!))] as const);
  // Each story's theme (its digest section), as an index into topic.themes (-1: the catch-all),
  // worked out when a follow-up first meets the story, from its articles' own theme scores.
  const storyThemes = new Map<number, number>();
  const storyTheme = (b: number): number => {
    let theme = storyThemes.get(b);
    if (theme === undefined) {
      const id = themeOfScores(themes!.scoresOf(big[b]!), themes!.topic);
      theme = themes!.topic.themes.findIndex((t) => t.id === id);
      storyThemes.set(b, theme);
    }
    return theme;
  };
  const out = [...big];
  for (const g of groups) {
    if (g.length > size) continue;
    if (g.length < size) {
      out.push(g);
      continue;
    }
    const scores = themes ? themes.scoresOf(g) : [];
    const topScore = Math.max(0, ...scores);
    const sum = sumOf(g, corpus);
    const norm = Math.sqrt(squaredNorm(sum)) || 1;
    const t = g.reduce((x, k) => x + corpus.times[k]!, 0) / g.length;
    const strictness = g.reduce((x, k) => x + corpus.strictness[k]!, 0) / g.length;
    let best = -1;
    let bestSim = -Infinity;
    const linked = new Set<number>();
    for (const k of g) for (const j of neighbours.get(k) ?? []) if (bigOf[j]! >= 0) linked.add(bigOf[j]!);
    [...linked].sort((x, y) => x - y).forEach((b) => {
      const [start, end] = spans[b]!;
      // A follow-up comes while its story runs: a piece half a day before a story, or half a day
      // after one told in a few hours, is another development; a story that has run for a day and
      // a half still draws replies a day after its last report.
      const runsUntil = end + Math.min(gapMs, Math.max(gapMs / 6, end - start));
      // The next day's analysis of a story told in a few hours still belongs to it, but only when it
      // is as close as a merge requires: another event on the same subject, hours after the story
      // ended (steel tariffs after a tariff threat), is not.
      if (t < start - gapMs / 6 || t > Math.max(runsUntil, end + gapMs / 3)) return;
      const bar = t > runsUntil ? opts.threshold : opts.threshold * opts.attachFactor;
      // An editor files a follow-up under an event only if it is about the event's subject: a
      // piece that, themed alone, would go to another section (cartels designated terrorists,
      // next to the day's border orders) is another story, however many of the day's words it
      // shares. It must mention the story's theme, and no other theme more.
      const theme = themes ? storyTheme(b) : -1;
      if (theme >= 0 && !(scores[theme]! > 0 && scores[theme]! >= topScore)) return;
      const decay = opts.timeScale > 0 ? 1 + Math.abs(t - meanTimes[b]!) / (opts.timeScale * gapMs) : 1;
      const sim = cosine(sum, sums[b]!) / norm / norms[b]! / decay / strictness;
      if (sim >= bar && sim >= bestSim) (bestSim = sim), (best = b);
    });
    if (best >= 0) big[best]!.push(...g);
    else out.push(g);
  }
  return out;
}

export interface PreviousStory {
  id: string;
  articleIds: string[];
  /** clusterTerms() of the story when it ran; lets a story continue with all-new articles. */
  terms?: string[];
}

/** The terms most articles of a story share, names first; stored so next week can recognise it. */
export function clusterTerms(articles: Article[], limit = 12): string[] {
  const docs = new Map<string, number>();
  const named = new Set<string>();
  for (const article of articles) {
    const scan = scanText(`${article.title}\n\n${article.summary}`);
    for (const token of new Set(scan.tokens)) docs.set(token, (docs.get(token) ?? 0) + 1);
    scan.tokens.forEach((token, k) => scan.kinds[k] === NAMED && named.add(token));
  }
  const score = (t: string): number => docs.get(t)! * (named.has(t) ? 3 : 1);
  return [...docs.keys()]
    .sort((a, b) => score(b) - score(a) || (a < b ? -1 : 1))
    .slice(0, limit);
}

/**
 * Which clusters continue a story from an earlier digest: the one sharing the most articles with
 * it, else (when terms were stored) one whose terms overlap by at least `minTermOverlap`. Each
 * earlier story goes to at most one cluster, so two stories never end up with the same id.
 */
export function matchPreviousStories(
  clusters: StoryCluster[],
  previous: PreviousStory[],
  opts: { minTermOverlap?: number } = {},
): Map<string, string> {
  const minOverlap = opts.minTermOverlap ?? 0.5;
  const owner = new Map<string, number>();
  previous.forEach((p, k) => p.articleIds.forEach((id) => owner.has(id) || owner.set(id, k)));
  const byArticles: Array<[number, number, number]> = [];
  clusters.forEach((cluster, c) => {
    const shared = new Map<number, number>();
    for (const a of cluster.articles) {
      const k = owner.get(a.id);
      if (k !== undefined) shared.set(k, (shared.get(k) ?? 0) + 1);
    }
    // A cluster already carrying the story's id keeps it, or another cluster would inherit a duplicate.
    for (const [k, count] of shared) byArticles.push([previous[k]!.id === cluster.id ? Number.MAX_SAFE_INTEGER : count, c, k]);
  });
  const result = new Map<string, string>();
  const usedPrevious = new Set<number>();
  const assign = (candidates: Array<[number, number, number]>): void => {
    candidates.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
    for (const [, c, k] of candidates) {
      const cluster = clusters[c]!;
      if (result.has(cluster.id) || usedPrevious.has(k)) continue;
      result.set(cluster.id, previous[k]!.id);
      usedPrevious.add(k);
    }
  };
  assign(byArticles);
  const byTerms: Array<[number, number, number]> = [];
  clusters.forEach((cluster, c) => {
    if (result.has(cluster.id)) return;
    const terms = new Set(clusterTerms(cluster.articles));
    previous.forEach((p, k) => {
      if (usedPrevious.has(k) || !p.terms || p.terms.length === 0) return;
      const shared = p.terms.filter((t) => terms.has(t)).length;
      const overlap = shared / Math.min(terms.size, p.terms.length);
      if (shared >= 3 && overlap >= minOverlap) byTerms.push([overlap, c, k]);
    });
  });
  assign(byTerms);
  return result;
}
