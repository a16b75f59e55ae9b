import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoEviction, createRedis } from '../../src/adapters/redis-connection.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('assertNoEviction', () => {
  it('accepts noeviction', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await expect(assertNoEviction(redis)).resolves.toBeUndefined();
  });

  it('refuses an evicting policy and names it', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const err = await assertNoEviction(redis).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REDIS_EVICTION_POLICY', permanent: true });
    expect((err as Error).message).toContain('allkeys-lru');
    expect((err as Error).message).toContain('noeviction');
  });

  it('falls back to INFO memory when CONFIG is unavailable (managed Redis)', async () => {
    await redis.config('SET', 'maxmemory-policy', 'volatile-ttl');
    const noConfig = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === 'call') return async () => { throw new Error("ERR unknown command 'CONFIG'"); };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(assertNoEviction(noConfig)).rejects.toThrow(/volatile-ttl/);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await expect(assertNoEviction(noConfig)).resolves.toBeUndefined();
  });

  it('creates clients for the store and for BullMQ with the right retry settings', () => {
    const forQueue = createRedis(server.url, { forBullmq: true });
    expect(forQueue.options.maxRetriesPerRequest).toBeNull();
    expect(redis.options.maxRetriesPerRequest).toBeGreaterThan(0);
    forQueue.disconnect();
  });
});
