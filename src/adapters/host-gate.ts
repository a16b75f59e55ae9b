import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FrontError } from '../domain/errors.ts';

/**
 * Per-host politeness: at most one request at a time to a host, and at least `minIntervalMs`
 * between the end of one request and the start of the next (longer after a 429/503 whose
 * Retry-After asks for it). Several feeds and article pages often live on one host, and
 * publishers block clients that hammer them, whatever the feed count.
 */
export interface HostGate {
  /** Waits for the host's turn; the returned release takes the gap the host asked for, if any. */
  acquire(host: string, signal?: AbortSignal): Promise<(gapMs?: number) => Promise<void>>;
}

export interface HostGateOptions {
  minIntervalMs: number;
  /** A turn that would start later than this is refused (transient), so no worker idles for long. */
  maxWaitMs: number;
  /** A crashed holder's turn expires after this; longer than any fetch's total timeout. */
  leaseMs: number;
}

/**
 * Shared across every worker process through Redis, so the interval holds for the whole
 * deployment, not per process. One script takes the turn (lock free and interval elapsed, by the
 * server's clock) and one hands it back; both compare tokens, so an expired holder can't release a
 * newer holder's turn.
 */
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('PTTL', KEYS[1])
if held > 0 then return -held end
local nextAt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nextAt > now then return nextAt - now end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 0`;

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local gap = tonumber(ARGV[2])
if gap > 0 then
  local t = redis.call('TIME')
  local nextAt = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + gap
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  if nextAt > current then redis.call('SET', KEYS[2], nextAt, 'PX', gap) end
end
return 1`;

/** How often a waiter looks again while another request to the host is in flight. */
const POLL_MS = 50;

export function createRedisHostGate(redis: Redis, prefix: string, opts: HostGateOptions): HostGate {
  const keys = (host: string) => [`${prefix}:host:${host}:turn`, `${prefix}:host:${host}:next-at`];
  return {
    async acquire(host, signal) {
      const token = randomUUID();
      const [turn, nextAt] = keys(host);
      await waitForTurn(host, opts.maxWaitMs, signal, async () => {
        const r = Number(await redis.eval(ACQUIRE_LUA, 2, turn!, nextAt!, token, opts.leaseMs));
        return r < 0 ? { busyMs: -r } : r > 0 ? { waitMs: r } : {};
      });
      return async (gapMs = opts.minIntervalMs) => {
        await redis.eval(RELEASE_LUA, 2, turn!, nextAt!, token, Math.max(0, Math.round(gapMs)));
      };
    },
  };
}

/** One process only (`feeds check`, unit tests): the same rules without Redis. */
export function createLocalHostGate(opts: HostGateOptions): HostGate {
  const hosts = new Map<string, { held: boolean; nextAt: number }>();
  return {
    async acquire(host, signal) {
      await waitForTurn(host, opts.maxWaitMs, signal, async () => {
        const h = hosts.get(host) ?? { held: false, nextAt: 0 };
        hosts.set(host, h);
        if (h.held) return { busyMs: opts.leaseMs };
        if (h.nextAt > Date.now()) return { waitMs: h.nextAt - Date.now() };
        h.held = true;
        return {};
      });
      return async (gapMs = opts.minIntervalMs) => {
        const h = hosts.get(host)!;
        h.held = false;
        h.nextAt = Math.max(h.nextAt, Date.now() + gapMs);
      };
    },
  };
}

async function waitForTurn(
  host: string,
  maxWaitMs: number,
  signal: AbortSignal | undefined,
  tryTake: () => Promise<{ busyMs?: number; waitMs?: number }>,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    signal?.throwIfAborted();
    const { busyMs, waitMs } = await tryTake();
    if (busyMs === undefined && waitMs === undefined) return;
    const waited = Date.now() - started;
    if (waitMs !== undefined && waited + waitMs > maxWaitMs) {
      throw new FrontError('FEED_HOST_BUSY', `${host} asked for a pause of ${Math.ceil(waitMs / 1000)} s; trying later`, {
        retryAfterMs: waitMs,
      });
    }
    if (waited > maxWaitMs) {
      throw new FrontError('FEED_HOST_BUSY', `${host} stayed busy with other requests for ${Math.ceil(waited / 1000)} s; trying later`, {
        retryAfterMs: maxWaitMs,
      });
    }
    await sleep(waitMs ?? Math.min(POLL_MS, busyMs!), signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => (clearTimeout(timer), reject(signal!.reason));
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
