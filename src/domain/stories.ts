import { createHash } from 'node:crypto';
import type { Article } from './model.ts';
import { STOPWORDS } from './terms.ts';
import { agglomerate, type SparseVector } from './story-linkage.ts';

/**
 * Groups articles about one event across outlets and languages. Articles become TF-IDF vectors
 * (title terms and name-like terms boosted, so an English and a Spanish report of one arrest meet
 * through "Zambada", "Culiacán", "CJNG", "43"); candidate pairs come from an inverted index over
 * rare terms only, so the cost grows with the number of related pairs, not with n²; clusters are
 * then merged by group-average linkage, which unlike single-link does not chain one story into
 * the next through a shared word.
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
}

export const CLUSTER_DEFAULTS: Required<ClusterOptions> = {
  maxGapHours: 72,
  threshold: 0.2,
  maxDocFraction: 0.03,
  titleBoost: 2,
  entityBoost: 2.5,
};

// Small collections still need a usable index: a term in 20 of 50 articles is not "common".
const MIN_DF_CAP = 20;
// Each article is indexed and probed by its heaviest rare terms only, so every posting list
// holds at most n·K entries in total and candidate generation stays near-linear.
const SIGNATURE_TERMS = 10;
// …and meets, per term, only the next few articles that share it. A story of 500 articles then
// yields a connected web of links instead of all 125,000 pairs; the group averages stay exact
// because they come from vector sums, not from the links.
const NEIGHBOURS_PER_TERM = 24;

interface ScannedText {
  tokens: string[];
  /** Tokens written with a capital inside a sentence, as acronyms, or numbers. */
  named: Set<string>;
  lower: Set<string>;
}

/** A stable id for a story, from the id of its earliest article. */
export function storyId(earliestArticleId: string): string {
  return 's_' + createHash('sha256').update(earliestArticleId).digest('hex').slice(0, 16);
}

export function articleTime(article: Article): number {
  const t = Date.parse(article.publishedAt);
  if (Number.isFinite(t)) return t;
  const fetched = Date.parse(article.fetchedAt);
  return Number.isFinite(fetched) ? fetched : 0;
}

/** Chronological, then by id: the order every output of this module follows. */
export function compareArticles(a: Article, b: Article): number {
  return articleTime(a) - articleTime(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Folds like foldText, word by word, remembering how each word was written. Headlines in Title
 * Case say nothing about names, so there only acronyms and numbers count as named.
 */
export function scanText(text: string, out: ScannedText = { tokens: [], named: new Set(), lower: new Set() }): ScannedText {
  // "1,500" and "1.500" are one number in English and Spanish; drop thousands separators first.
  const plain = text.replace(/(\d)[.,](?=\d{3}(?!\d))/g, '$1').normalize('NFD').replace(/\p{M}+/gu, '');
  const parts = plain.split(/([^\p{L}\p{N}]+)/u);
  let capitalised = 0;
  let long = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i] ?? '';
    if (word.length < 4) continue;
    long++;
    if (word[0] !== word[0]!.toLowerCase()) capitalised++;
  }
  const titleCase = long >= 3 && capitalised / long >= 0.7;
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i] ?? '';
    const token = word.toLowerCase();
    if (token.length < 2 || STOPWORDS.has(token)) continue;
    const digits = /^\d+$/.test(token);
    if (digits && token.length < 2) continue;
    out.tokens.push(token);
    if (digits) {
      out.named.add(token);
      continue;
    }
    const separator = i === 0 ? '.' : (parts[i - 1] ?? '');
    const sentenceStart = /[.!?:¿¡"“«]/.test(separator);
    if (word === word.toUpperCase() && word !== token && !titleCase) out.named.add(token);
    else if (word[0] !== token[0]) {
      if (!sentenceStart && !titleCase) out.named.add(token);
    } else out.lower.add(token);
  }
  return out;
}

interface Corpus {
  vectors: SparseVector[];
  /** Per article, the term ids it is indexed and probed by. */
  signatures: Int32Array[];
  postings: Int32Array[];
  times: Float64Array;
}

