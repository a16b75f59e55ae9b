import { detectLanguage } from '../domain/articles.ts';
import type { Article, TopicConfig } from '../domain/model.ts';
import { scoreRelevance, type RelevanceResult } from '../domain/relevance.ts';
import { selectRelevant, type RelevanceReason, type StoryRelevanceOptions } from '../domain/story-relevance.ts';

/**
 * Measures the relevance filter against a hand-labelled set: one JSON object a line,
 * {id, title, summary?, relevant}. Pure: text and topic in, counts and figures out; the CLI and the
 * quality-guard test do the reading and printing.
 */

export interface LabelledItem {
  id: string;
  title: string;
  summary: string;
  relevant: boolean;
  /** Optional, as in the dataset's items.jsonl: they let story-level relevance see time and outlet. */
  publishedAt?: string;
  source?: string;
  url?: string;
  window?: string;
  story?: string;
  theme?: string;
}

export interface LineError {
  /** 1-based, as an editor shows it. */
  line: number;
  reason: string;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ScoredItem {
  item: LabelledItem;
  result: RelevanceResult;
  /** core: relevant on its own; story: pulled in by its story; out. */
  reason: RelevanceReason;
}

export interface Evaluation {
  confusion: Confusion;
  metrics: Metrics;
  /** False positives and false negatives, in file order. */
  errors: ScoredItem[];
}

/** Parses JSONL; blank lines are skipped, every malformed line is reported rather than the first. */
export function parseLabelledSet(text: string): { items: LabelledItem[]; errors: LineError[] } {
  const items: LabelledItem[] = [];
  const errors: LineError[] = [];
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      errors.push({ line, reason: `not JSON (${(err as Error).message})` });
      return;
    }
    const reason = invalidReason(value);
    if (reason) {
      errors.push({ line, reason });
      return;
    }
    const v = value as Record<string, unknown> & { id: string | number; title: string; summary?: string; relevant: boolean };
    const id = String(v.id);
    if (ids.has(id)) {
      errors.push({ line, reason: `duplicate id "${id}"` });
      return;
    }
    ids.add(id);
    const item: LabelledItem = { id, title: v.title, summary: v.summary ?? '', relevant: v.relevant };
    for (const key of ['publishedAt', 'source', 'url', 'window', 'story', 'theme'] as const) {
      if (typeof v[key] === 'string' && v[key] !== '') item[key] = v[key] as string;
    }
    if (item.publishedAt !== undefined && !Number.isFinite(Date.parse(item.publishedAt))) {
      errors.push({ line, reason: `"publishedAt" is not a date: ${JSON.stringify(item.publishedAt)}` });
      return;
    }
    items.push(item);
  });
  return { items, errors };
}

function invalidReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const v = value as Record<string, unknown>;
  if (!(typeof v.id === 'string' && v.id !== '') && typeof v.id !== 'number') return '"id" must be a non-empty string or a number';
  if (typeof v.title !== 'string' || v.title.trim() === '') return '"title" must be a non-empty string';
  if (v.summary !== undefined && v.summary !== null && typeof v.summary !== 'string') return '"summary" must be a string when present';
  if (typeof v.relevant !== 'boolean') return '"relevant" must be true or false';
  return undefined;
}

export function tallyConfusion(pairs: Iterable<{ predicted: boolean; actual: boolean }>): Confusion {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const { predicted, actual } of pairs) {
    if (predicted && actual) c.tp++;
    else if (predicted) c.fp++;
    else if (actual) c.fn++;
    else c.tn++;
  }
  return c;
}

/**
 * Precision, recall and F1. An empty denominator counts as 1 only when there was nothing to get
 * wrong (no false positives for precision, no false negatives for recall): a filter that rejects
 * everything must not pass a "precision ≥ 0.92" guard by having made no predictions.
 */
export function computeMetrics(c: Confusion): Metrics {
  const precision = c.tp + c.fp === 0 ? (c.fn === 0 ? 1 : 0) : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? (c.fp === 0 ? 1 : 0) : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** The item as collection would store it: scored with the production scorer and topic. */
export function labelledArticle(item: LabelledItem, topic: TopicConfig): Article {
  const source = item.source ?? 'unknown';
  const feedId = source.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
  const url = item.url ?? `https://example.invalid/${encodeURIComponent(item.id)}`;
  // Without dates every item is taken as published at one moment: one window, as a set of headlines is.
  const publishedAt = item.publishedAt ? new Date(Date.parse(item.publishedAt)).toISOString() : new Date(0).toISOString();
  return {
    id: item.id,
    feedId,
    outlet: source,
    url,
    title: item.title,
    summary: item.summary,
    language: detectLanguage(`${item.title} ${item.summary}`, 'en'),
    publishedAt,
    fetchedAt: publishedAt,
    relevance: scoreRelevance({ title: item.title, summary: item.summary }, topic).score,
    fingerprint: '',
    sources: [{ feedId, outlet: source, url }],
  };
}

/**
 * Decides every item with the production code, exactly as a digest build does: each item scored
 * as collection scores it, then relevance decided per story (domain/story-relevance.ts) over the
 * whole set (items are grouped into stories only with items published close to them).
 */
export function evaluateRelevance(items: readonly LabelledItem[], topic: TopicConfig, opts: StoryRelevanceOptions = {}): Evaluation {
  const articles = items.map((item) => labelledArticle(item, topic));
  const { reasons } = selectRelevant(articles, topic, opts);
  const scored: ScoredItem[] = items.map((item) => ({
    item,
    result: scoreRelevance({ title: item.title, summary: item.summary }, topic),
    reason: reasons.get(item.id) ?? 'out',
  }));
  const confusion = tallyConfusion(scored.map((s) => ({ predicted: s.reason !== 'out', actual: s.item.relevant })));
  return {
    confusion,
    metrics: computeMetrics(confusion),
    errors: scored.filter((s) => (s.reason !== 'out') !== s.item.relevant),
  };
}
