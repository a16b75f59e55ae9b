import type { FeedConfig } from '../domain/model.ts';
import type { ArticleStore } from './ports.ts';

/**
 * Outlets whose feed failed for the whole window: tried (and failed) during it, with no success
 * since it began. A feed never tried in the window, or disabled, is not "missing": nothing was
 * expected from it. The digest names them so readers know what coverage is absent.
 */
export async function missingSources(store: Pick<ArticleStore, 'getFeedState'>, feeds: FeedConfig[], from: Date, to: Date): Promise<string[]> {
  const names = new Set<string>();
  for (const feed of feeds) {
    if (!feed.enabled) continue;
    const state = await store.getFeedState(feed.id);
    const failedAt = state?.lastFailureAt ? Date.parse(state.lastFailureAt) : NaN;
    if (!(failedAt >= from.getTime() && failedAt <= to.getTime())) continue;
    const succeededAt = state?.lastSuccessAt ? Date.parse(state.lastSuccessAt) : -Infinity;
    if (succeededAt < from.getTime()) names.add(feed.name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}
