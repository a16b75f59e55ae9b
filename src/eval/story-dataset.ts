import { readFileSync } from 'node:fs';
import { parseCsv } from '../adapters/csv.ts';
import { detectLanguage } from '../domain/articles.ts';
import { simhash } from '../domain/duplicates.ts';
import { Language, type Article } from '../domain/model.ts';

/**
 * Labelled story datasets for evaluating clustering, in two formats:
 * - the UCI News Aggregator CSV (ID, TITLE, URL, PUBLISHER, CATEGORY, STORY, HOSTNAME, TIMESTAMP
 *   in ms), as in ../shared/datasets/uci-news-stories;
 * - JSONL, one {id, title, summary?, url, source, publishedAt, story, language?, theme?, window?}
 *   per line; lines with `relevant: false` or an empty story (a relevance set's other items) are
 *   skipped, so mexico-coverage-dev's items.jsonl and stories.jsonl both read as they are.
 * Every item becomes an Article that passes any relevance filter (relevance 10), so the figures
 * measure clustering alone.
 */

export interface LabelledArticle {
  article: Article;
  story: string;
  /** The gold theme, when the set has one (mexico-coverage-dev's items.jsonl). */
  theme?: string;
  /** The capture window, when the set has one. */
  window?: string;
}

export class DatasetError extends Error {
  readonly code = 'DATASET_INVALID';
}

interface Item {
  id: string;
  title: string;
  summary: string;
  url: string;
  source: string;
  publishedAt: string;
  story: string;
  language?: Language;
  theme?: string;
  window?: string;
}

function toArticle(item: Item): LabelledArticle {
  const feedId = item.source.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
  const text = `${item.title} ${item.summary}`;
  return {
    story: item.story,
    ...(item.theme ? { theme: item.theme } : {}),
    ...(item.window ? { window: item.window } : {}),
    article: {
      id: item.id,
      feedId,
      outlet: item.source,
      url: item.url,
      title: item.title,
      summary: item.summary,
      language: item.language ?? detectLanguage(text, 'en'),
      publishedAt: item.publishedAt,
      fetchedAt: item.publishedAt,
      relevance: 10,
      fingerprint: simhash(text),
      sources: [{ feedId, outlet: item.source, url: item.url }],
    },
  };
}

const UCI_COLUMNS = ['ID', 'TITLE', 'URL', 'PUBLISHER', 'STORY', 'TIMESTAMP'] as const;

export function parseUciCsv(text: string): LabelledArticle[] {
  const [header, ...records] = parseCsv(text);
  if (!header) return [];
  const at = new Map(header.fields.map((name, k) => [name.trim().toUpperCase(), k]));
  const missing = UCI_COLUMNS.filter((c) => !at.has(c));
  if (missing.length > 0) throw new DatasetError(`CSV lacks column(s) ${missing.join(', ')}`);
  const field = (fields: string[], name: (typeof UCI_COLUMNS)[number]): string => fields[at.get(name)!] ?? '';
  return records.map((rec) => {
    if (rec.error) throw new DatasetError(`line ${rec.line}: ${rec.error}`);
    const ms = Number(field(rec.fields, 'TIMESTAMP'));
    if (!Number.isFinite(ms)) throw new DatasetError(`line ${rec.line}: TIMESTAMP is not a number`);
    return toArticle({
      id: field(rec.fields, 'ID'),
      title: field(rec.fields, 'TITLE'),
      summary: '',
      url: field(rec.fields, 'URL'),
      source: field(rec.fields, 'PUBLISHER'),
      publishedAt: new Date(ms).toISOString(),
      story: field(rec.fields, 'STORY'),
    });
  });
}

export function parseStoryJsonl(text: string): LabelledArticle[] {
  const out: LabelledArticle[] = [];
  text.split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DatasetError(`line ${k + 1}: not JSON`);
    }
    const v = value as Record<string, unknown>;
    // A relevance-labelled set (items.jsonl) also holds the items that are in no story.
    if (v.relevant === false || v.story === '') return;
    const str = (name: string, required = true): string => {
      const x = v[name];
      if (typeof x === 'string' || typeof x === 'number') return String(x);
      if (required) throw new DatasetError(`line ${k + 1}: "${name}" missing`);
      return '';
    };
    const publishedAt = str('publishedAt');
    if (!Number.isFinite(Date.parse(publishedAt))) throw new DatasetError(`line ${k + 1}: bad publishedAt`);
    const language = Language.safeParse(v.language);
    out.push(
      toArticle({
        id: str('id'),
        title: str('title'),
        summary: str('summary', false),
        url: str('url', false) || `https://example.invalid/${str('id')}`,
        source: str('source', false) || 'unknown',
        publishedAt: new Date(Date.parse(publishedAt)).toISOString(),
        story: str('story'),
        ...(language.success ? { language: language.data } : {}),
        theme: str('theme', false),
        window: str('window', false),
      }),
    );
  });
  return out;
}

/** Reads FILE as JSONL when it ends in .jsonl/.ndjson or starts with "{", else as the UCI CSV. */
export function loadStoryDataset(path: string): LabelledArticle[] {
  const text = readFileSync(path, 'utf8');
  const jsonl = /\.(jsonl|ndjson)$/i.test(path) || text.trimStart().startsWith('{');
  const items = jsonl ? parseStoryJsonl(text) : parseUciCsv(text);
  const seen = new Set<string>();
  for (const { article } of items) {
    if (seen.has(article.id)) throw new DatasetError(`duplicate id ${article.id}`);
    seen.add(article.id);
  }
  return items;
}
