import type { Article, TopicConfig } from './model.ts';
import { foldText } from './text.ts';

/**
 * Picks the digest section for a story. Each article votes once per term it mentions (a wire
 * story repeating "arancel" five times is still one mention), so the theme reflects how the
 * coverage as a whole frames the event rather than one verbose article.
 */

/** Below this a story fits no theme well enough and goes to the catch-all section. */
export const MIN_THEME_SCORE = 1;

/** Whole-word (or whole-phrase) presence on folded text padded with spaces. */
function mentions(paddedText: string, term: string): boolean {
  return paddedText.includes(` ${term} `);
}

export function themeScores(articles: Article[], topic: TopicConfig): number[] {
  const texts = articles.map((a) => ` ${foldText(`${a.title} ${a.summary}`)} `);
  return topic.themes.map((theme) => {
    let score = 0;
    for (const [raw, weight] of Object.entries(theme.terms)) {
      // Terms are folded at load time; folding again costs little and survives a hand-built config.
      const term = foldText(raw);
      if (term.length === 0) continue;
      for (const text of texts) if (mentions(text, term)) score += weight;
    }
    return score;
  });
}

export function assignTheme(articles: Article[], topic: TopicConfig, opts: { minScore?: number } = {}): string {
  const minScore = opts.minScore ?? MIN_THEME_SCORE;
  const scores = themeScores(articles, topic);
  let best = -1;
  scores.forEach((score, k) => {
    // Strictly greater: on a tie the theme listed first in topic.yaml wins.
    if (score >= minScore && (best < 0 || score > scores[best]!)) best = k;
  });
  return best < 0 ? topic.otherTheme.id : topic.themes[best]!.id;
}
