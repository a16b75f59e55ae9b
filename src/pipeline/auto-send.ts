import type { Digest } from '../domain/model.ts';
import type { AuditLog, DigestStore } from './ports.ts';
import { overlappingIssue } from './digest-window.ts';

/** The most recently built digest (not the latest window: an editor may rebuild an older week). */
export async function latestBuilt(store: DigestStore, statuses?: Digest['status'][]): Promise<Digest | undefined> {
  const digests = (await store.listDigests(50)).filter((d) => !statuses || statuses.includes(d.status));
  return digests.reduce<Digest | undefined>((best, d) => (!best || d.createdAt > best.createdAt ? d : best), undefined);
}

export type AutoSendDecision = { send: true; digestId: string } | { send: false; reason: string; digestId?: string };

/**
 * At SEND_AT the week's draft goes out unless an editor held or discarded it. Only the latest
 * build that has not gone out is considered, so an old forgotten draft is never sent by surprise.
 */
export async function decideAutoSend(store: DigestStore & AuditLog): Promise<AutoSendDecision> {
  const latest = await latestBuilt(store, ['draft', 'approved', 'held', 'discarded']);
  let decision: AutoSendDecision;
  if (!latest) decision = { send: false, reason: 'no draft waiting (empty week, or the issue already went out)' };
  else if (latest.status === 'held' || latest.status === 'discarded') {
    decision = { send: false, reason: `the latest draft is ${latest.status} by an editor`, digestId: latest.id };
  } else {
    const overlap = await overlappingIssue(store, new Date(latest.periodStart), new Date(latest.periodEnd), latest.id);
    decision = overlap
      ? { send: false, reason: `the latest draft overlaps issue ${overlap.id}, which already went out`, digestId: latest.id }
      : { send: true, digestId: latest.id };
  }
  await store.recordAudit({
    actor: 'schedule',
    action: decision.send ? 'auto-send' : 'auto-send-skipped',
    digestId: decision.digestId,
    detail: decision.send ? 'SEND_AT reached' : decision.reason,
  });
  return decision;
}
