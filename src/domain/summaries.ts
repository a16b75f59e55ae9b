import { cleanHeadline } from './articles.ts';
import type { Article, Language, SummarySentence } from './model.ts';
import { splitSentences } from './sentences.ts';
import { compareArticles } from './stories.ts';
import { tokenize } from './terms.ts';

/**
 * Extractive story summaries: sentences are copied from the articles' own summaries, never
 * rewritten, so every claim in the digest can be traced to an outlet. Centrality is LexRank over
 * TF-IDF cosine with a lead-position prior (news puts the facts first); MMR then avoids picking
 * two sentences that say the same thing, which wire copies and rewrites make very likely.
 */

export interface SummaryOptions {
  maxSentences?: number;
  maxWords?: number;
}

export interface StorySummary {
  headline: string;
  language: Language;
  sentences: SummarySentence[];
}

type Vector = Map<string, number>;
type Source = SummarySentence['sources'][number];

const SUPPORT_COSINE = 0.5;
const HEADLINE_REPEAT_COSINE = 0.8;
const REDUNDANT_COSINE = 0.4;
const MMR_LAMBDA = 0.6;
const DAMPING = 0.85;
const MIN_WORDS = 5;
// Bound the O(n²) similarity matrix for very big stories; the lead sentences matter most anyway.
const MAX_SENTENCES_PER_ARTICLE = 4;
const MAX_CANDIDATES = 150;

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function vectorize(docs: string[][]): Vector[] {
  const df = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  return docs.map((doc) => {
    const tf = new Map<string, number>();
    for (const t of doc) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v: Vector = new Map();
    let norm = 0;
    for (const [t, n] of tf) {
      const w = (1 + Math.log(n)) * Math.log(1 + docs.length / df.get(t)!);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
}

function majorityLanguage(articles: Article[]): Language {
  let es = 0;
  let en = 0;
  for (const a of articles) {
    // Wire copies reach more readers in their language, so they weigh by outlets carried.
    if (a.language === 'es') es += a.sources.length;
    else en += a.sources.length;
  }
  return es > en ? 'es' : 'en';
}

function sourcesOf(article: Article): Source[] {
  return article.sources.map((s) => ({ articleId: article.id, outlet: s.outlet, url: s.url }));
}

/** The source article's outlets first, then other supporting articles', one entry per outlet. */
function mergeSources(lists: Source[][]): Source[] {
  const seen = new Set<string>();
  const out: Source[] = [];
  for (const list of lists) {
    for (const s of list) {
      if (seen.has(s.outlet)) continue;
      seen.add(s.outlet);
      out.push(s);
    }
  }
  return out;
}

/** Personalised PageRank over the similarity graph, teleporting by the lead-position prior. */
function lexRank(sim: number[][], prior: number[]): number[] {
  const n = prior.length;
  const rowSums = sim.map((row) => row.reduce((s, x) => s + x, 0));
  let rank = [...prior];
  for (let iter = 0; iter < 40; iter++) {
    const next = prior.map((p) => (1 - DAMPING) * p);
    for (let i = 0; i < n; i++) {
      const spread = rowSums[i]! > 0 ? rank[i]! / rowSums[i]! : 0;
      if (spread === 0) next[i]! += DAMPING * rank[i]!;
      else for (let j = 0; j < n; j++) next[j]! += DAMPING * spread * sim[i]![j]!;
    }
    rank = next;
  }
  return rank;
}

interface Candidate {
  text: string;
  article: number;
  position: number;
  words: number;
  /** Index of its vector among all sentences. */
  vector: number;
}

export function summarizeStory(input: Article[], opts: SummaryOptions = {}): StorySummary {
  if (input.length === 0) throw new Error('summarizeStory needs at least one article');
  // Chronological order makes every tie (headline, candidates, sources) independent of the input order.
  const articles = [...input].sort(compareArticles);
  const maxSentences = opts.maxSentences ?? 3;
  const maxWords = opts.maxWords ?? 70;
  const language = majorityLanguage(articles);
  const own = articles.filter((a) => a.language === language);

  const articleVectors = vectorize(articles.map((a) => tokenize(`${a.title} ${a.summary}`)));
  const titleVectors = vectorize(articles.map((a) => tokenize(cleanHeadline(a.title))));
  // Headline: the title closest to the rest of the coverage, from the story's language.
  let best = articles.indexOf(own[0]!);
  let bestScore = -1;
  articles.forEach((a, i) => {
    if (a.language !== language) return;
    let total = 0;
    articles.forEach((_, j) => j !== i && (total += cosine(titleVectors[i]!, articleVectors[j]!)));
    const score = total / Math.max(1, articles.length - 1) + 1e-3 * a.sources.length;
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  const headline = cleanHeadline(articles[best]!.title);

  // Every sentence of every article, in one TF-IDF space, so support can be checked across articles.
  const all: Array<{ text: string; article: number; position: number }> = [];
  articles.forEach((a, i) => splitSentences(a.summary).forEach((text, position) => all.push({ text, article: i, position })));
  const vectors = vectorize([
    ...all.map((x) => tokenize(x.text)),
    ...articles.map((a) => tokenize(cleanHeadline(a.title))),
    tokenize(headline),
  ]);
  const headlineVector = vectors.pop()!;
  const ownTitles = vectors.splice(all.length);

  const candidates: Candidate[] = [];
  const seenText = new Set<string>();
  all.forEach((x, k) => {
    if (articles[x.article]!.language !== language || x.position >= MAX_SENTENCES_PER_ARTICLE) return;
    const n = words(x.text);
    // A wire copy repeats the same sentences; the first article keeps them, support adds the rest.
    if (n < MIN_WORDS || n > maxWords || seenText.has(x.text)) return;
    // Feeds often open the summary with the title again; it adds nothing under the headline.
    if (cosine(vectors[k]!, headlineVector) >= HEADLINE_REPEAT_COSINE) return;
    if (cosine(vectors[k]!, ownTitles[x.article]!) >= HEADLINE_REPEAT_COSINE) return;
    seenText.add(x.text);
    candidates.push({ text: x.text, article: x.article, position: x.position, words: n, vector: k });
  });
  candidates.splice(MAX_CANDIDATES);

  const sim = candidates.map((a, i) => candidates.map((b, j) => (i === j ? 0 : cosine(vectors[a.vector]!, vectors[b.vector]!))));
  const priorRaw = candidates.map((c) => 1 / (1 + c.position));
  const priorSum = priorRaw.reduce((sum, x) => sum + x, 0) || 1;
  const rank = lexRank(sim, priorRaw.map((p) => p / priorSum));
  const top = Math.max(...rank, 1e-12);

  const chosen: number[] = [];
  let used = 0;
  const open = new Set(candidates.map((_, i) => i));
  while (chosen.length < maxSentences && open.size > 0) {
    let pick = -1;
    let pickScore = -Infinity;
    for (const i of open) {
      const redundancy = Math.max(0, ...chosen.map((c) => sim[i]![c]!));
      const score = MMR_LAMBDA * (rank[i]! / top) - (1 - MMR_LAMBDA) * redundancy;
      if (redundancy < REDUNDANT_COSINE && used + candidates[i]!.words <= maxWords && score > pickScore) {
        [pick, pickScore] = [i, score];
      }
    }
    if (pick < 0) break;
    open.delete(pick);
    chosen.push(pick);
    used += candidates[pick]!.words;
  }

  const sentences: SummarySentence[] = chosen.map((i) => {
    const c = candidates[i]!;
    const supporting = new Set<number>();
    all.forEach((x, k) => {
      if (x.article === c.article || supporting.has(x.article)) return;
      if (x.text === c.text || cosine(vectors[k]!, vectors[c.vector]!) >= SUPPORT_COSINE) supporting.add(x.article);
    });
    const support = [...supporting].sort((x, y) => x - y).map((j) => sourcesOf(articles[j]!));
    return { text: c.text, language, sources: mergeSources([sourcesOf(articles[c.article]!), ...support]) };
  });
  if (sentences.length > 0) return { headline, language, sentences };
  const fallback = articles[best]!;
  return { headline, language, sentences: [{ text: headline, language, sources: sourcesOf(fallback) }] };
}
