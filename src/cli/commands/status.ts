import { parseArgs } from 'node:util';
import { withApp } from '../context.ts';

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  return withApp({}, async ({ app }) => {
    const { queues, store } = app;
    const queueStatus: Record<string, unknown> = {};
    for (const q of [queues.collect, queues.build, queues.send]) {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      const recent = await q.getJobs(['completed', 'failed'], 0, 4, false);
      queueStatus[q.name] = {
        counts,
        recent: await Promise.all(
          recent.map(async (j) => ({ id: j.id, name: j.name, state: await j.getState(), finishedOn: j.finishedOn ? new Date(j.finishedOn).toISOString() : undefined, failedReason: j.failedReason || undefined })),
        ),
      };
    }
    const feeds = await Promise.all(app.config.feeds.map(async (f) => ({ id: f.id, enabled: f.enabled, state: await store.getFeedState(f.id) })));
    const digests = await Promise.all(
      (await store.listDigests(3)).map(async (d) => ({ id: d.id, status: d.status, periodEnd: d.periodEnd, deliveries: await store.deliveryCounts(d.id) })),
    );
    if (values.json) {
      console.log(JSON.stringify({ redis: app.redisUrl.replace(/\/\/.*@/, '//***@'), queues: queueStatus, feeds, digests }, null, 2));
      return 0;
    }
    console.log(`Redis ${app.redisUrl.replace(/\/\/.*@/, '//***@')} (prefix ${app.config.env.REDIS_PREFIX})`);
    console.log('\nQueues');
    for (const [name, s] of Object.entries(queueStatus) as [string, { counts: Record<string, number>; recent: { id?: string; state: string; finishedOn?: string; failedReason?: string }[] }][]) {
      const c = s.counts;
      console.log(`  ${name.padEnd(8)} waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  completed ${c.completed}  failed ${c.failed}`);
      for (const r of s.recent) console.log(`      ${r.finishedOn ?? ''}  ${r.state.padEnd(9)} ${r.id}${r.failedReason ? `  ${r.failedReason}` : ''}`);
    }
    console.log('\nFeeds');
    for (const f of feeds) {
      const s = f.state;
      const next = s?.nextAttemptAt ? `, next attempt ${s.nextAttemptAt.slice(0, 16)}Z` : '';
      const health = !s?.lastFetchedAt ? 'never fetched' : s.lastError ? `FAILING ×${s.consecutiveFailures}${next}: ${s.lastErrorCode} ${s.lastError}` : 'ok';
      console.log(`  ${f.id.padEnd(28)} ${(s?.lastSuccessAt ?? '-').slice(0, 16).padEnd(16)}  ${String(s?.articlesAdded ?? 0).padStart(5)} articles  ${f.enabled ? health : 'disabled'}`);
    }
    console.log('\nDigests');
    if (digests.length === 0) console.log('  none yet');
    for (const d of digests) {
      const c = d.deliveries;
      console.log(`  ${d.id}  ${d.status.padEnd(8)} sent ${c.sent}  pending ${c.pending}  sending ${c.sending}  failed ${c.failed}  bounced ${c.bounced}  uncertain ${c.uncertain}`);
    }
    return 0;
  });
}
