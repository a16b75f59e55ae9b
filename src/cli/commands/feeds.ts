import { parseArgs } from 'node:util';
import { createFeedParser } from '../../adapters/feed-parser.ts';
import { createHttpFetcher } from '../../adapters/http-fetcher.ts';
import { fetcherOptions } from '../../app.ts';
import { normalizeItem } from '../../domain/articles.ts';
import { describeError } from '../../domain/errors.ts';
import { loadConfig } from '../../config/index.ts';
import type { ParsedFeed } from '../../pipeline/ports.ts';
import { UsageError } from '../context.ts';

export async function feedsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const config = loadConfig();
  if (sub === 'list') {
    if (values.json) console.log(JSON.stringify(config.feeds, null, 2));
    else for (const f of config.feeds) console.log(`${f.id.padEnd(28)} ${f.language} ${f.country.padEnd(3)} w${f.weight} ${f.enabled ? '' : '(disabled) '}${f.url}`);
    return 0;
  }
  if (sub === 'check') {
    const url = positionals[0];
    if (!url) throw new UsageError('feeds check needs a URL');
    const { env } = config;
    const fetcher = createHttpFetcher(fetcherOptions(env));
    try {
      const fetched = await fetcher.fetchFeed(url, {});
      if (fetched.status !== 'ok') throw new Error('unexpected 304 without validators');
      const parsed = await createFeedParser().parseFeed(fetched.body);
      const language = parsed.language?.toLowerCase().startsWith('es') ? 'es' : 'en';
      const probe = { id: 'check', name: parsed.title ?? new URL(url).hostname, url, language, country: 'INT', weight: 1, enabled: true } as const;
      const items = parsed.items.map((raw) => normalizeItem(raw, probe, { fetchedAt: new Date(), topic: config.topic, baseUrl: fetched.finalUrl }));
      if (values.json) {
        console.log(JSON.stringify({ url: fetched.finalUrl, format: formatName(parsed), title: parsed.title, bytes: fetched.bytes, items: items.filter(Boolean) }, null, 2));
      } else {
        console.log(`${parsed.title ?? '(untitled)'} — ${fetched.finalUrl} — ${formatName(parsed)}, ${parsed.items.length} items, ${fetched.bytes} bytes`);
        for (const a of items) {
          if (!a) continue;
          const mark = a.relevance >= config.topic.threshold ? '+' : ' ';
          console.log(`${mark} ${a.publishedAt.slice(0, 16)}  ${a.relevance.toFixed(1).padStart(5)}  ${a.title}`);
        }
        console.log(`(+ = relevant: score ≥ ${config.topic.threshold})`);
      }
      return 0;
    } catch (err) {
      const { code, message } = describeError(err);
      console.error(`feeds check: ${code}: ${message}`);
      return 1;
    }
  }
  throw new UsageError('usage: frontera feeds list [--json] | feeds check URL [--json]');
}

const FORMAT_NAMES: Record<ParsedFeed['format'], string> = {
  rss: 'RSS',
  'rss-1.0': 'RSS 1.0 (RDF)',
  atom: 'Atom',
  'news-sitemap': 'Google News sitemap',
  'json-feed': 'JSON Feed',
};

function formatName(parsed: ParsedFeed): string {
  const name = FORMAT_NAMES[parsed.format];
  return parsed.version && parsed.format !== 'rss-1.0' ? `${name} ${parsed.version}` : name;
}
