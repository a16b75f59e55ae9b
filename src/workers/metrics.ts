import type { App } from '../app.ts';

/**
 * Counters that /metrics (the web process) exposes, kept in one Redis hash because the workers that
 * count them run in other processes. HINCRBY is atomic, so several workers add up correctly.
 */
export const metricsKey = (prefix: string) => `${prefix}:metrics`;

export async function recordFetch(app: App, result: string): Promise<void> {
  await app.redis.hincrby(metricsKey(app.config.env.REDIS_PREFIX), `feed_fetch:${result}`, 1).catch(() => undefined);
}

export async function recordBuild(app: App, seconds: number): Promise<void> {
  const key = metricsKey(app.config.env.REDIS_PREFIX);
  await app.redis
    .multi()
    .hincrbyfloat(key, 'build_seconds_sum', seconds)
    .hincrby(key, 'build_count', 1)
    .hset(key, 'build_last_seconds', seconds.toFixed(3))
    .exec()
    .catch(() => undefined);
}
