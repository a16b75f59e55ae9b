import type { Clock, CompactionResult, DeliveryLedger, DigestStore, LedgerCompactor, Logger } from './ports.ts';

export interface CompactDeps {
  store: DigestStore & DeliveryLedger;
  compactor: LedgerCompactor;
  clock: Clock;
  logger: Logger;
  /** Days an issue must have been quiet (no delivery changed) before it is compacted. */
  afterDays: number;
}

export type CompactOutcome =
  | { digestId: string; compacted: true; result: CompactionResult }
  | { digestId: string; compacted: false; reason: string };

const DAY_MS = 86_400_000;

/**
 * Compacts one issue's ledger if it has settled: nothing pending or in flight, the digest past
 * `sending`, and no delivery changed for `afterDays` (late bounces mostly arrive within days; one
 * that comes after compaction is still applied, see redis-late-reports.ts).
 */
export async function compactDigestLedger(deps: CompactDeps, digestId: string, opts: { force?: boolean } = {}): Promise<CompactOutcome> {
  const digest = await deps.store.getDigest(digestId);
  if (!digest) return { digestId, compacted: false, reason: 'no such digest' };
  const done = await deps.compactor.compactionInfo(digestId);
  if (done) return { digestId, compacted: false, reason: `already compacted at ${done.compactedAt}` };
  const counts = await deps.store.deliveryCounts(digestId);
  if (digest.status === 'draft' || digest.status === 'approved' || digest.status === 'sending' || counts.pending > 0 || counts.sending > 0) {
    return { digestId, compacted: false, reason: `not settled (status ${digest.status}, ${counts.pending} pending, ${counts.sending} sending)` };
  }
  const last = await deps.compactor.lastActivity(digestId);
  if (!last) return { digestId, compacted: false, reason: 'no deliveries recorded' };
  const quietDays = (deps.clock.now().getTime() - Date.parse(last)) / DAY_MS;
  if (!opts.force && quietDays < deps.afterDays) {
    return { digestId, compacted: false, reason: `last delivery change ${quietDays.toFixed(1)} days ago; compacts after ${deps.afterDays}` };
  }
  const result = await deps.compactor.compactDeliveries(digestId);
  deps.logger.info({ ...result }, 'ledger.compacted');
  return { digestId, compacted: true, result };
}

/** The automatic job: every settled issue among the latest `scan` digests. */
export async function compactSettledLedgers(deps: CompactDeps, scan = 200): Promise<CompactOutcome[]> {
  const out: CompactOutcome[] = [];
  for (const digest of await deps.store.listDigests(scan)) out.push(await compactDigestLedger(deps, digest.id));
  return out;
}
