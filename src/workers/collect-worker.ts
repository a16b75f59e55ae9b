import { Worker, type Job } from 'bullmq';
import { FrontError } from '../domain/errors.ts';
import { CollectPayload, QUEUES } from '../jobs/contracts.ts';
import { collectFeed, type CollectResult } from '../pipeline/collect-feed.ts';
import type { App } from '../app.ts';
import { runJob } from './errors.ts';
import { recordFetch } from './metrics.ts';

export function startCollectWorker(app: App): Worker {
  const feeds = new Map(app.config.feeds.map((f) => [f.id, f]));
  const deps = { fetcher: app.fetcher, parser: app.parser, store: app.store, clock: app.clock, logger: app.logger, topic: app.config.topic };
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
    { connection: app.queues.connection, prefix: app.queues.prefix, concurrency: app.config.env.FETCH_CONCURRENCY },
  );
}
