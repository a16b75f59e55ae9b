import { parseArgs } from 'node:util';
import { DeliveryState } from '../../domain/model.ts';
import { compactDigestLedger, compactSettledLedgers } from '../../pipeline/compact-ledger.ts';
import type { CompactionResult, DeliveryLedger, LedgerCompactor, SubscriberBulkStore } from '../../pipeline/ports.ts';
import { settleDigest } from '../../pipeline/send-digest.ts';
import { UsageError, withApp } from '../context.ts';

const USAGE = `usage: frontera deliveries list DIGEST_ID [--state STATE] [--json]
       frontera deliveries resolve DIGEST_ID EMAIL --as sent|failed
       frontera deliveries compact [DIGEST_ID] [--now]`;

/**
 * The listing as text or JSON, built in memory and written once: at 100,000 deliveries the
 * addresses come from one pipelined lookup and the output from one write, not a round trip and
 * a console.log per row.
 */
export async function renderDeliveryList(
  store: DeliveryLedger & SubscriberBulkStore & Pick<LedgerCompactor, 'compactionInfo'>,
  digestId: string,
  opts: { state?: DeliveryState; json?: boolean },
): Promise<string> {
  const deliveries = await store.listDeliveries(digestId, opts.state);
  const emails = await store.subscriberEmails(deliveries.map((d) => d.subscriberId));
  const emailOf = (id: string) => emails.get(id) ?? '(removed)';
  if (opts.json) return `${JSON.stringify(deliveries.map((d) => ({ ...d, email: emailOf(d.subscriberId) })), null, 2)}\n`;
  const lines = deliveries.map(
    (d) =>
      `${d.state.padEnd(9)} ${emailOf(d.subscriberId).padEnd(32)} attempts ${d.attempts}  ${d.updatedAt}${d.error ? `  ${d.error}` : ''}` +
      (d.report && d.report !== d.error ? `  [report ${d.reportedAt ?? ''}: ${d.report}]` : ''),
  );
  lines.push(`${deliveries.length} deliveries`);
  const compacted = await store.compactionInfo(digestId);
  if (compacted) {
    lines.push(`ledger compacted ${compacted.compactedAt}: ${compacted.removed} routine deliveries (sent, skipped) are kept as counts only; see \`frontera status\``);
  }
  return `${lines.join('\n')}\n`;
}

function describeCompaction(r: CompactionResult): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  return `${r.digestId}: compacted ${r.recordsBefore} → ${r.kept} records (${r.removed} folded into counts), ${kb(r.bytesBefore)} → ${kb(r.bytesAfter)}`;
}

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
    options: { state: { type: 'string' }, json: { type: 'boolean' }, as: { type: 'string' }, now: { type: 'boolean' } },
  });
  const digestId = positionals[0];
  if (sub !== 'list' && sub !== 'resolve' && sub !== 'compact') throw new UsageError(USAGE);
  if (!digestId && sub !== 'compact') throw new UsageError(USAGE);
  const state = values.state === undefined ? undefined : DeliveryState.safeParse(values.state);
  if (state && !state.success) throw new UsageError(`--state must be one of ${DeliveryState.options.join(', ')}`);

  return withApp({}, async ({ app }) => {
    const { store } = app;
    if (sub === 'compact') {
      const deps = { store, compactor: app.compactor, clock: app.clock, logger: app.logger, afterDays: app.config.env.LEDGER_COMPACT_AFTER_DAYS };
      const outcomes = digestId ? [await compactDigestLedger(deps, digestId, { force: values.now })] : await compactSettledLedgers(deps);
      for (const o of outcomes) console.log(o.compacted ? describeCompaction(o.result) : `${o.digestId}: not compacted: ${o.reason}`);
      // Asked for one digest and it could not be done: say so in the exit code too.
      return digestId && !outcomes[0]!.compacted ? 1 : 0;
    }
    if (!(await store.getDigest(digestId!))) throw new UsageError(`no digest with id ${digestId} (see \`frontera digest list\`)`);
    if (sub === 'list') {
      process.stdout.write(await renderDeliveryList({ ...store, compactionInfo: app.compactor.compactionInfo }, digestId!, { state: state?.data, json: values.json }));
      return 0;
    }
    const email = positionals[1];
    const as = values.as;
    if (!email || (as !== 'sent' && as !== 'failed')) throw new UsageError(USAGE);
    const subscriber = await store.findByEmail(email);
    const delivery = subscriber && (await store.getDelivery(digestId!, subscriber.id));
    if (!subscriber || !delivery) throw new UsageError(`${email} has no delivery of ${digestId}`);
    if (delivery.state !== 'uncertain' && delivery.state !== 'sending') {
      throw new UsageError(`the delivery to ${email} is ${delivery.state}; only uncertain or sending deliveries need resolving`);
    }
    await store.recordOutcome(digestId!, subscriber.id, { state: as, error: `resolved by an operator as ${as}` });
    await settleDigest(store, digestId!, app.clock, app.logger);
    console.log(`${email}: ${delivery.state} → ${as}${as === 'failed' ? ' (the next `frontera send` retries it)' : ''}`);
    return 0;
  });
}
