import { FrontError } from '../domain/errors.ts';
import { isPaused } from './preferences.ts';
import type { AuditLog, Clock, DeliveryLedger, DigestStore, Logger, SubscriberStore } from './ports.ts';

export interface StartSendDeps {
  store: DigestStore & SubscriberStore & DeliveryLedger;
  logger: Logger;
  clock: Clock;
  batchSize: number;
}

export interface SendPlan {
  digestId: string;
  audience: number;
  batches: string[][];
}

/**
 * Approves the digest if it is still a draft, freezes its audience (the confirmed subscribers at
 * this moment; a second call keeps the first list) and cuts it into batches of subscriber ids.
 * Re-running is safe: the ledger, not this plan, decides who still gets a message.
 */
export async function planSend(deps: StartSendDeps, digestId: string): Promise<SendPlan> {
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
  if (digest.status === 'draft' || digest.status === 'approved') await store.transitionDigest(digestId, ['draft', 'approved'], 'sending');
  // Readers who paused (preferences) are not in this audience.
  const now = deps.clock.now();
  const confirmed = (await store.listSubscribers('confirmed')).filter((s) => !isPaused(s, now)).map((s) => s.id);
  const audience = await store.freezeAudience(digestId, confirmed);
  const batches: string[][] = [];
  for (let i = 0; i < audience.length; i += deps.batchSize) batches.push(audience.slice(i, i + deps.batchSize));
  logger.info({ digestId, audience: audience.length, batches: batches.length }, 'send.planned');
  if (audience.length === 0) await store.setDigestStatus(digestId, 'sent');
  return { digestId, audience: audience.length, batches };
}

/** Marks the digest sent once no delivery is waiting or in flight. */
export async function settleDigest(store: DigestStore & DeliveryLedger & Partial<AuditLog>, digestId: string, clock: Clock, logger: Logger): Promise<boolean> {
  const counts = await store.deliveryCounts(digestId);
  if (counts.pending > 0 || counts.sending > 0) return false;
  const digest = await store.getDigest(digestId);
  if (digest && digest.status !== 'sent') {
    await store.setDigestStatus(digestId, 'sent');
    logger.info({ digestId, ...counts, at: clock.now().toISOString() }, 'digest.sent');
    await store.recordAudit?.({
      actor: 'system',
      action: 'sent',
      digestId,
      detail: `accepted ${counts.sent}, bounced ${counts.bounced}, failed ${counts.failed}, uncertain ${counts.uncertain}, skipped ${counts.skipped}`,
    });
  }
  return true;
}
