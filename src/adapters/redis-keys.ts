import type { ChainableCommander, Redis } from 'ioredis';
import type { SubscriberStatus } from '../domain/model.ts';

/**
 * Every Frontera key lives under one prefix so tests and several instances share a Redis without
 * colliding (and so BullMQ's own `bull:` keys never mix with ours).
 */
export function redisKeys(prefix: string) {
  const p = `${prefix}:`;
  return {
    prefix,
    feedState: (feedId: string) => `${p}feed:${feedId}`,
    article: (id: string) => `${p}article:${id}`,
    articlesByPublished: `${p}articles:by-published`,
    /** hash `${feedId}\n${guid}` → article id */
    articleGuids: `${p}articles:guids`,
    /** hash incoming article id → id of the article it was folded into (wire copy, moved URL) */
    articleAliases: `${p}articles:aliases`,
    /** sorted set per 16-bit band value of the SimHash, scored by publishedAt */
    articleBand: (band: number, value: string) => `${p}articles:band:${band}:${value}`,
    digest: (id: string) => `${p}digest:${id}`,
    /** hash { subject, html, text }: kept apart so listing digests never drags 60 KB of HTML along */
    digestRendered: (id: string) => `${p}digest:${id}:rendered`,
    digestsByPeriodEnd: `${p}digests:by-period-end`,
    /** the digest as built, before editors' changes */
    digestBase: (id: string) => `${p}digest:${id}:base`,
    /** lists of JSON audit entries, newest first: every digest, and one digest's */
    audit: `${p}audit`,
    auditOfDigest: (id: string) => `${p}audit:digest:${id}`,
    storyHistory: `${p}stories:last-digest`,
    subscriber: (id: string) => `${p}subscriber:${id}`,
    /** set (with a TTL) while a confirmation email to this subscriber is recent */
    confirmationSent: (id: string) => `${p}subscriber:${id}:confirmation-sent`,
    /** set (with a TTL) while a confirmation email to this inbox (normalised mailbox, hashed) is recent */
    mailboxThrottle: (mailboxHash: string) => `${p}mailbox:${mailboxHash}:confirmation-sent`,
    /** hash keyed hash of an address → JSON { reason, at }: addresses erased or removed stay suppressed */
    suppressed: `${p}subscribers:suppressed`,
    /** the Lua scripts build subscriber keys from this, since the id is only known inside them */
    subscriberPrefix: `${p}subscriber:`,
    subscriberEmails: `${p}subscribers:by-email`,
    subscribersByStatus: (status: SubscriberStatus) => `${p}subscribers:status:${status}`,
    audienceFrozen: (digestId: string) => `${p}delivery:${digestId}:frozen`,
    audience: (digestId: string) => `${p}delivery:${digestId}:audience`,
    deliveries: (digestId: string) => `${p}delivery:${digestId}:records`,
    deliveryCounts: (digestId: string) => `${p}delivery:${digestId}:counts`,
    /** sorted set subscriber id → lease expiry (ms) of every delivery in `sending` */
    deliveryLeases: (digestId: string) => `${p}delivery:${digestId}:leases`,
    /** hash { consecutive, trippedAt, reason }: the policy-rejection circuit breaker of a send */
    deliveryBreaker: (digestId: string) => `${p}delivery:${digestId}:breaker`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

type ScriptCall = (numKeys: number, ...args: (string | number)[]) => unknown;

/**
 * Registers a Lua script with ioredis' defineCommand, which sends EVALSHA and falls back to EVAL
 * on NOSCRIPT (also inside pipelines, where a Redis restart would otherwise fail every command).
 */
export function defineScript(redis: Redis, name: string, lua: string) {
  redis.defineCommand(name, { lua });
  const call = (target: Redis | ChainableCommander): ScriptCall => {
    const fn = (target as unknown as Record<string, ScriptCall | undefined>)[name];
    if (!fn) throw new Error(`script ${name} is not defined on this client`);
    return fn.bind(target);
  };
  return {
    run: (keys: string[], args: (string | number)[]): Promise<unknown> =>
      call(redis)(keys.length, ...keys, ...args) as Promise<unknown>,
    queue: (pipe: ChainableCommander, keys: string[], args: (string | number)[]): void => {
      call(pipe)(keys.length, ...keys, ...args);
    },
  };
}

/** Pipeline results as values, throwing the first command error instead of ignoring it. */
export async function execPipeline(pipe: ChainableCommander): Promise<unknown[]> {
  const results = (await pipe.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
