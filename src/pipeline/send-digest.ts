import { FrontError } from '../domain/errors.ts';
import type { DeliveryState, DigestStatus } from '../domain/model.ts';
import type { AuditLog, Clock, DeliveryLedger, DigestStore, Logger, SendBreaker, SubscriberStore } from './ports.ts';

export interface StartSendDeps {
  store: DigestStore & SubscriberStore & DeliveryLedger;
  logger: Logger;
  clock: Clock;
  batchSize: number;
}

export interface SendPlan {
  digestId: string;
  audience: number;
  /** Deliveries handed to batches by this plan (all of them on a first send; pending and failed after). */
  planned: number;
  /** Failed deliveries put back to pending for this send. */
  requeued: number;
  /** `sending` deliveries whose lease had run out, now uncertain. */
  expired: number;
  /** The batches, when planSend was called without `enqueue` (small sends, tests). */
  batches: string[][];
}

/**
 * Approves the digest if it is still a draft, freezes its audience (the confirmed subscribers at
 * this moment; a later call keeps the first list) and hands batches of subscriber ids to
 * `enqueue` as the freeze streams through the list, so the first message leaves before 100,000
 * ids have been read. Run again, it turns expired leases into `uncertain`, puts `failed` back to
 * `pending` and plans only those. The ledger, not this plan, decides who gets a message.
 */
export async function planSend(deps: StartSendDeps, digestId: string, enqueue?: (batches: string[][]) => Promise<void>): Promise<SendPlan> {
  const { store, logger } = deps;
  const digest = await store.getDigest(digestId);
  if (!digest) throw new FrontError('DIGEST_NOT_FOUND', `No digest with id ${digestId}`, { permanent: true });
  if (!(await store.getRendered(digestId))) {
    throw new FrontError('DIGEST_NOT_SENDABLE', `Digest ${digestId} has no rendered body; build it again`, { permanent: true });
  }
  if (digest.status === 'held' || digest.status === 'discarded') {
    throw new FrontError('DIGEST_STATE', `digest ${digestId} is ${digest.status}; approve it first (\`frontera approve ${digestId}\`)`, { permanent: true });
  }
  // Conditional, so a hold or discard that lands now is never overwritten by the send.
  if (digest.status !== 'sending') {
    await store.transitionDigest(digestId, ['draft', 'approved', 'sent', 'partially_sent', 'paused'], 'sending');
  }
  const expired = await store.expireLeases(digestId);

  const kept: string[][] = [];
  const emit = enqueue ?? (async (b: string[][]) => void kept.push(...b));
  let buffer: string[] = [];
  let planned = 0;
  const flush = async (all: boolean) => {
    const batches: string[][] = [];
    while (buffer.length >= deps.batchSize || (all && buffer.length > 0)) batches.push(buffer.splice(0, deps.batchSize));
    if (batches.length) await emit(batches);
  };
  const onChunk = async (ids: string[]) => {
    planned += ids.length;
    buffer = buffer.concat(ids);
    await flush(false);
  };
  // Readers who paused their subscription (preferences) are left out of the audience.
  const frozen = await store.freezeConfirmed(digestId, onChunk, { pausedBefore: deps.clock.now() });
  const again = frozen.frozenNow ? { requeued: 0 } : await store.requeuePending(digestId, onChunk);
  await flush(true);
  const plan = { digestId, audience: frozen.audience, planned, requeued: again.requeued, expired, batches: kept };
  logger.info({ digestId, audience: plan.audience, planned, requeued: plan.requeued, expired }, 'send.planned');
  if (planned === 0) await settleDigest(store, digestId, deps.clock, logger);
  return plan;
}

/**
 * The digest's status from its ledger: `paused` while the breaker is tripped; otherwise, once
 * nothing is pending or in flight, `sent` only if every delivery settled as sent, bounced or
 * skipped, else `partially_sent`. Returns undefined while the send is still under way.
 */
export async function settleDigest(
  store: DigestStore & DeliveryLedger & Partial<AuditLog>,
  digestId: string,
  clock: Clock,
  logger: Logger,
): Promise<DigestStatus | undefined> {
  const [counts, breaker] = await Promise.all([store.deliveryCounts(digestId), store.sendBreaker(digestId)]);
  let status: DigestStatus;
  if (breaker.trippedAt) status = 'paused';
  else if (counts.pending > 0 || counts.sending > 0) return undefined;
  else status = counts.failed + counts.uncertain > 0 ? 'partially_sent' : 'sent';
  const digest = await store.getDigest(digestId);
  if (digest && digest.status !== status) {
    await store.setDigestStatus(digestId, status);
    logger.info({ digestId, status, ...counts, at: clock.now().toISOString() }, `digest.${status}`);
    await store.recordAudit?.({
      actor: 'system',
      action: status,
      digestId,
      detail: `accepted ${counts.sent}, bounced ${counts.bounced}, failed ${counts.failed}, uncertain ${counts.uncertain}, skipped ${counts.skipped}`,
    });
  }
  return status;
}

export interface SendOutcome {
  status: DigestStatus | undefined;
  counts: Record<DeliveryState, number>;
  breaker: SendBreaker;
}

/**
 * After the batches: deliveries still `sending` belong to a process that is either finishing
 * them or dead. Wait for their leases (the only way to tell), turn the expired ones into
 * `uncertain`, then settle the digest's status.
 */
export async function finishSend(
  store: DigestStore & DeliveryLedger & Partial<AuditLog>,
  digestId: string,
  deps: { clock: Clock; logger: Logger; onWait?: (inFlight: number, leaseEnds: Date | undefined) => void },
): Promise<SendOutcome> {
  for (;;) {
    await store.expireLeases(digestId);
    const counts = await store.deliveryCounts(digestId);
    if (counts.sending <= 0) break;
    const next = await store.nextLeaseExpiry(digestId);
    // `sending` without a lease (a ledger written before leases existed): nothing will expire it.
    if (!next) break;
    deps.onWait?.(counts.sending, next);
    await new Promise((r) => setTimeout(r, Math.max(50, Math.min(500, (next?.getTime() ?? 0) - Date.now() + 20))));
  }
  const status = await settleDigest(store, digestId, deps.clock, deps.logger);
  const [counts, breaker] = await Promise.all([store.deliveryCounts(digestId), store.sendBreaker(digestId)]);
  return { status, counts, breaker };
}
