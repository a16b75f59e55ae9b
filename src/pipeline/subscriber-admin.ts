import { FrontError } from '../domain/errors.ts';
import type { Language, SubscriberStatus } from '../domain/model.ts';
import { suppressionHash } from './mailbox.ts';
import type { Clock, ReaderMailJobs, SubscriberStore } from './ports.ts';

/**
 * What an operator does to subscribers by hand (the CLI): add, re-subscribe, remove, forget.
 * Opt-outs hold: an address that unsubscribed, bounced, was removed or erased is never made
 * `confirmed` again here; only a fresh double opt-in (`--resubscribe`) brings it back.
 */

export interface AdminDeps {
  store: SubscriberStore;
  jobs: ReaderMailJobs;
  secret: string;
  clock?: Clock;
}

const SUPPRESSED: ReadonlySet<SubscriberStatus> = new Set(['unsubscribed', 'bounced']);
const iso = (deps: AdminDeps) => (deps.clock?.now() ?? new Date()).toISOString();

export type AddResult = { outcome: 'added' | 'unchanged' | 'updated' | 'confirmation-queued'; id: string; status: SubscriberStatus };

export async function addByOperator(
  deps: AdminDeps,
  input: { email: string; name?: string; status: 'confirmed' | 'pending'; resubscribe?: boolean; lang?: Language },
): Promise<AddResult> {
  const at = iso(deps);
  // The edition they read, when the operator names one.
  const lang = input.lang ? { lang: input.lang } : {};
  const hash = suppressionHash(deps.secret, input.email);
  const name = input.name === undefined ? {} : { name: input.name };
  if (input.resubscribe) {
    // A fresh double opt-in: pending, and the confirmation goes out through the mail queue.
    const { subscriber } = await deps.store.addSubscriber({
      email: input.email,
      ...name,
      status: 'pending',
      onlyFrom: ['pending', 'unsubscribed', 'bounced'],
      fields: { source: 'cli', requestedAt: at, confirmedAt: '', endedReason: '', endedAt: '', ipHash: '', ...lang },
      suppressionHash: hash,
      allowSuppressed: true,
    });
    if (subscriber!.status === 'confirmed') return { outcome: 'unchanged', id: subscriber!.id, status: 'confirmed' };
    await deps.jobs.confirmation(subscriber!.id);
    return { outcome: 'confirmation-queued', id: subscriber!.id, status: subscriber!.status };
  }
  const existing = await deps.store.findByEmail(input.email);
  const suppression = existing ? undefined : await deps.store.getSuppression(hash);
  if ((existing && SUPPRESSED.has(existing.status)) || suppression) {
    const why = existing ? `${existing.status}${existing.endedReason && existing.endedReason !== existing.status ? ` (${existing.endedReason})` : ''}` : suppression!.reason;
    throw new FrontError(
      'SUBSCRIBER_SUPPRESSED',
      `this address is suppressed (${why}); it is not added again. Use --resubscribe to send it a fresh confirmation.`,
      { permanent: true },
    );
  }
  const { outcome, subscriber } = await deps.store.addSubscriber({
    email: input.email,
    ...name,
    status: input.status,
    // An operator vouches for a pending address becoming confirmed, never for an opted-out one.
    onlyFrom: ['pending'],
    fields: { source: 'cli', requestedAt: at, ...(input.status === 'confirmed' ? { confirmedAt: at } : {}), ...lang },
    suppressionHash: hash,
  });
  if (outcome === 'suppressed' || !subscriber) {
    throw new FrontError('SUBSCRIBER_SUPPRESSED', 'this address was erased or removed meanwhile; use --resubscribe', { permanent: true });
  }
  return { outcome: outcome === 'created' ? 'added' : outcome === 'changed' ? 'updated' : 'unchanged', id: subscriber.id, status: subscriber.status };
}

/** Ends the subscription as "removed by an operator"; the record (and its consent history) stays. */
export async function removeByOperator(deps: AdminDeps, email: string): Promise<{ found: boolean; previous?: SubscriberStatus }> {
  const at = iso(deps);
  const hash = suppressionHash(deps.secret, email);
  const existing = await deps.store.findByEmail(email);
  await deps.store.suppress(hash, { reason: 'removed', at });
  if (!existing) return { found: false };
  await deps.store.transitionSubscriber(existing.id, existing.status === 'bounced' ? 'bounced' : 'unsubscribed', {
    fields: { endedReason: 'removed', endedAt: at },
  });
  return { found: true, previous: existing.status };
}

/**
 * Erasure on request: subscriber record, consent record and delivery ledger entries go; a keyed
 * hash of the address stays in the suppression list so it is never mailed again by accident.
 */
export async function forgetSubscriber(deps: AdminDeps, email: string): Promise<{ found: boolean; ledgerEntries: number }> {
  const hash = suppressionHash(deps.secret, email);
  const entry = { reason: 'erased', at: iso(deps) };
  const existing = await deps.store.findByEmail(email);
  if (!existing) {
    await deps.store.suppress(hash, entry);
    return { found: false, ledgerEntries: 0 };
  }
  const { ledgerEntries } = await deps.store.forgetSubscriber(existing.id, hash, entry);
  return { found: true, ledgerEntries };
}
