import { FrontError } from '../domain/errors.ts';
import type { Digest } from '../domain/model.ts';
import type { DigestStore } from './ports.ts';

/** Issues readers have seen or will see: a new window must not overlap any of them. */
export const ISSUED: ReadonlySet<Digest['status']> = new Set(['approved', 'sending', 'sent']);

/**
 * The issued digest whose period overlaps [from, to), if any. Overlapping issues made every story of
 * the third of three overlapping weeks "continuing from an earlier issue"; a window now starts where
 * the last issue ended, and an explicit --from earlier than that is refused.
 */
export async function overlappingIssue(store: DigestStore, from: Date, to: Date, except?: string): Promise<Digest | undefined> {
  for (const d of await store.listDigests(50)) {
    if (d.id === except || !ISSUED.has(d.status)) continue;
    if (from < new Date(d.periodEnd) && to > new Date(d.periodStart)) return d;
  }
  return undefined;
}

export async function assertNoOverlap(store: DigestStore, from: Date, to: Date, except?: string): Promise<void> {
  const hit = await overlappingIssue(store, from, to, except);
  if (hit) {
    throw new FrontError(
      'DIGEST_WINDOW_OVERLAP',
      `the window ${from.toISOString()} → ${to.toISOString()} overlaps issue ${hit.id} (${hit.status}, ${hit.periodStart} → ${hit.periodEnd}); ` +
        `start at or after ${hit.periodEnd}`,
      { permanent: true },
    );
  }
}
