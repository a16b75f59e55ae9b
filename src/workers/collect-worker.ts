import { Worker, type Job, type MinimalJob } from 'bullmq';
import { FrontError } from '../domain/errors.ts';
import { CollectPayload, QUEUES } from '../jobs/contracts.ts';
import { collectFeed, type CollectResult } from '../pipeline/collect-feed.ts';
import type { App } from '../app.ts';
import { runJob } from './errors.ts';
import { recordFetch } from './metrics.ts';

export function startCollectWorker(app: App): Worker {
  const feeds = new Map(app.config.feeds.map((f) => [f.id, f]));
  const deps = { fetcher: app.fetcher, parser: app.parser, extractor: app.extractor, store: app.store, clock: app.clock, logger: app.logger, topic: app.config.topic };
  return new Worker<CollectPayload, CollectResult>(
    QUEUES.collect,
    (job: Job) =>
      runJob(async () => {
        const { feedId } = CollectPayload.parse(job.data);
        const feed = feeds.get(feedId);
        if (!feed) throw new FrontError('FEED_UNKNOWN', `feed "${feedId}" is not in ${app.config.files.feeds}`, { permanent: true });
        try {
          const result = await collectFeed(deps, feed);
          await recordFetch(app, result.status === 'not-modified' ? 'not_modified' : 'ok');
          return result;
        } catch (err) {
          await recordFetch(app, (err as { code?: string }).code ?? 'error');
          throw err;
        }
      }),
    {
      connection: app.queues.connection,
      prefix: app.queues.prefix,
      concurrency: app.config.env.FETCH_CONCURRENCY,
      settings: {
        // A retry waits until the feed's nextAttemptAt, which collectFeed set from its backoff and
        // the server's Retry-After; BullMQ's own exponential delay would ignore both.
        backoffStrategy: async (attemptsMade: number, _type?: string, _err?: Error, job?: MinimalJob) => {
          const feedId = (job?.data as Partial<CollectPayload> | undefined)?.feedId;
          const state = feedId ? await app.store.getFeedState(feedId) : undefined;
          const due = state?.nextAttemptAt ? Date.parse(state.nextAttemptAt) - Date.now() : NaN;
          return Number.isFinite(due) ? Math.max(1_000, due) : 60_000 * 2 ** (attemptsMade - 1);
        },
      },
    },
  );
}
