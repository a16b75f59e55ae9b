import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { FeedConfig, type ThemeConfig, type TopicConfig } from '../domain/model.ts';
import { foldText } from '../domain/text.ts';
import { ConfigError } from './errors.ts';

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ key: '', reason: `cannot read file (${(err as NodeJS.ErrnoException).code ?? err})` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ key: e.linePos ? `line ${e.linePos[0].line}` : '', reason: e.message.split('\n')[0] ?? e.message })),
    );
  }
  return doc.toJS();
}

// Strict objects: a misspelt key (`langauge:`) is an error, not a silently ignored line.
const FeedsFile = z.strictObject({
  feeds: z.array(FeedConfig.strict()).min(1, 'list at least one feed'),
});

/**
 * Loads feeds.yaml. `resolveUrl` lets the demo and tests point relative URLs (sample file names) at
 * a loopback server; production files hold absolute http(s) URLs.
 */
export function loadFeeds(file: string, resolveUrl?: (url: string) => string): FeedConfig[] {
  const parsed = FeedsFile.safeParse(readYaml(file));
  if (!parsed.success) throw ConfigError.fromZod(file, parsed.error);
  const feeds = parsed.data.feeds.map((f) => ({ ...f, url: resolveUrl ? resolveUrl(f.url) : f.url }));
  const issues: { key: string; reason: string }[] = [];
  const seen = new Set<string>();
  feeds.forEach((f, i) => {
    if (seen.has(f.id)) issues.push({ key: `feeds[${i}].id`, reason: `duplicate feed id "${f.id}"` });
    seen.add(f.id);
    try {
      const u = new URL(f.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      issues.push({ key: `feeds[${i}].url`, reason: `"${f.url}" is not an http(s) URL` });
    }
  });
  if (issues.length > 0) throw new ConfigError(file, issues);
  return feeds;
}

const Weights = z.record(z.string().min(1), z.number().min(0).max(100));
const TermList = z.union([z.array(z.string().min(1)), Weights]);

const TopicFile = z.strictObject({
  name: z.string().min(1),
  threshold: z.number().min(0),
  terms: TermList,
  anchors: z.array(z.string().min(1)).min(1, 'list at least one anchor term (e.g. "mexico")'),
  negative: TermList.default({}),
  context_anchors: z
    .array(z.strictObject({ terms: z.array(z.string().min(1)).min(1), with: z.array(z.string().min(1)).min(1) }))
    .default([]),
  elsewhere: z.array(z.string().min(1)).default([]),
  themes: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
        title: z.string().min(1),
        /** The section's name in the Spanish edition. */
        title_es: z.string().min(1).optional(),
        terms: TermList,
      }),
    )
    .min(1, 'list at least one theme'),
  other: z
    .strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), title: z.string().min(1), title_es: z.string().min(1).optional() })
    .default({ id: 'other', title: 'Also this week' }),
});

/** Folds every term so matching is accent- and case-insensitive; a list means weight 1 each. */
function foldTerms(terms: z.infer<typeof TermList>): Record<string, number> {
  const entries = Array.isArray(terms) ? terms.map((t) => [t, 1] as const) : Object.entries(terms);
  const out: Record<string, number> = {};
  for (const [term, weight] of entries) {
    const folded = foldText(term);
    if (folded) out[folded] = Math.max(out[folded] ?? 0, weight);
  }
  return out;
}

export function loadTopic(file: string): TopicConfig {
  const parsed = TopicFile.safeParse(readYaml(file));
  if (!parsed.success) throw ConfigError.fromZod(file, parsed.error);
  const t = parsed.data;
  const ids = new Set<string>();
  const themes: ThemeConfig[] = t.themes.map((theme, i) => {
    if (ids.has(theme.id)) throw new ConfigError(file, [{ key: `themes[${i}].id`, reason: `duplicate theme id "${theme.id}"` }]);
    ids.add(theme.id);
    return { id: theme.id, title: theme.title, ...(theme.title_es ? { titleEs: theme.title_es } : {}), terms: foldTerms(theme.terms) };
  });
  return {
    name: t.name,
    threshold: t.threshold,
    terms: foldTerms(t.terms),
    anchors: t.anchors.map(foldText).filter(Boolean),
    negative: foldTerms(t.negative),
    contextAnchors: t.context_anchors.map((r) => ({ terms: r.terms.map(foldText).filter(Boolean), with: r.with.map(foldText).filter(Boolean) })),
    elsewhere: t.elsewhere.map(foldText).filter(Boolean),
    themes,
    otherTheme: { id: t.other.id, title: t.other.title, ...(t.other.title_es ? { titleEs: t.other.title_es } : {}) },
  };
}

export function configFiles(configDir: string): { feeds: string; topic: string } {
  return { feeds: join(configDir, 'feeds.yaml'), topic: join(configDir, 'topic.yaml') };
}
