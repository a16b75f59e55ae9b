import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFeedParser, MAX_ITEMS_PER_FEED } from '../../src/adapters/feed-parser.ts';
import { normalizeItem } from '../../src/domain/articles.ts';
import { FrontError } from '../../src/domain/errors.ts';
import type { FeedConfig, TopicConfig } from '../../src/domain/model.ts';
import { loadTopic } from '../../src/config/files.ts';

const fixture = (name: string) => readFileSync(`test/fixtures/feeds/${name}`, 'utf8');
const parser = createFeedParser();

async function parseError(body: string): Promise<FrontError> {
  const err = await parser.parseFeed(body).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FrontError);
  expect((err as FrontError).code).toBe('FEED_PARSE_ERROR');
  return err as FrontError;
}

describe('Google News sitemaps', () => {
  it('reads news:title, news:publication_date, news:language and the publication name; skips non-news URLs', async () => {
    const parsed = await parser.parseFeed(fixture('milenio-news-sitemap.xml'));
    expect(parsed).toMatchObject({ format: 'news-sitemap', title: 'Milenio', language: 'es' });
    expect(parsed.items).toHaveLength(3);
    expect(parsed.items[0]).toEqual({
      title: 'Detienen en Jalisco a presunto operador financiero del CJNG; FGR lo acusa de lavado',
      link: 'https://www.milenio.com/policia/detienen-operador-financiero-cjng-jalisco?utm_source=sitemap',
      publishedAt: '2026-11-26T09:41:00-06:00',
      categories: ['CJNG', 'Jalisco', 'FGR', 'lavado de dinero'],
    });
    expect(parsed.items[1]!.title).toBe('Sheinbaum rechaza cualquier intervención militar de EU contra los cárteles: “la soberanía no se negocia”');
    expect(parsed.items[2]!.categories).toEqual(['extradición', 'fentanilo & seguridad']);
  });

  it('normalises sitemap entries into articles (tracking parameters dropped, dates kept)', async () => {
    const topic: TopicConfig = loadTopic('config/topic.yaml');
    const feed: FeedConfig = { id: 'milenio', name: 'Milenio', url: 'https://www.milenio.com/sitemap/google-news.xml', language: 'es', country: 'MX', weight: 1, enabled: true };
    const parsed = await parser.parseFeed(fixture('milenio-news-sitemap.xml'));
    const a = normalizeItem(parsed.items[0]!, feed, { fetchedAt: new Date('2026-11-27T00:00:00Z'), topic });
    expect(a).toMatchObject({ url: 'https://www.milenio.com/policia/detienen-operador-financiero-cjng-jalisco', language: 'es', publishedAt: '2026-11-26T15:41:00.000Z' });
  });

  it('refuses a sitemap index, a plain sitemap and entity declarations with the reason', async () => {
    expect((await parseError('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x/s.xml</loc></sitemap></sitemapindex>')).message).toMatch(/sitemap index/);
    expect((await parseError('<urlset><url><loc>https://x.example/a</loc></url></urlset>')).message).toMatch(/without news:news/);
    const bomb = '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><urlset><url><loc>&b;</loc></url></urlset>';
    expect((await parseError(bomb)).message).toMatch(/entities/);
  });

  it('caps the entries read from a huge sitemap', async () => {
    const entry = (i: number) => `<url><loc>https://x.example/${i}</loc><news:news><news:title>T ${i}</news:title><news:publication_date>2026-11-26T00:00:00Z</news:publication_date></news:news></url>`;
    const xml = `<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">${Array.from({ length: MAX_ITEMS_PER_FEED + 300 }, (_, i) => entry(i)).join('')}</urlset>`;
    expect((await parser.parseFeed(xml)).items).toHaveLength(MAX_ITEMS_PER_FEED);
  });
});

describe('JSON Feed', () => {
  it('reads JSON Feed 1.1 items, falling back to external_url, content_text and 1.0 author', async () => {
    const parsed = await parser.parseFeed(fixture('json-feed-1.1.json'));
    expect(parsed).toMatchObject({ format: 'json-feed', version: '1.1', title: 'Frontera Watch — Security and the border', language: 'en-US' });
    expect(parsed.items[0]).toMatchObject({
      guid: 'https://borderwatch.example.org/2026/11/26/fentanyl-seizures-nogales',
      link: 'https://borderwatch.example.org/2026/11/26/fentanyl-seizures-nogales?utm_campaign=feed',
      summary: 'CBP figures show a drop at Arizona crossings while seizures rise in California.',
      publishedAt: '2026-11-26T14:20:00-07:00',
      author: 'Ana Ruiz',
      categories: ['fentanyl', 'Sinaloa Cartel', 'CBP'],
    });
    expect(parsed.items[1]).toMatchObject({ guid: '8841', link: 'https://apnews.example/article/mexico-extradition-cartel-leaders', author: 'Wire staff', publishedAt: '2026-11-25T19:00:00Z' });
    expect(parsed.items[1]!.content).toContain('transferred 26 people');
    // Wrong types cost the field, not the feed.
    expect(parsed.items[2]).toEqual({ guid: '9001', link: 'https://borderwatch.example.org/2026/11/24/sheinbaum-trump-call', title: 'Sheinbaum and Trump discuss security cooperation in call', publishedAt: '2026-11-24T10:00:00Z' });
  });

  it('reads version 1 and refuses JSON that is not a JSON Feed', async () => {
    expect((await parser.parseFeed('{"version":"https://jsonfeed.org/version/1","title":"x","items":[]}')).version).toBe('1.0');
    expect((await parseError('{"status":"ok","articles":[]}')).message).toMatch(/jsonfeed\.org version/);
    expect((await parseError('[1,2,3]')).message).toMatch(/jsonfeed\.org version/);
    expect((await parseError('{"version":"https://jsonfeed.org/version/1.1","items":{}}')).message).toMatch(/items/);
    expect((await parseError('{"version": "https://jsonfeed.org/version/1.1", "items": [')).message).toMatch(/malformed JSON feed/);
  });

  it('caps the items of a huge JSON feed', async () => {
    const items = Array.from({ length: MAX_ITEMS_PER_FEED * 2 }, (_, i) => ({ id: String(i), url: `https://x.example/${i}`, title: `T ${i}` }));
    const parsed = await parser.parseFeed(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'big', items }));
    expect(parsed.items).toHaveLength(MAX_ITEMS_PER_FEED);
  });
});

describe('RSS and Atom report their format', () => {
  it('names RSS versions, RSS 1.0 and Atom', async () => {
    expect(await parser.parseFeed('<rss version="0.91"><channel><title>x</title></channel></rss>')).toMatchObject({ format: 'rss', version: '0.91' });
    expect((await parser.parseFeed('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>x</title></channel></rdf:RDF>')).format).toBe('rss-1.0');
    expect((await parser.parseFeed('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')).format).toBe('atom');
  });
});
