import { Redis } from 'ioredis';
import { createRedisStore } from '../src/adapters/redis-store.ts';
import { createLedgerCompactor } from '../src/adapters/redis-compaction.ts';
import { redisKeys } from '../src/adapters/redis-keys.ts';
import { importSubscribers } from '../src/adapters/subscribers-io.ts';
import { renderDeliveryList } from '../src/cli/commands/deliveries.ts';
import { suppressionHash } from '../src/pipeline/mailbox.ts';
import type { Store } from '../src/pipeline/ports.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { fmt, medianMs } from './lib.ts';

const SECRET = 'bench-secret-0123456789abcdef';
const ROWS = Number(process.env.BENCH_BULK_ROWS ?? 100_000);
/** The old per-row paths are slow (33 s and 10 s at 100,000 rows); measured on fewer rows. */
const BASELINE_ROWS = Number(process.env.BENCH_BULK_BASELINE_ROWS ?? 20_000);

function csv(n: number, offset = 0): string {
  const lines = ['email,name,status'];
  for (let i = offset; i < offset + n; i++) lines.push(`reader${i}@example.org,Reader ${i},confirmed`);
  return lines.join('\n') + '\n';
}

/** What `subscribers import` did before: addSubscriber (script + read back) per row, 8 rows at a time. */
async function importPerRow(store: Store, n: number, offset: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => `reader${offset + i}@example.org`);
  const worker = async () => {
    for (let email = rows.shift(); email; email = rows.shift()) {
      await store.addSubscriber({
        email,
        name: 'Reader',
        status: 'confirmed',
        fields: { source: 'import' },
        createOnly: true,
        suppressionHash: suppressionHash(SECRET, email),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** What `deliveries list` did before: one getSubscriber round trip per delivery, a line each. */
async function listPerRow(store: Store, digestId: string): Promise<number> {
  const deliveries = await store.listDeliveries(digestId);
  const lines: string[] = [];
  for (const d of deliveries) {
    const email = (await store.getSubscriber(d.subscriberId))?.email ?? '(removed)';
    lines.push(`${d.state.padEnd(9)} ${email.padEnd(32)} attempts ${d.attempts}  ${d.updatedAt}`);
  }
  return lines.length;
}

/**
 * `npm run bench -- bulk`: the operator's bulk paths at 100,000 rows, pipelined, against the old
 * per-row paths in the same run (on BASELINE_ROWS rows, compared as rows per second).
 */
export async function benchBulk(): Promise<void> {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  try {
    const text = csv(ROWS);
    let run = 0;
    const imported = await medianMs(3, async () => {
      const store = createRedisStore(client, `bulk${run++}`);
      const r = await importSubscribers(store, text, 'csv', { secret: SECRET });
      if (r.added !== ROWS) throw new Error(`imported ${r.added} of ${ROWS}`);
    });
    const importRate = (ROWS / imported.median) * 1000;
    const baseStore = createRedisStore(client, 'bulk-base');
    const t0 = performance.now();
    await importPerRow(baseStore, BASELINE_ROWS, 0);
    const baseImportRate = (BASELINE_ROWS / (performance.now() - t0)) * 1000;
    console.log(`subscribers import, ${ROWS.toLocaleString()} CSV rows (upsert script over 500 rows per call):`);
    console.log(`  median ${fmt(imported.median)} → ${Math.round(importRate).toLocaleString()} rows/s (runs ${imported.all.map(fmt).join(', ')})`);
    console.log(`  old per-row path (${BASELINE_ROWS.toLocaleString()} rows): ${Math.round(baseImportRate).toLocaleString()} rows/s → ${fmt((ROWS / baseImportRate) * 1000)} for ${ROWS.toLocaleString()}`);
    console.log(`  ratio: ${(importRate / baseImportRate).toFixed(1)}× the rows per second`);

    // A settled 100,000-recipient issue: the audience frozen over the subscribers imported above.
    const store = createRedisStore(client, 'bulk0');
    const ids = (await store.listSubscribers('confirmed')).map((s) => s.id);
    const digestId = 'd_bulk';
    await store.freezeAudience(digestId, ids);
    const withCompaction = { ...store, compactionInfo: createLedgerCompactor(client, redisKeys('bulk0')).compactionInfo };
    let lines = 0;
    const listed = await medianMs(3, async () => {
      lines = (await renderDeliveryList(withCompaction, digestId, {})).split('\n').length;
    });
    const listRate = (ids.length / listed.median) * 1000;
    const base = ids.slice(0, BASELINE_ROWS);
    await store.freezeAudience('d_bulk_base', base);
    const t1 = performance.now();
    const baseLines = await listPerRow(store, 'd_bulk_base');
    const baseListRate = (baseLines / (performance.now() - t1)) * 1000;
    console.log(`deliveries list, ${ids.length.toLocaleString()}-recipient issue (addresses by script, 2,000 per call, one write; ${lines - 2} lines):`);
    console.log(`  median ${fmt(listed.median)} → ${Math.round(listRate).toLocaleString()} deliveries/s (runs ${listed.all.map(fmt).join(', ')})`);
    console.log(`  old per-row path (${BASELINE_ROWS.toLocaleString()} deliveries): ${Math.round(baseListRate).toLocaleString()} deliveries/s → ${fmt((ids.length / baseListRate) * 1000)} for ${ids.length.toLocaleString()}`);
    console.log(`  ratio: ${(listRate / baseListRate).toFixed(1)}× the deliveries per second`);

    // The same issue settled (every delivery claimed and recorded sent, 1 in 1,000 failed), then
    // compacted: MEMORY USAGE of its ledger keys before and after, as Redis reports them.
    await Promise.all(
      Array.from({ length: 64 }, async (_, lane) => {
        for (let i = lane; i < ids.length; i += 64) {
          await store.claimDelivery(digestId, ids[i]!);
          await store.recordOutcome(digestId, ids[i]!, i % 1000 === 0 ? { state: 'failed', error: 'bench' } : { state: 'sent', messageId: `<${digestId}.${ids[i]}@bench>` });
        }
      }),
    );
    const compactor = createLedgerCompactor(client, redisKeys('bulk0'));
    const c0 = performance.now();
    const r = await compactor.compactDeliveries(digestId);
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(`ledger compaction of the settled ${ids.length.toLocaleString()}-recipient issue (${fmt(performance.now() - c0)}):`);
    console.log(`  ${r.recordsBefore.toLocaleString()} → ${r.kept.toLocaleString()} records; MEMORY USAGE ${mb(r.bytesBefore)} → ${mb(r.bytesAfter)} (${(r.bytesBefore / Math.max(1, r.bytesAfter)).toFixed(0)}× smaller), ${Math.round(r.bytesBefore / r.recordsBefore)} bytes a delivery before`);
  } finally {
    client.disconnect();
    await redis.stop();
  }
}
