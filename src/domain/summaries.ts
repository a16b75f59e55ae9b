import { cleanHeadline } from './articles.ts';
import type { Article, Language, SummarySentence } from './model.ts';
import { isFiller, stripDateline } from './sentence-cleanup.ts';
import { splitSentences } from './sentences.ts';
import { compareArticles, scanText } from './stories.ts';
import { tokenize } from './terms.ts';
import { uniqueBy } from './collections.ts';

/**
 * Extractive story summaries: sentences are copied from the articles' own summaries, never
 * rewritten, so every claim in the digest can be traced to an outlet. Centrality is LexRank over
 * TF-IDF cosine with a lead-position prior (news puts the facts first); MMR then avoids picking
 * two sentences that say the same thing, which wire copies and rewrites make very likely.
 */

export interface SummaryOptions {
  maxSentences?: number;
  maxWords?: number;
  /** Summarise from the articles in this language (the majority language when it has none). */
  language?: Language;
}

export interface StorySummary {
  headline: string;
  /** The article the headline was taken from. */
  headlineUrl: string;
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
/** Openings that refer to the sentence before (EN/ES); such a sentence cannot stand alone. */
const DANGLING_START = /^(?:it|its|this|that|these|those|they|their|them|he|she|his|her|some|several|others|such|both|also|but|and|however|meanwhile|still|esto|esta|este|estos|estas|eso|ello|ellos|ellas|algunos|algunas|otros|otras|también|pero|sin embargo)\b/i;
/** Sentences of an article's full text (when collected) that a summary may draw on. */
const FULL_TEXT_SENTENCES = 12;

/** A summary aims for at least this many sentences when the material allows it. */
const MIN_SENTENCES = 2;
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

/**
 * The language more distinct outlets wrote the story in (wire copies count for every outlet that
 * carried them). Summaries take sentences in this language only, so one story never mixes
 * languages; on a tie English wins, as the digest around the story is in English.
 */
function majorityLanguage(articles: Article[]): Language {
  const outlets = { en: new Set<string>(), es: new Set<string>() };
  for (const a of articles) for (const s of a.sources) outlets[a.language].add(s.outlet);
  return outlets.es.size > outlets.en.size ? 'es' : 'en';
}

function sourcesOf(article: Article): Source[] {
  return article.sources.map((s) => ({ articleId: article.id, outlet: s.outlet, url: s.url }));
}

/** The source article's outlets first, then other supporting articles', one entry per outlet. */
function mergeSources(lists: Source[][]): Source[] {
  return uniqueBy(lists, (s) => s.outlet);
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

interface Fact {
  numbers: Set<string>;
  terms: Set<string>;
}

/** Numbers and lexicon-canonical terms, so an English and a Spanish sentence compare. */
function factOf(text: string): Fact {
  const scan = scanText(text);
  const numbers = new Set<string>();
  const terms = new Set<string>();
  for (const t of scan.tokens) (/^\d{2,}$/.test(t) ? numbers : terms).add(t);
  return { numbers, terms };
}

/**
 * One fact, however it is worded: the same figure and two of the same words, or without a figure,
 * half the words of the shorter sentence (at least four) in common.
 */
function sameFact(a: Fact, b: Fact): boolean {
  let shared = 0;
  for (const t of a.terms) if (b.terms.has(t)) shared++;
  if ([...a.numbers].some((n) => b.numbers.has(n)) && shared >= 2) return true;
  return shared >= 4 && shared >= 0.5 * Math.min(a.terms.size, b.terms.size);
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
  const language = opts.language && articles.some((a) => a.language === opts.language) ? opts.language : majorityLanguage(articles);
  const own = articles.filter((a) => a.language === language);

  // Each text is folded and tokenized once: an article's tokens are its title's plus its sentences'
  // (sentences split at whitespace, so that is the same as tokenizing the whole summary).
  const all: Array<{ text: string; article: number; position: number; tokens: string[] }> = [];
  const articleTokens = articles.map((a, i) => {
    const tokens = tokenize(a.title);
    // A teaser-only feed's article carries its page's main text (collect's fullText); its lede is
    // what a summary draws on, so only the first sentences take part.
    (a.fullText ? splitSentences(a.fullText).slice(0, FULL_TEXT_SENTENCES) : splitSentences(a.summary)).forEach((raw, position) => {
      // Datelines and wire credits go; sentences that carry no news never become candidates.
      const text = stripDateline(raw);
      if (isFiller(text)) return;
      const sentence = { text, article: i, position, tokens: tokenize(text) };
      all.push(sentence);
      tokens.push(...sentence.tokens);
    });
    return tokens;
  });
  const titleTokens = articles.map((a) => tokenize(cleanHeadline(a.title)));
  const articleVectors = vectorize(articleTokens);
  const titleVectors = vectorize(titleTokens);
  // Headline: the title closest to the rest of the coverage, from the story's language.
  // The sum of cosines with every other article is one dot product with the sum of their vectors,
  // which keeps a 1,000-article story linear instead of a million cosines.
  const centroid: Vector = new Map();
  for (const v of articleVectors) for (const [t, w] of v) centroid.set(t, (centroid.get(t) ?? 0) + w);
  let best = articles.indexOf(own[0]!);
  let bestScore = -1;
  articles.forEach((a, i) => {
    if (a.language !== language) return;
    const total = cosine(titleVectors[i]!, centroid) - cosine(titleVectors[i]!, articleVectors[i]!);
    const score = total / Math.max(1, articles.length - 1) + 1e-3 * a.sources.length;
    // Near-ties are rounding noise between titles with the same words: the earliest one keeps it.
    if (score > bestScore + 1e-9) [best, bestScore] = [i, score];
  });
  const headline = cleanHeadline(articles[best]!.title);
  const headlineUrl = articles[best]!.url;

  // Every sentence of every article, in one TF-IDF space, so support can be checked across articles.
  const vectors = vectorize([
    ...all.map((x) => x.tokens),
    ...titleTokens,
    titleTokens[best]!,
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
    // A sentence that opens by pointing back ("Some will…", "It said…") means nothing alone. A
    // feed's summary often points back at its own headline ("Several chafed at his plans…"), so its
    // first sentence may do that only under that headline.
    if ((x.position > 0 || x.article !== best) && DANGLING_START.test(x.text)) return;
    // Feeds often open the summary with the title again; it adds nothing under the headline.
    if (cosine(vectors[k]!, headlineVector) >= HEADLINE_REPEAT_COSINE) return;
    if (cosine(vectors[k]!, ownTitles[x.article]!) >= HEADLINE_REPEAT_COSINE) return;
    seenText.add(x.text);
    candidates.push({ text: x.text, article: x.article, position: x.position, words: n, vector: k });
  });
  candidates.splice(MAX_CANDIDATES);

  const facts = candidates.map((c) => factOf(c.text));
  // Two sentences stating one fact in other words ("1,500 deportees a week" / "1.500 deportados por
  // semana") count as repeats whatever their word overlap.
  const sim = candidates.map((a, i) =>
    candidates.map((b, j) => (i === j ? 0 : sameFact(facts[i]!, facts[j]!) ? 1 : cosine(vectors[a.vector]!, vectors[b.vector]!))),
  );
  const priorRaw = candidates.map((c) => 1 / (1 + c.position));
  const priorSum = priorRaw.reduce((sum, x) => sum + x, 0) || 1;
  const rank = lexRank(sim, priorRaw.map((p) => p / priorSum));
  const top = Math.max(...rank, 1e-12);

  const chosen: number[] = [];
  let used = 0;
  const open = new Set(candidates.map((_, i) => i));
  const fits = (i: number): boolean => {
    if (chosen.some((c) => sim[i]![c]! >= REDUNDANT_COSINE) || used + candidates[i]!.words > maxWords) return false;
    if (chosen.length >= MIN_SENTENCES - 1) return true;
    // Until the summary has its minimum, a sentence must leave room for another one that does not
    // repeat it: one long sentence must not crowd out two shorter ones that fit together.
    for (const j of open) {
      if (j !== i && sim[i]![j]! < REDUNDANT_COSINE && used + candidates[i]!.words + candidates[j]!.words <= maxWords) return true;
    }
    return false;
  };
  while (chosen.length < maxSentences && open.size > 0) {
    let pick = -1;
    let pickScore = -Infinity;
    for (const pass of [true, false]) {
      for (const i of open) {
        if (pass && !fits(i)) continue;
        if (!pass && (chosen.length > 0 || used + candidates[i]!.words > maxWords)) continue;
        const redundancy = Math.max(0, ...chosen.map((c) => sim[i]![c]!));
        const score = MMR_LAMBDA * (rank[i]! / top) - (1 - MMR_LAMBDA) * redundancy;
        if (score > pickScore) [pick, pickScore] = [i, score];
      }
      // Second pass only when no pair fits at all: then the best single sentence will do.
      if (pick >= 0) break;
    }
    if (pick < 0) break;
    open.delete(pick);
    chosen.push(pick);
    used += candidates[pick]!.words;
  }

  // Importance decides which sentences and which article leads; two sentences of one article then
  // read in the article's own order, or the second would come before what it follows from.
  const slots = new Map<number, number[]>();
  chosen.forEach((i, slot) => slots.set(candidates[i]!.article, [...(slots.get(candidates[i]!.article) ?? []), slot]));
  for (const list of slots.values()) {
    const inOrder = list.map((slot) => chosen[slot]!).sort((x, y) => candidates[x]!.position - candidates[y]!.position);
    list.forEach((slot, k) => (chosen[slot] = inOrder[k]!));
  }

  const sentences: SummarySentence[] = chosen.map((i) => {
    const c = candidates[i]!;
    const supporting = new Set<number>();
    all.forEach((x, k) => {
      if (x.article === c.article || supporting.has(x.article)) return;
      if (x.text === c.text || cosine(vectors[k]!, vectors[c.vector]!) >= SUPPORT_COSINE) supporting.add(x.article);
    });
    // Many feeds carry a headline only; a headline that says the same also supports the sentence.
    ownTitles.forEach((title, j) => {
      if (j !== c.article && cosine(title, vectors[c.vector]!) >= SUPPORT_COSINE) supporting.add(j);
    });
    const support = [...supporting].sort((x, y) => x - y).map((j) => sourcesOf(articles[j]!));
    return { text: c.text, language, sources: mergeSources([sourcesOf(articles[c.article]!), ...support]) };
  });
  if (sentences.length > 0) return { headline, headlineUrl, language, sentences };
  const fallback = articles[best]!;
  return { headline, headlineUrl, language, sentences: [{ text: headline, language, sources: sourcesOf(fallback) }] };
}
