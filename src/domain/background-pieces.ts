import type { Article } from './model.ts';
import { foldText } from './text.ts';

/**
 * Background pieces: articles that explain a measure or report its effects (markets, prices,
 * jobs, what experts forecast) rather than report what happened. An editor files them under the
 * measure they explain, whenever they run; a reaction or analysis published after a story's turn
 * is about the turn. The cues are genre words, English and Spanish, matched on folded text
 * (lower case, no accents), so "Explained", "explicación" and "EXPERTOS" all count.
 */

// Explainer forms: the piece says it explains, or asks what something is or how it works.
const EXPLAINER = [
  'explain', 'explained', 'explainer', 'explains', 'explaining', 'in charts', 'in maps', 'visually',
  'what is', 'what are', 'what to know', 'how do', 'how does', 'how will', 'how would', 'how could',
  'how it works', 'how they work', 'who pays',
  'explica', 'explicado', 'explicamos', 'explicacion', 'que es', 'que son', 'como funciona', 'como funcionan',
  'lo que hay que saber', 'claves',
];

// Effects and forecasts: markets, prices, jobs, losses, and the experts who predict them.
const EFFECTS = [
  'market', 'markets', 'stock', 'stocks', 'shares', 'investor', 'investors', 'wall street', 'dow', 'nasdaq',
  'price', 'prices', 'inflation', 'consumer', 'consumers', 'wallet', 'job', 'jobs', 'losses', 'hardest hit',
  'expert', 'experts', 'economist', 'economists', 'analyst', 'analysts',
  'mercado', 'mercados', 'bolsa', 'bolsas', 'inversionista', 'inversionistas', 'inversores', 'precio', 'precios',
  'inflacion', 'consumidor', 'consumidores', 'empleo', 'empleos', 'perdidas',
  'experto', 'expertos', 'economista', 'economistas', 'analista', 'analistas',
];

// One alternation over whole words and phrases: "dow" must not match "down", nor "job" "jobless".
const CUES = new RegExp(`(?:^| )(?:${[...EXPLAINER, ...EFFECTS].join('|')})(?= |$)`);

export function isBackgroundPiece(article: Pick<Article, 'title' | 'summary'>): boolean {
  return CUES.test(foldText(`${article.title} ${article.summary}`));
}
