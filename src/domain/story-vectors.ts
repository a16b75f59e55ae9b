import type { Article } from './model.ts';
import type { SparseVector } from './story-linkage.ts';
import { canonicalWord, CONCEPTS, normalizeNumbers } from './lexicon.ts';
import { STOPWORDS } from './terms.ts';

/**
 * Articles as TF-IDF vectors for story clustering. Title terms count more (the headline states the
 * event); terms the corpus writes as names (Sinaloa, CJNG, Zambada, Culiacán) and numbers count
 * more too, because across languages they are what an English and a Spanish report share.
 * Each article also gets a short signature of its heaviest rare terms for the candidate index.
 */

export interface VectorOptions {
  maxDocFraction: number;
  titleBoost: number;
  entityBoost: number;
  conceptBoost?: number;
  maxStrictness?: number;
  strictFrom?: number;
}

// Small collections still need a usable index: a term in 20 of 50 articles is not "common".
const MIN_DF_CAP = 20;
// Content terms of a typical headline, and the cap on how much stricter a long text is judged.
const HEADLINE_TERMS = 8;
const MAX_STRICTNESS = 2;
// Each article is indexed and probed by its heaviest rare terms only, so every posting list
// holds at most n·K entries in total and candidate generation stays near-linear.
const SIGNATURE_TERMS = 8;

// In a headline a day of the week names an edition, not the event: newsletters and live pages put
// it in every title ("Monday Briefing", "Tuesday Briefing"), which would link one outlet's editions
// about different events. In a summary it stays: reports of one event say on which day it happened.
const WEEKDAYS: ReadonlySet<string> = new Set(
  'monday tuesday wednesday thursday friday saturday sunday lunes martes miercoles jueves viernes sabado domingo'.split(' '),
);

const LOWER = 0;
export const NAMED = 1;
const UNKNOWN = 2;

export interface ScannedText {
  tokens: string[];
  /** Per token: NAMED (capitalised inside a sentence, an acronym, a number), LOWER, or UNKNOWN. */
  kinds: number[];
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
 * Folds like foldText (and drops what tokenize drops, except 2–3 digit numbers, which are names
 * here: "43 students"), word by word, remembering how each word was written. Headlines in Title
 * Case say nothing about names, so there only acronyms and numbers count as named.
 */
export function scanText(text: string): ScannedText {
  // "1,500" and "1.500" are one number in English and Spanish; drop thousands separators first.
  const plain = normalizeNumbers(text.replace(/(\d)[.,](?=\d{3}(?!\d))/g, '$1')).normalize('NFD').replace(/\p{M}+/gu, '');
  const parts = plain.split(/([^\p{L}\p{N}]+)/u);
  let capitalised = 0;
  let upper = 0;
  let long = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i]!;
    if (word.length < 4) continue;
    long++;
    if (word[0] !== word[0]!.toLowerCase()) capitalised++;
    if (word === word.toUpperCase()) upper++;
  }
  const titleCase = long >= 3 && capitalised / long >= 0.7;
  const shouting = long >= 2 && upper / long >= 0.7;
  const out: ScannedText = { tokens: [], kinds: [] };
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i]!;
    const token = word.toLowerCase();
    if (token.length < 2 || STOPWORDS.has(token)) continue;
    // Kinds below compare the word with its lower-case form; only the stored token is canonical.
    out.tokens.push(canonicalWord(token));
    const first = token.charCodeAt(0);
    if (first >= 48 && first <= 57 && /^\d+$/.test(token)) out.kinds.push(NAMED);
    else if (word === token) out.kinds.push(LOWER);
    else if (word === word.toUpperCase() && !shouting) out.kinds.push(NAMED);
    else if (titleCase || shouting || i === 0 || /[.!?:¿¡"“«]/.test(parts[i - 1]!)) out.kinds.push(UNKNOWN);
    else out.kinds.push(word[0] !== token[0] ? NAMED : LOWER);
  }
  return out;
}

export interface Corpus {
  vectors: SparseVector[];
  /** Per article, the terms (and weights) it is indexed and probed by. */
  signatures: SparseVector[];
  /** Per term, the articles whose signature holds it (ids are article indices, in time order). */
  postings: SparseVector[];
  times: Float64Array;
  /**
   * Per article, how much stricter its links must be: 1 for a headline alone, up to
   * MAX_STRICTNESS for a headline with a summary. Longer texts share more of the beat's everyday
   * words (Culiacán, Sinaloa, killed, cartel) with unrelated reports, so the same cosine says less.
   */
  strictness: Float64Array;
}

/** An article's scanned title (weekday names dropped; undefined for a template title) and summary. */
export type ArticleScan = { title: ScannedText | undefined; summary: ScannedText };

