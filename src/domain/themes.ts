import type { Article, TopicConfig } from './model.ts';
import { foldText } from './text.ts';

/**
 * Picks the digest section for a story. Each article votes once per term it mentions (a wire
 * story repeating "arancel" five times is still one mention), so the theme reflects how the
 * coverage as a whole frames the event rather than one verbose article.
 */

/** Below this a story fits no theme well enough and goes to the catch-all section. */
export const MIN_THEME_SCORE = 1;
const TITLE_FACTOR = 2;

interface ThemeMatcher {
  /** First token of each phrase → the phrases starting with it (their other tokens, their index). */
  byFirst: Map<string, Array<{ rest: string[]; phrase: number }>>;
  /** Per phrase, the themes listing it and the weight each gives it. */
  votes: Array<Array<{ theme: number; weight: number }>>;
}

// A build scores thousands of stories against the same topic; the terms are compiled once per
// topic object instead of being folded again for every story. Topics are parsed once at load and
// never mutated, so keying on the object is safe; the WeakMap lets an old topic be collected.
const matchers = new WeakMap<TopicConfig, ThemeMatcher>();

function compile(topic: TopicConfig): ThemeMatcher {
  const cached = matchers.get(topic);
  if (cached) return cached;
  const byFirst: ThemeMatcher['byFirst'] = new Map();
  const votes: ThemeMatcher['votes'] = [];
  const phraseIds = new Map<string, number>();
  topic.themes.forEach((theme, k) => {
    for (const [raw, weight] of Object.entries(theme.terms)) {
      // Terms are folded at load time; folding again costs little and survives a hand-built config.
      const term = foldText(raw);
      if (term.length === 0) continue;
      let phrase = phraseIds.get(term);
      if (phrase === undefined) {
        phrase = votes.length;
        phraseIds.set(term, phrase);
        votes.push([]);
        const [first, ...rest] = term.split(' ');
        const list = byFirst.get(first!) ?? [];
        list.push({ rest, phrase });
        byFirst.set(first!, list);
      }
      votes[phrase]!.push({ theme: k, weight });
    }
  });
  const matcher = { byFirst, votes };
  matchers.set(topic, matcher);
  return matcher;
}

/**
 * The phrases an article mentions, each once. Matching whole tokens of the folded text is the same
 * as finding " term " in " text " (foldText leaves single spaces between tokens), but costs one
 * map lookup per word instead of one scan of the text per configured term.
 */
function mentionedPhrases(text: string, matcher: ThemeMatcher, into: Set<number>): void {
  const tokens = foldText(text).split(' ');
  for (let i = 0; i < tokens.length; i++) {
    const candidates = matcher.byFirst.get(tokens[i]!);
    if (!candidates) continue;
    for (const { rest, phrase } of candidates) {
      if (into.has(phrase)) continue;
      let k = 0;
      while (k < rest.length && tokens[i + 1 + k] === rest[k]) k++;
      if (k === rest.length) into.add(phrase);
    }
  }
}

export function themeScores(articles: Article[], topic: TopicConfig): number[] {
  const matcher = compile(topic);
  const scores = topic.themes.map(() => 0);
  const found = new Set<number>();
  const inTitle = new Set<number>();
  for (const article of articles) {
    found.clear();
    inTitle.clear();
    mentionedPhrases(article.title, matcher, inTitle);
    mentionedPhrases(`${article.title} ${article.summary}`, matcher, found);
    // The headline says what the article is about; the summary's details (the fentanyl seized
    // while preparing tariff talks) weigh less than the subject it states.
    for (const phrase of found) {
      const factor = inTitle.has(phrase) ? TITLE_FACTOR : 1;
      for (const { theme, weight } of matcher.votes[phrase]!) scores[theme]! += weight * factor;
    }
  }
  return scores;
}

export function assignTheme(articles: Article[], topic: TopicConfig, opts: { minScore?: number } = {}): string {
  return themeOfScores(themeScores(articles, topic), topic, opts);
}

/**
 * The theme assignTheme picks from a story's scores. themeScores adds up its articles' votes, so
 * the scores of a story are the sum of its articles' own: clustering keeps them per article and
 * adds, instead of rescanning a growing story's texts.
 */
export function themeOfScores(scores: number[], topic: TopicConfig, opts: { minScore?: number } = {}): string {
  const minScore = opts.minScore ?? MIN_THEME_SCORE;
  let best = -1;
  scores.forEach((score, k) => {
    // Strictly greater: on a tie the theme listed first in topic.yaml wins.
    if (score >= minScore && (best < 0 || score > scores[best]!)) best = k;
  });
  return best < 0 ? topic.otherTheme.id : topic.themes[best]!.id;
}
