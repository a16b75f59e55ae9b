import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { summarizeStory } from '../../src/domain/summaries.ts';
import { collectFeed } from '../../src/pipeline/collect-feed.ts';
import { serveLoopback, type LoopbackServer } from '../helpers/loopback-server.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const page = (name: string) => readFileSync(`test/fixtures/pages/${name}`, 'utf8');

/** A teaser-only feed whose article pages are saved pages served from loopback. */
describe('full text for teaser-only feeds', () => {
  let redis: TestRedis;
  let app: App;
  let dir: string;
  let site: LoopbackServer;
  let internal: LoopbackServer;
  const warnings: Record<string, unknown>[] = [];
  const logger = { ...quiet, warn: (o: Record<string, unknown>) => void warnings.push(o) };

  beforeAll(async () => {
    redis = await startRedis();
    internal = await serveLoopback((_q, res) => void res.end(page('article-es.html')), '127.0.0.1');
    const items = [
      ['operador', 'Detienen en Jalisco a presunto operador financiero del CJNG'],
      ['sheinbaum', 'Sheinbaum rechaza intervención militar de EU contra los cárteles'],
      ['paywall', 'Cártel de Sinaloa: exclusiva para suscriptores sobre el fentanilo'],
      ['huge', 'Extraditan a capos del Cártel de Sinaloa acusados de traficar fentanilo'],
      ['internal', 'Cártel del Golfo: operativo en Tamaulipas contra el narcotráfico'],
      ['informe', 'Informe de la DEA sobre el Cártel de Sinaloa y el fentanilo'],
      ['futbol', 'Resultados de la jornada 17 de la Liga MX'],
    ];
    site = await serveLoopback((req, res) => {
      const path = req.url ?? '/';
      if (path === '/feed.xml') {
        const xml = `<rss version="2.0"><channel><title>Diario Ejemplo</title>${items
          .map(([slug, title]) => `<item><title>${title}</title><link>${site.url}/news/${slug}</link><description>Las autoridades dieron a conocer los detalles. Lee más.</description><pubDate>${new Date().toUTCString()}</pubDate></item>`)
          .join('')}</channel></rss>`;
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml);
      }
      const pages: Record<string, () => void> = {
        '/news/operador': () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('article-es.html')),
        '/news/sheinbaum': () => res.writeHead(200, { 'content-type': 'text/html' }).end(page('hostile.html')),
        '/news/informe': () => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 Cártel de Sinaloa'),
        '/news/paywall': () => res.writeHead(200, { 'content-type': 'text/html' }).end(page('no-article.html')),
        '/news/huge': () => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><article>${'<p>relleno '.repeat(100_000)}</article></body></html>`),
        // A redirect to an address FETCH_ALLOW_PRIVATE does not name: the guard covers pages too.
        '/news/internal': () => res.writeHead(302, { location: `${internal.url}/secret` }).end(),
      };
      (pages[path] ?? (() => res.writeHead(404).end()))();
    }, '127.0.0.9');
    dir = mkdtempSync(join(tmpdir(), 'frontera-fulltext-'));
    writeFileSync(join(dir, 'feeds.yaml'), `feeds:\n  - { id: diario, name: Diario Ejemplo, url: "${site.url}/feed.xml", language: es, country: MX, fullText: auto }\n`);
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: 'ft', DATA_DIR: dir, FETCH_ALLOW_PRIVATE: '127.0.0.9', FETCH_HOST_INTERVAL_MS: '0', FETCH_MAX_BYTES: '500000' };
    app = await createApp(loadConfig(env, { feedsFile: join(dir, 'feeds.yaml') }), { logger: quiet });
  });

  afterAll(async () => {
    await app?.close();
    await site?.close();
    await internal?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const collect = () =>
    collectFeed({ fetcher: app.fetcher, parser: app.parser, extractor: app.extractor, store: app.store, clock: { now: () => new Date() }, logger, topic: app.config.topic }, app.config.feeds[0]!);
  const requestsFor = (path: string) => site.requests.filter((r) => r.url === path).length;

  it('stores the main text beside the teaser; pages without an article, not HTML, huge or refused leave the teaser and never fail the feed', async () => {
    const result = await collect();
    expect(result.status).toBe('collected');
    expect(result.fullText).toEqual({ fetched: 2, failed: 4 });
    const byUrl = new Map((await app.store.articlesBetween(new Date(Date.now() - 86_400_000), new Date(Date.now() + 60_000))).map((a) => [new URL(a.url).pathname, a]));
    const operador = byUrl.get('/news/operador')!;
    expect(operador.summary).toContain('Lee más');
    expect(operador.fullText).toContain('una red de empresas fachada');
    expect(operador.fullText).not.toContain('Receta de pozole');
    const hostile = byUrl.get('/news/sheinbaum')!.fullText!;
    expect(hostile).toContain('la cooperación en seguridad se basa en el respeto a la soberanía');
    expect(hostile).not.toMatch(/INJECTED|alert|onerror|<|evil\.example/);
    for (const p of ['/news/paywall', '/news/huge', '/news/internal', '/news/informe']) expect(byUrl.get(p)!.fullText, p).toBeUndefined();
    expect(warnings.map((w) => w.code).sort()).toEqual(['FEED_TOO_LARGE', 'FETCH_REFUSED', 'PAGE_NO_ARTICLE', 'PAGE_NO_ARTICLE']);
    expect(warnings.every((w) => w.feedId === 'diario')).toBe(true);
    expect(internal.requests).toHaveLength(0);
    // Not relevant: its page is never fetched.
    expect(requestsFor('/news/futbol')).toBe(0);
  });

  it('does not fetch a page again once its full text is stored', async () => {
    await collect();
    expect(requestsFor('/news/operador')).toBe(1);
    expect(requestsFor('/news/sheinbaum')).toBe(1);
  });

  it('the summariser draws on the full text when the feed gave only a teaser', async () => {
    const articles = await app.store.articlesBetween(new Date(Date.now() - 86_400_000), new Date(Date.now() + 60_000));
    const operador = articles.find((a) => a.url.endsWith('/news/operador'))!;
    const summary = summarizeStory([operador]);
    expect(summary.sentences.map((s) => s.text).join(' ')).toMatch(/Zapopan|empresas fachada|Unidad de Inteligencia Financiera/);
  });
});
