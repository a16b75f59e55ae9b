import type { DeliveryState } from '../domain/model.ts';
import { overlappingIssue } from '../pipeline/digest-window.ts';
import type { DeliveryLedger, DigestStore } from '../pipeline/ports.ts';
import { UsageError } from './usage-error.ts';

/**
 * Checks made before anything is queued, so a mistake is a usage error naming the problem instead
 * of a job that fails later in a worker.
 */
export async function checkBuildWindow(store: DigestStore, window: { from?: Date; to: Date }): Promise<void> {
  if (!window.from) return;
  const hit = await overlappingIssue(store, window.from, window.to);
  if (hit) {
    throw new UsageError(
      `--from ${window.from.toISOString()} overlaps issue ${hit.id} (${hit.status}, ${hit.periodStart} → ${hit.periodEnd}); ` +
        `windows never overlap an issue readers got: use --from ${hit.periodEnd} or later`,
    );
  }
}

export async function checkSendable(
  store: DigestStore & DeliveryLedger,
  digestId: string,
): Promise<{ alreadySent: boolean; counts: Record<DeliveryState, number> }> {
  const digest = await store.getDigest(digestId);
  if (!digest) throw new UsageError(`no digest with id ${digestId} (see \`frontera digest list\`)`);
  if (digest.status === 'held') throw new UsageError(`digest ${digestId} is held; \`frontera approve ${digestId}\` first`);
  if (digest.status === 'discarded') throw new UsageError(`digest ${digestId} was discarded; build the week again to send it`);
  if (!(await store.getRendered(digestId))) throw new UsageError(`digest ${digestId} has no rendered body; build it again`);
  if (digest.status === 'draft' || digest.status === 'approved') {
    const hit = await overlappingIssue(store, new Date(digest.periodStart), new Date(digest.periodEnd), digestId);
    if (hit) throw new UsageError(`digest ${digestId} overlaps issue ${hit.id} (${hit.status}); readers would get the same week twice. Discard it.`);
  }
  const counts = await store.deliveryCounts(digestId);
  // A sent digest with failed deliveries is sent again on purpose: the ledger retries just those.
  const alreadySent = digest.status === 'sent' && counts.failed === 0 && counts.pending === 0;
  return { alreadySent, counts };
}
