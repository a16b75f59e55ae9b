import { parseArgs } from 'node:util';
import { SubscriberStatus } from '../../domain/model.ts';
import { withApp } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

type Counts = Record<string, number>;

/**
 * What an operator wants first: who would get the next issue, how the last one went, whether the
 * queues are moving, and the health of the feeds actually in use (configured, enabled and fetched
 * at least once); feeds never fetched are one summary line, not a list of alarms.
 */
export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  return withApp({}, async ({ app }) => {
    const { queues, store } = app;
    const subscribers: Counts = await store.countSubscribers();
    const digests = await store.listDigests(5);
    const lastIssue = digests.find((d) => ['sent', 'sending', 'partially_sent', 'paused'].includes(d.status));
    const last = lastIssue
      ? {
          id: lastIssue.id,
          status: lastIssue.status,
          period: [lastIssue.periodStart, lastIssue.periodEnd],
          deliveries: await store.deliveryCounts(lastIssue.id),
          breaker: await store.sendBreaker(lastIssue.id),
        }
      : null;
    const pending = digests.filter((d) => ['draft', 'approved', 'held'].includes(d.status)).map((d) => ({ id: d.id, status: d.status, periodEnd: d.periodEnd }));
    const queueStatus: Record<string, Counts> = {};
    for (const q of [queues.collect, queues.build, queues.send]) {
      queueStatus[q.name] = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    }
    const enabled = app.config.feeds.filter((f) => f.enabled);
    const states = await Promise.all(enabled.map(async (f) => ({ id: f.id, state: await store.getFeedState(f.id) })));
    const inUse = states.filter((f) => f.state?.lastFetchedAt);
    const neverFetched = states.filter((f) => !f.state?.lastFetchedAt).map((f) => f.id);
    const feeds = inUse.map(({ id, state: s }) => ({
      id,
      lastSuccessAt: s!.lastSuccessAt ?? null,
      articlesAdded: s!.articlesAdded,
      failing: s!.lastError ? { times: s!.consecutiveFailures, code: s!.lastErrorCode, error: s!.lastError } : null,
      nextAttemptAt: s!.nextAttemptAt ?? null,
    }));
    const redis = app.redisUrl.replace(/\/\/.*@/, '//***@');
    if (values.json) {
      console.log(JSON.stringify({ redis, subscribers, lastIssue: last, drafts: pending, queues: queueStatus, feeds, feedsNeverFetched: neverFetched, feedsDisabled: app.config.feeds.length - enabled.length }, null, 2));
      return EXIT.OK;
    }
    console.log(`Redis ${redis} (prefix ${app.config.env.REDIS_PREFIX})`);
    console.log(`\nSubscribers  ${SubscriberStatus.options.map((s) => `${s} ${subscribers[s]}`).join('  ')}`);
    console.log('\nLast issue');
    if (!last) console.log('  none sent yet');
    else {
      const c = last.deliveries;
      console.log(`  ${last.id}  ${last.status}  ${last.period[0]!.slice(0, 10)} → ${last.period[1]!.slice(0, 10)}`);
      console.log(`  accepted by the SMTP server ${c.sent}, bounced ${c.bounced}, failed ${c.failed}, uncertain ${c.uncertain}, skipped ${c.skipped}, still to send ${c.pending + c.sending}`);
      if (last.breaker.trippedAt) {
        console.log(`  paused by the circuit breaker at ${last.breaker.trippedAt}: ${last.breaker.reason ?? ''}; \`frontera send ${last.id} --resume\``);
      }
    }
    for (const d of pending) console.log(`  next: ${d.id}  ${d.status} (window ends ${d.periodEnd.slice(0, 16)})`);
    console.log('\nQueues');
    for (const [name, c] of Object.entries(queueStatus)) {
      console.log(`  ${name.padEnd(8)} waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  completed ${c.completed}  failed ${c.failed}`);
    }
    console.log(`\nFeeds in use (${feeds.length} of ${enabled.length} enabled in ${app.config.files.feeds})`);
    for (const f of feeds) {
      const next = f.nextAttemptAt ? `, next attempt ${f.nextAttemptAt.slice(0, 16)}Z` : '';
      const health = f.failing ? `FAILING ×${f.failing.times}${next}: ${f.failing.code} ${f.failing.error}` : 'ok';
      console.log(`  ${f.id.padEnd(28)} ${(f.lastSuccessAt ?? '-').slice(0, 16).padEnd(16)}  ${String(f.articlesAdded).padStart(5)} articles  ${health}`);
    }
    if (neverFetched.length) console.log(`  not fetched yet: ${neverFetched.length} feed(s) (\`frontera collect\` fetches them)`);
    return EXIT.OK;
  });
}
