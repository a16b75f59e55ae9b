import { Redis } from 'ioredis';
import { it } from 'vitest';
import { createRedisStore } from '/work/main/src/adapters/redis-store.ts';
import { startRedis } from '/work/main/test/helpers/redis-server.ts';
it('dbg', async () => {
  const s = await startRedis(); const r = new Redis(s.url); const store = createRedisStore(r, 'dbg');
  const mk = (id: string, feedId: string, fp: string) => ({ id, feedId, outlet: feedId, url: `https://${feedId}/${id}`, title: 't', summary: 's', language: 'es' as const, publishedAt: '2025-03-10T12:00:00.000Z', fetchedAt: '2025-03-10T12:00:00.000Z', relevance: 1, fingerprint: fp, sources: [{ feedId, outlet: feedId, url: `https://${feedId}/${id}` }] });
  console.log(await store.saveArticles([mk('o', 'efe', 'f0f0f0f0f0f0f0f0')]));
  console.log(await store.saveArticles([mk('c', 'milenio', 'f0f0f0f0f0f0f0f7')]));
  console.log(await r.keys('*'), await r.get('dbg:article:o'), await r.hgetall('dbg:articles:aliases'));
  r.disconnect(); await s.stop();
});
