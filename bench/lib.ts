import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv } from '../src/adapters/csv.ts';
import { simhash } from '../src/domain/duplicates.ts';
import type { Article } from '../src/domain/model.ts';

export const DATASET = resolve('../shared/datasets/uci-news-stories/stories-dev.csv');

/** Median of `runs` timed calls (after one warm-up), in milliseconds. */
export async function medianMs(runs: number, fn: () => unknown | Promise<unknown>): Promise<{ median: number; all: number[] }> {
  await fn();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    all.push(performance.now() - t0);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, all };
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/**
 * Real headlines (the UCI News Aggregator sample: 2,413 headlines from 1,000+ publishers), repeated
 * with each copy moved 9 days later so copies are separate events, until `n` articles exist.
 */
export function datasetArticles(n: number): Article[] {
  if (!existsSync(DATASET)) throw new Error(`dataset not found at ${DATASET}`);
  const [header, ...records] = parseCsv(readFileSync(DATASET, 'utf8'));
  const names = header!.fields;
  const rows = records.map((rec) => ({ values: Object.fromEntries(names.map((n, i) => [n, rec.fields[i] ?? ''])) as Record<string, string> }));
  const out: Article[] = [];
  for (let copy = 0; out.length < n; copy++) {
    for (const row of rows) {
      if (out.length >= n) break;
      const r = row.values;
      const title = r.TITLE ?? '';
      const publishedAt = new Date(Number(r.TIMESTAMP) + copy * 9 * 86_400_000).toISOString();
      const url = `${r.URL}${copy ? `?copy=${copy}` : ''}`;
      out.push({
        id: `a_${r.ID}_${copy}`,
        feedId: (r.HOSTNAME ?? 'x').replace(/[^a-z0-9-]/gi, '-').toLowerCase(),
        outlet: r.PUBLISHER ?? 'Unknown',
        url,
        title,
        summary: '',
        language: 'en',
        publishedAt,
        fetchedAt: publishedAt,
        relevance: 10,
        fingerprint: simhash(title),
        sources: [{ feedId: 'x', outlet: r.PUBLISHER ?? 'Unknown', url }],
      });
    }
  }
  return out;
}