export function scanArticle(article: Article): ArticleScan {
  // A title of one content word once dates are dropped is a template (a newsletter's name, "Live
  // updates"), not a headline: the summary alone says what the article is about.
  const scanned = scanText(article.title);
  const keep = scanned.tokens.map((token) => !WEEKDAYS.has(token));
  const title = { tokens: scanned.tokens.filter((_, k) => keep[k]), kinds: scanned.kinds.filter((_, k) => keep[k]) };
  return { title: title.tokens.length > 1 ? title : undefined, summary: scanText(article.summary) };
}

/**
 * `scans`, when given, holds each article's scan (scanArticle) for reuse: a story's own corpus
 * (re-clustering, development onsets) is built from the same articles again.
 */
export function buildCorpus(docs: Article[], times: Float64Array, opts: VectorOptions, scans?: Map<Article, ArticleScan>): Corpus {
  const vocabulary = new Map<string, number>();
  // Per term id: document frequency, documents writing it as a name / in lower case, and the
  // last document that touched each counter (so one pass needs no per-document sets).
  const df: number[] = [];
  const named: number[] = [];
  const lower: number[] = [];
  const seenIn: number[] = [];
  const namedIn: number[] = [];
  const lowerIn: number[] = [];
  const tf: number[] = [];
  const docTerms = docs.map((article, d) => {
    const ids: number[] = [];
    const add = (scan: ScannedText, by: number): void => {
      scan.tokens.forEach((token, k) => {
        let id = vocabulary.get(token);
        if (id === undefined) {
          id = vocabulary.size;
          vocabulary.set(token, id);
          df.push(0), named.push(0), lower.push(0), seenIn.push(-1), namedIn.push(-1), lowerIn.push(-1), tf.push(0);
        }
        if (seenIn[id] !== d) {
          seenIn[id] = d;
          tf[id] = 0;
          df[id]!++;
          ids.push(id);
        }
        tf[id]! += by;
        const kind = scan.kinds[k];
        if (kind === NAMED && namedIn[id] !== d) (namedIn[id] = d), named[id]!++;
        else if (kind === LOWER && lowerIn[id] !== d) (lowerIn[id] = d), lower[id]!++;
      });
    };
    let scan = scans?.get(article);
    if (!scan) {
      scan = scanArticle(article);
      scans?.set(article, scan);
    }
    if (scan.title) add(scan.title, opts.titleBoost);
    add(scan.summary, 1);
    ids.sort((a, b) => a - b);
    return { ids: Int32Array.from(ids), weights: Float64Array.from(ids, (id) => tf[id]!) };
  });
  const n = docs.length;
  // A token is a name when the corpus writes it capitalised more often than not ("Sinaloa", not "Police").
  const conceptIds = new Set<number>();
  for (const [token, id] of vocabulary) if (CONCEPTS.has(token)) conceptIds.add(id);
  const boost = named.map((count, id) => (count > 0 && count >= lower[id]! ? opts.entityBoost : 1) * (conceptIds.has(id) ? (opts.conceptBoost ?? 1) : 1));
  const vectors = docTerms.map(({ ids, weights }): SparseVector => {
    let norm = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const w = (1 + Math.log(weights[k]!)) * Math.log(1 + n / df[id]!) * boost[id]!;
      weights[k] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < weights.length; k++) weights[k]! /= norm;
    return { ids, weights };
  });
  const cap = Math.max(MIN_DF_CAP, Math.ceil(opts.maxDocFraction * n));
  const signatures = vectors.map((v): SparseVector => {
    const rare: number[] = [];
    v.ids.forEach((id, k) => df[id]! > 1 && df[id]! <= cap && rare.push(k));
    rare.sort((x, y) => v.weights[y]! - v.weights[x]! || x - y);
    const top = rare.slice(0, SIGNATURE_TERMS);
    return { ids: Int32Array.from(top, (k) => v.ids[k]!), weights: Float64Array.from(top, (k) => v.weights[k]!) };
  });
  const docsOf: number[][] = df.map(() => []);
  const weightsOf: number[][] = df.map(() => []);
  signatures.forEach((sig, doc) =>
    sig.ids.forEach((id, k) => {
      docsOf[id]!.push(doc);
      weightsOf[id]!.push(sig.weights[k]!);
    }),
  );
  return {
    vectors,
    signatures,
    postings: docsOf.map((list, id) => ({ ids: Int32Array.from(list), weights: Float64Array.from(weightsOf[id]!) })),
    times,
    strictness: Float64Array.from(vectors, (v) => Math.min(opts.maxStrictness ?? MAX_STRICTNESS, Math.sqrt(Math.max(1, v.ids.length / (opts.strictFrom ?? HEADLINE_TERMS))))),
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

/** The sum of two sparse vectors (not normalised): a story's running total of its articles. */
export function addSparse(a: SparseVector, b: SparseVector): SparseVector {
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

export function squaredNorm(v: SparseVector): number {
  let total = 0;
  for (let k = 0; k < v.weights.length; k++) total += v.weights[k]! * v.weights[k]!;
  return total;
}
