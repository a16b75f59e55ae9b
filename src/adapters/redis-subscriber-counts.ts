import type { Redis } from 'ioredis';
import { SubscriberStatus } from '../domain/model.ts';
import type { SubscriberCounts } from '../pipeline/ports.ts';
import type { RedisKeys } from './redis-keys.ts';

/** Counts from the per-status sets in one round trip (SCARD is O(1)): status and /metrics never list everyone. */
export function createSubscriberCounts(redis: Redis, k: RedisKeys): SubscriberCounts {
  return {
    async countSubscribers() {
      const pipe = redis.pipeline();
      for (const s of SubscriberStatus.options) pipe.scard(k.subscribersByStatus(s));
      const results = (await pipe.exec()) ?? [];
      return Object.fromEntries(
        SubscriberStatus.options.map((s, i) => {
          const [err, n] = results[i] ?? [null, 0];
          if (err) throw err;
          return [s, Number(n)];
        }),
      ) as Record<SubscriberStatus, number>;
    },
  };
}
