import type { TopicConfig } from './model.ts';
import { foldText } from './text.ts';

/**
 * Decides whether an article is about the beat: Mexico's fight against the cartels and US–Mexico
 * relations. Scoring, in order:
 *   1. Topic terms found in the title count twice their weight (once, however often repeated);
 *      in the summary they count log2(1 + hits) times, capped at 2, so a word repeated ten times
 *      cannot carry an article.
 *   2. Mexico must be central. An anchor in the title, or two anchor mentions in the summary,
 *      keeps the full score; a single anchor mention in the summary halves it (Mexico in passing);
 *      no anchor at all scores 0.
 *   3. Negative terms (other countries' cartels, OPEC, sports) subtract with the same rules.
 * relevant ⇔ score ≥ threshold and score > 0, so storing `score` is enough to re-decide later.
 */

export interface RelevanceInput {
  title: string;
  summary: string;
}

export interface RelevanceResult {
  score: number;
  relevant: boolean;
  /** Folded terms (topic terms and anchors) found, in first-seen order. */
  matched: string[];
  /** True when Mexico is central: an anchor in the title or at least twice in the summary. */
  anchored: boolean;
  /**
   * The score the article's subject terms (weight ≥ 2) would give if Mexico were central: how
   * much it is about the beat's subjects at all. Story-level relevance (story-relevance.ts) uses it to let an article into a
   * story anchored in Mexico when its own headline does not say Mexico.
   */
  topical: number;
  /** The text names another country (Canada, China, the EU…) and never Mexico. */
  elsewhere: boolean;
}

const TITLE_FACTOR = 2;
const SUMMARY_CAP = 2;
const PASSING_MENTION_FACTOR = 0.5;
/**
 * Terms this heavy name the beat's own subjects (tariff, cartel, fentanyl, extradition); lighter
 * ones are context that other news shares: Trump, attack, and also deportations, troops,
 * kidnapping, sentencing (1.5), which fill US immigration news and other countries' crime as
 * much as Mexico's. Only the former make an article that never names Mexico part of a Mexican story.
 */
const SUBJECT_WEIGHT = 2;

// term, anchor, negative, elsewhere; then per context rule r: 4 + 2r its terms, 5 + 2r its context.
type Kind = number;
const TERM: Kind = 0;
const ANCHOR: Kind = 1;
const NEGATIVE: Kind = 2;
const ELSEWHERE: Kind = 3;
const FIRST_RULE: Kind = 4;

interface Phrase {
  text: string;
  words: string[];
  kind: Kind;
  weight: number;
}

interface TopicIndex {
  /** First word → phrases starting with it, longest first. */
  byFirstWord: Map<string, Phrase[]>;
  /** Every word of every phrase, for singular lookups. */
  vocabulary: Set<string>;
  kinds: number;
}

const indexCache = new WeakMap<TopicConfig, TopicIndex>();

function buildIndex(topic: TopicConfig): TopicIndex {
  const byFirstWord = new Map<string, Phrase[]>();
  const vocabulary = new Set<string>();
  const add = (raw: string, kind: Kind, weight: number): void => {
    // Config is folded at load time, but tests and the CLI may hand in raw terms; folding twice is harmless.
    const text = foldText(raw);
    if (!text || !(weight > 0)) return;
    const words = text.split(' ');
    for (const w of words) vocabulary.add(w);
    const first = words[0] as string;
    const list = byFirstWord.get(first) ?? [];
    list.push({ text, words, kind, weight });
    byFirstWord.set(first, list);
  };
  for (const [term, weight] of Object.entries(topic.terms)) add(term, TERM, weight);
  for (const anchor of topic.anchors) add(anchor, ANCHOR, 1);
  for (const [term, weight] of Object.entries(topic.negative)) add(term, NEGATIVE, weight);
  for (const place of topic.elsewhere ?? []) add(place, ELSEWHERE, 1);
  const rules = topic.contextAnchors ?? [];
  rules.forEach((rule, r) => {
    for (const term of rule.terms) add(term, FIRST_RULE + 2 * r, 1);
    for (const term of rule.with) add(term, FIRST_RULE + 2 * r + 1, 1);
  });
  for (const list of byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);
  return { byFirstWord, vocabulary, kinds: FIRST_RULE + 2 * rules.length };
}

function topicIndex(topic: TopicConfig): TopicIndex {
  let index = indexCache.get(topic);
  if (!index) {
    index = buildIndex(topic);
    indexCache.set(topic, index);
  }
  return index;
}

/**
 * Folded words with plurals mapped onto the configured singular ("carteles", "cartels" → "cartel")
 * when only the singular is a known word, so config needs one form per term.
 */
function words(text: string, vocabulary: Set<string>): string[] {
  const folded = foldText(text);
  if (!folded) return [];
  return folded.split(' ').map((w) => {
    if (vocabulary.has(w) || w.length < 4 || !w.endsWith('s')) return w;
    const s = w.slice(0, -1);
    if (vocabulary.has(s)) return s;
    const es = w.slice(0, -2);
    return w.endsWith('es') && vocabulary.has(es) ? es : w;
  });
}

