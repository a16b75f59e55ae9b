import { parseArgs } from 'node:util';
import { DeliveryState } from '../../domain/model.ts';
import { settleDigest } from '../../pipeline/send-digest.ts';
import { UsageError, withApp } from '../context.ts';

const USAGE = `usage: frontera deliveries list DIGEST_ID [--state STATE] [--json]
       frontera deliveries resolve DIGEST_ID EMAIL --as sent|failed`;

/**
 * Reconciling what the ledger cannot know. A delivery whose connection dropped after DATA is
 * `uncertain`: the server may have accepted it. Once the operator has checked (the SMTP server's
 * log, the recipient), `resolve --as sent` closes it and `--as failed` lets the next
 * `frontera send DIGEST_ID` try it again. A stuck `sending` (a worker that died mid-send) is
 * resolved the same way.
 */
export async function deliveriesCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { state: { type: 'string' }, json: { type: 'boolean' }, as: { type: 'string' } },
  });
  const digestId = positionals[0];
  if (!digestId || (sub !== 'list' && sub !== 'resolve')) throw new UsageError(USAGE);
  const state = values.state === undefined ? undefined : DeliveryState.safeParse(values.state);
  if (state && !state.success) throw new UsageError(`--state must be one of ${DeliveryState.options.join(', ')}`);

  return withApp({}, async ({ app }) => {
    const { store } = app;
    if (!(await store.getDigest(digestId))) throw new UsageError(`no digest with id ${digestId} (see \`frontera digest list\`)`);
    if (sub === 'list') {
      const deliveries = await store.listDeliveries(digestId, state?.data);
      const emails = new Map<string, string>();
      for (const d of deliveries) emails.set(d.subscriberId, (await store.getSubscriber(d.subscriberId))?.email ?? '(removed)');
      if (values.json) {
        console.log(JSON.stringify(deliveries.map((d) => ({ ...d, email: emails.get(d.subscriberId) })), null, 2));
        return 0;
      }
      for (const d of deliveries) {
        console.log(`${d.state.padEnd(9)} ${emails.get(d.subscriberId)!.padEnd(32)} attempts ${d.attempts}  ${d.updatedAt}${d.error ? `  ${d.error}` : ''}`);
      }
      console.log(`${deliveries.length} deliveries`);
      return 0;
    }
    const email = positionals[1];
    const as = values.as;
    if (!email || (as !== 'sent' && as !== 'failed')) throw new UsageError(USAGE);
    const subscriber = await store.findByEmail(email);
    const delivery = subscriber && (await store.getDelivery(digestId, subscriber.id));
    if (!subscriber || !delivery) throw new UsageError(`${email} has no delivery of ${digestId}`);
    if (delivery.state !== 'uncertain' && delivery.state !== 'sending') {
      throw new UsageError(`the delivery to ${email} is ${delivery.state}; only uncertain or sending deliveries need resolving`);
    }
    await store.recordOutcome(digestId, subscriber.id, { state: as, error: `resolved by an operator as ${as}` });
    await settleDigest(store, digestId, app.clock, app.logger);
    console.log(`${email}: ${delivery.state} → ${as}${as === 'failed' ? ' (the next `frontera send` retries it)' : ''}`);
    return 0;
  });
}