function buildCorpus(docs: Article[], opts: Required<ClusterOptions>): Corpus {
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  const namedDocs: number[] = [];
  const lowerDocs: number[] = [];
  const idOf = (token: string): number => {
    let id = vocabulary.get(token);
    if (id === undefined) {
      id = vocabulary.size;
      vocabulary.set(token, id);
      df.push(0);
      namedDocs.push(0);
      lowerDocs.push(0);
    }
    return id;
  };
  const counts = docs.map((article) => {
    const title = scanText(article.title);
    // The summary scan adds to the title's name sets but keeps its own token list.
    const body = scanText(article.summary, { tokens: [], named: title.named, lower: title.lower });
    const tf = new Map<number, number>();
    const add = (token: string, by: number): void => {
      const id = idOf(token);
      tf.set(id, (tf.get(id) ?? 0) + by);
    };
    for (const token of title.tokens) add(token, opts.titleBoost);
    for (const token of body.tokens) add(token, 1);
    for (const id of tf.keys()) df[id]!++;
    for (const token of body.named) namedDocs[idOf(token)]!++;
    for (const token of body.lower) lowerDocs[idOf(token)]!++;
    return tf;
  });
  const n = docs.length;
  // A token is a name when the corpus writes it capitalised more often than not ("Sinaloa", not "Police").
  const boost = namedDocs.map((named, id) => (named > 0 && named >= lowerDocs[id]! ? opts.entityBoost : 1));
  const vectors = counts.map((tf): SparseVector => {
    const ids = [...tf.keys()].sort((a, b) => a - b);
    const weights = new Float64Array(ids.length);
    let norm = 0;
    ids.forEach((id, k) => {
      const w = (1 + Math.log(tf.get(id)!)) * Math.log(1 + n / df[id]!) * boost[id]!;
      weights[k] = w;
      norm += w * w;
    });
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < weights.length; k++) weights[k]! /= norm;
    return { ids: Int32Array.from(ids), weights };
  });
  const cap = Math.max(MIN_DF_CAP, Math.ceil(opts.maxDocFraction * n));
  const signatures = vectors.map((v) => {
    const rare: number[] = [];
    v.ids.forEach((id, k) => df[id]! > 1 && df[id]! <= cap && rare.push(k));
    rare.sort((x, y) => v.weights[y]! - v.weights[x]! || x - y);
    return Int32Array.from(rare.slice(0, SIGNATURE_TERMS), (k) => v.ids[k]!);
  });
  const lists: number[][] = df.map(() => []);
  signatures.forEach((terms, doc) => terms.forEach((id) => lists[id]!.push(doc)));
  return {
    vectors,
    signatures,
    postings: lists.map((l) => Int32Array.from(l)),
    times: Float64Array.from(docs, articleTime),
  };
}

export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) dot += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return dot;
}

/**
 * Pairs of articles that share a rare term, published close enough to be in one story, with
 * cosine ≥ threshold. Only those can start a merge: a group average ≥ t needs some pair ≥ t.
 */
function linkedPairs(corpus: Corpus, threshold: number, windowMs: number): Array<[number, number, number]> {
  const { vectors, signatures, postings, times } = corpus;
  const seen = new Int32Array(vectors.length).fill(-1);
  const pairs: Array<[number, number, number]> = [];
  const cursor = postings.map(() => 0);
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    for (const term of signatures[i]!) {
      const list = postings[term]!;
      // Documents arrive in time order, so each posting list is walked forward once overall.
      while (cursor[term]! < list.length && list[cursor[term]!]! <= i) cursor[term]!++;
      const stop = Math.min(list.length, cursor[term]! + NEIGHBOURS_PER_TERM);
      for (let k = cursor[term]!; k < stop; k++) {
        const j = list[k]!;
        if (times[j]! - times[i]! > windowMs) break;
        if (seen[j] === i) continue;
        seen[j] = i;
        const sim = cosine(v, vectors[j]!);
        if (sim >= threshold) pairs.push([sim, i, j]);
      }
    }
  }
  return pairs;
}

export function clusterStories(articles: Article[], options: ClusterOptions = {}): StoryCluster[] {
  const opts = { ...CLUSTER_DEFAULTS, ...options };
  const byId = new Map<string, Article>();
  for (const a of articles) if (!byId.has(a.id)) byId.set(a.id, a);
  const docs = [...byId.values()].sort(compareArticles);
  if (docs.length === 0) return [];
  let T=performance.now();
  const corpus = buildCorpus(docs, opts);
  console.log('corpus',(performance.now()-T).toFixed(0));T=performance.now();
  const gapMs = opts.maxGapHours * 3_600_000;
  // Pairs further apart than two gaps can only meet through articles in between.
  const pairs = linkedPairs(corpus, opts.threshold, 2 * gapMs);
  console.log('pairs',pairs.length,(performance.now()-T).toFixed(0));T=performance.now();
  const groups = agglomerate(corpus.vectors, corpus.times, pairs, { threshold: opts.threshold, maxGapMs: gapMs });
  console.log('agg',(performance.now()-T).toFixed(0));
  const clusters = groups.map((members) => {
    const list = members.map((k) => docs[k]!).sort(compareArticles);
    return { id: storyId(list[0]!.id), articles: list };
  });
  return clusters.sort(
    (a, b) => b.articles.length - a.articles.length || compareArticles(a.articles[0]!, b.articles[0]!),
  );
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
    const scan = scanText(`${article.title}\n${article.summary}`);
    for (const token of new Set(scan.tokens)) docs.set(token, (docs.get(token) ?? 0) + 1);
    for (const token of scan.named) named.add(token);
  }
  const score = (t: string): number => docs.get(t)! * (named.has(t) ? 2 : 1);
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
  const minOverlap = opts.minTermOverlap ?? 0.6;
  const owner = new Map<string, number>();
  previous.forEach((p, k) => p.articleIds.forEach((id) => owner.has(id) || owner.set(id, k)));
  const byArticles: Array<[number, number, number]> = [];
  clusters.forEach((cluster, c) => {
    const shared = new Map<number, number>();
    for (const a of cluster.articles) {
      const k = owner.get(a.id);
      if (k !== undefined) shared.set(k, (shared.get(k) ?? 0) + 1);
    }
    for (const [k, count] of shared) byArticles.push([count, c, k]);
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