/** Counts of each phrase in the text; per kind, overlapping matches go to the longest phrase. */
function countPhrases(tokens: string[], index: TopicIndex): Map<Phrase, number> {
  const counts = new Map<Phrase, number>();
  const freeFrom = new Array<number>(index.kinds).fill(0);
  const taken = new Array<boolean>(index.kinds);
  for (let i = 0; i < tokens.length; i++) {
    const candidates = index.byFirstWord.get(tokens[i] as string);
    if (!candidates) continue;
    taken.fill(false);
    for (const phrase of candidates) {
      if (taken[phrase.kind] || i < (freeFrom[phrase.kind] as number)) continue;
      if (!matchesAt(tokens, i, phrase.words)) continue;
      taken[phrase.kind] = true;
      freeFrom[phrase.kind] = i + phrase.words.length;
      counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
    }
  }
  return counts;
}

function matchesAt(tokens: string[], start: number, phraseWords: string[]): boolean {
  if (start + phraseWords.length > tokens.length) return false;
  for (let j = 1; j < phraseWords.length; j++) {
    if (tokens[start + j] !== phraseWords[j]) return false;
  }
  return true;
}

function contribution(weight: number, titleHits: number, summaryHits: number): number {
  const inTitle = titleHits > 0 ? TITLE_FACTOR : 0;
  const inSummary = Math.min(SUMMARY_CAP, Math.log2(1 + summaryHits));
  return weight * (inTitle + inSummary);
}

export function scoreRelevance(input: RelevanceInput, topic: TopicConfig): RelevanceResult {
  const index = topicIndex(topic);
  const titleCounts = countPhrases(words(input.title, index.vocabulary), index);
  const summaryCounts = countPhrases(words(input.summary, index.vocabulary), index);

  let termScore = 0;
  let subjectScore = 0;
  let negativeScore = 0;
  let anchorInTitle = false;
  let anchorMentionsInSummary = 0;
  let elsewhereInTitle = false;
  let elsewhereNamed = false;
  const matched: string[] = [];
  const seen = new Set<Phrase>();
  // Per context rule: where its terms were found (title, summary) and whether its context was.
  const rules = (topic.contextAnchors ?? []).map(() => ({ title: false, summary: 0, context: false }));

  for (const phrase of [...titleCounts.keys(), ...summaryCounts.keys()]) {
    if (seen.has(phrase)) continue;
    seen.add(phrase);
    const t = titleCounts.get(phrase) ?? 0;
    const s = summaryCounts.get(phrase) ?? 0;
    if (phrase.kind === TERM) {
      const c = contribution(phrase.weight, t, s);
      termScore += c;
      if (phrase.weight >= SUBJECT_WEIGHT) subjectScore += c;
    }
    else if (phrase.kind === NEGATIVE) negativeScore += contribution(phrase.weight, t, s);
    else if (phrase.kind === ELSEWHERE) {
      if (t > 0) elsewhereInTitle = true;
      elsewhereNamed = true;
      continue;
    } else if (phrase.kind >= FIRST_RULE) {
      const rule = rules[(phrase.kind - FIRST_RULE) >> 1]!;
      if ((phrase.kind - FIRST_RULE) % 2 === 1) rule.context = true;
      else {
        rule.title ||= t > 0;
        rule.summary += s;
      }
      continue;
    } else {
      if (t > 0) anchorInTitle = true;
      anchorMentionsInSummary += s;
    }
    if (phrase.kind !== NEGATIVE && !matched.includes(phrase.text)) matched.push(phrase.text);
  }
  const mexicoNamed = anchorInTitle || anchorMentionsInSummary > 0;
  // A context anchor stands for Mexico ("the border" in a story about Trump's asylum orders) only
  // when the text names no other country instead ("across the border from Detroit" is Canada).
  for (const rule of rules) {
    if (!rule.context || (elsewhereNamed && !mexicoNamed)) continue;
    if (rule.title) anchorInTitle = true;
    anchorMentionsInSummary += rule.summary;
  }

  // A headline that names another country and not Mexico says whose story it is ("U.S. tariffs on
  // China take effect"): Mexico in its summary, however often, is a comparison, a mention in passing.
  const aboutElsewhere = elsewhereInTitle && !anchorInTitle;
  const anchored = anchorInTitle || (anchorMentionsInSummary >= 2 && !aboutElsewhere);
  const anchorFactor = anchored ? 1 : anchorMentionsInSummary >= 1 && !aboutElsewhere ? PASSING_MENTION_FACTOR : 0;
  const score = round2(Math.max(0, termScore * anchorFactor - negativeScore));
  const topical = round2(Math.max(0, subjectScore - negativeScore));
  const elsewhere = elsewhereNamed && !mexicoNamed;
  return { score, relevant: score > 0 && score >= topic.threshold, matched, anchored, topical, elsewhere };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
