import type { FeedState } from './ports.ts';

/**
 * Per-feed backoff after failures: capped exponential with jitter, never a give-up. The first
 * retry comes after ~10 minutes, then 20, 40 … up to 12 hours, where it stays until the feed
 * works again (status shows the failures, the last error and the next attempt). A server's
 * Retry-After is a floor: we never come back sooner than it asked.
 */
export const BACKOFF_BASE_MS = 10 * 60_000;
export const BACKOFF_CAP_MS = 12 * 3_600_000;
/** A retry that fires this close to its due time is not deferred again (timer and clock drift). */
const DUE_SLACK_MS = 2_000;

export function retryDelayMs(failures: number, retryAfterMs: number | undefined, random: () => number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  // "Equal jitter": half fixed, half random, so feeds that failed together don't return together.
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export function isBackingOff(state: FeedState, now: Date): boolean {
  if (!state.nextAttemptAt) return false;
  return Date.parse(state.nextAttemptAt) - now.getTime() > DUE_SLACK_MS;
}
