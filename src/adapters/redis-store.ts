import type { Redis } from 'ioredis';
import type { Store } from '../pipeline/ports.ts';
import type { SaveOptions } from './redis-article-save.ts';
import { DEFAULT_SAVE_OPTIONS, createArticleStore } from './redis-articles.ts';
import { createAuditLog } from './redis-audit.ts';
import { createSubscriberCounts } from './redis-subscriber-counts.ts';
import { createDigestStore } from './redis-digests.ts';
import { redisKeys } from './redis-keys.ts';
import { createDeliveryLedger } from './redis-ledger.ts';
import { createSubscriberStore } from './redis-subscribers.ts';
import { createSubscriberBulkStore } from './redis-subscribers-bulk.ts';

/**
 * The whole Store on one Redis, every key under `${prefix}:`. Call assertNoEviction on the
 * connection first (redis-connection.ts): the ledger and email index must never be evicted.
 */
export function createRedisStore(redis: Redis, prefix: string, options: Partial<SaveOptions> = {}): Store {
  const k = redisKeys(prefix);
  return {
    ...createArticleStore(redis, k, { ...DEFAULT_SAVE_OPTIONS, ...options }),
    ...createDigestStore(redis, k),
    ...createSubscriberStore(redis, k),
    ...createSubscriberBulkStore(redis, k),
    ...createDeliveryLedger(redis, k),
    ...createAuditLog(redis, k),
    ...createSubscriberCounts(redis, k),
  };
}
