import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '../pipeline/ports.ts';
import type { RedisKeys } from './redis-keys.ts';

/** Enough for years of weekly issues; one digest's own trail is never trimmed below its events. */
const KEEP = 10_000;

export function createAuditLog(redis: Redis, k: RedisKeys): AuditLog {
  return {
    async recordAudit(input) {
      const entry: AuditEntry = { at: input.at ?? new Date().toISOString(), actor: input.actor, action: input.action };
      if (input.digestId) entry.digestId = input.digestId;
      if (input.detail) entry.detail = input.detail.slice(0, 500);
      const json = JSON.stringify(entry);
      const multi = redis.multi().lpush(k.audit, json).ltrim(k.audit, 0, KEEP - 1);
      if (entry.digestId) multi.lpush(k.auditOfDigest(entry.digestId), json);
      await multi.exec();
    },
    async listAudit(opts = {}) {
      const limit = Math.max(1, Math.min(opts.limit ?? 50, KEEP));
      const key = opts.digestId ? k.auditOfDigest(opts.digestId) : k.audit;
      return (await redis.lrange(key, 0, limit - 1)).map((j) => JSON.parse(j) as AuditEntry);
    },
  };
}
