import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { loadTopic } from '../../src/config/files.ts';
import { detectLanguage } from '../../src/domain/articles.ts';
import { simhash } from '../../src/domain/duplicates.ts';
import { buildDigest, type BuildDeps } from '../../src/pipeline/build-digest.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { makeArticle } from '../unit/article-factory.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const DAY = 24;

/**
 * Two weekly builds over a real store: a development that goes on into the second week keeps its
 * story id, and the second issue marks it as continuing with a link to the first issue's archive.
 */
describe('stories that continue into the next week', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: Store;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    store = createRedisStore(client, 'weeks');
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  function deps(now: Date): BuildDeps {
    return {
      store,
      clock: { now: () => now },
      logger: quiet,
      topic: loadTopic('config/topic.yaml'),
      feeds: [],
      windowDays: 7,
      limits: { maxStories: 24, maxPerTheme: 6 },
      publicUrl: 'https://frontera.test',
      postalAddress: 'Apartado Postal 123, CDMX',
    };
  }

  // Real fingerprints and languages, as collect would give them (the factory's are placeholders).
  const tariff = (id: string, hour: number, outlet: string, title: string, summary: string) => ({
    ...makeArticle({ id, hour, feedId: outlet.toLowerCase().replace(/\W+/g, '-'), outlet, title, summary, relevance: 10 }),
    fingerprint: simhash(`${title} ${summary}`),
    language: detectLanguage(`${title} ${summary}`),
  });

  it('keeps the story id and links the earlier issue', async () => {
    await store.saveArticles([
      tariff('w1a', 10, 'Reuters', 'Trump threatens 30% tariff on Mexican imports over fentanyl', 'President Donald Trump said he would impose a 30% tariff on goods from Mexico unless fentanyl trafficking across the border falls, and Economy Minister Marcelo Ebrard said Mexico would negotiate.'),
      tariff('w1b', 14, 'El Universal', 'Ebrard viajará a Washington para negociar ante amenaza de arancel de 30%', 'El secretario de Economía, Marcelo Ebrard, dijo que México buscará negociar con Estados Unidos el arancel de 30% anunciado por Donald Trump por el tráfico de fentanilo.'),
      tariff('w1c', 30, 'Milenio', 'Detienen a 12 en Culiacán tras enfrentamiento con la Marina', 'Elementos de la Marina detuvieron a 12 presuntos integrantes del Cártel de Sinaloa tras un enfrentamiento en Culiacán.'),
    ]);
    const week1 = await buildDigest(deps(new Date('2026-11-27T00:00:00Z')), { from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-27T00:00:00Z') });
    expect(week1.status).toBe('built');
    const first = await store.getDigest((week1 as { digestId: string }).digestId);
    await store.setDigestStatus(first!.id, 'sent');
    const tariffStory = first!.themes.flatMap((t) => t.stories).find((s) => s.articles.some((a) => a.id === 'w1a'))!;

    await store.saveArticles([
      tariff('w2a', 7 * DAY + 20, 'Reuters', 'Mexico and US reach deal to delay 30% tariff as Ebrard meets Lutnick', 'Mexico and the United States agreed to delay the 30% tariff Donald Trump threatened over fentanyl, Economy Minister Marcelo Ebrard said after talks in Washington.'),
      tariff('w2b', 7 * DAY + 26, 'El País México', 'Ebrard logra aplazar el arancel de 30% de Trump a México', 'Marcelo Ebrard anunció que Estados Unidos aplazará el arancel de 30% a productos mexicanos mientras continúan las negociaciones sobre fentanilo.'),
      tariff('w2c', 8 * DAY, 'Milenio', 'Aseguran narcolaboratorio en Cosalá, Sinaloa', 'La Defensa aseguró un laboratorio clandestino de metanfetamina en la sierra de Cosalá, Sinaloa.'),
    ]);
    const week2 = await buildDigest(deps(new Date('2026-12-04T00:00:00Z')), { to: new Date('2026-12-04T00:00:00Z') });
    expect(week2.status).toBe('built');
    // The window starts where the sent issue ended.
    expect((week2 as { from: string }).from).toBe('2026-11-27T00:00:00.000Z');
    const second = await store.getDigest((week2 as { digestId: string }).digestId);
    const stories = second!.themes.flatMap((t) => t.stories);
    const continuing = stories.find((s) => s.articles.some((a) => a.id === 'w2a'))!;
    expect(continuing.articles.map((a) => a.id).sort()).toEqual(['w2a', 'w2b']);
    expect(continuing.id).toBe(tariffStory.id);
    expect(continuing.continuesFrom).toEqual({ digestId: first!.id, url: `https://frontera.test/archive/${first!.id}` });
    const fresh = stories.find((s) => s.articles.some((a) => a.id === 'w2c'))!;
    expect(fresh.continuesFrom).toBeUndefined();
    // The rendered issue tells the reader, with the link.
    const rendered = await store.getRendered(second!.id);
    expect(rendered!.html).toContain(`https://frontera.test/archive/${first!.id}`);
  });
});
