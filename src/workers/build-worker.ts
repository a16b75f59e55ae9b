import { Worker, type Job } from 'bullmq';
import { BuildPayload, QUEUES } from '../jobs/contracts.ts';
import { enqueueSend } from '../jobs/producers.ts';
import { buildDigest, type BuildResult } from '../pipeline/build-digest.ts';
import type { App } from '../app.ts';
import { runJob } from './errors.ts';
import { notifyDraftReady, notifyEmptyWeek } from '../pipeline/notify-editors.ts';
import { notifyDeps } from './deps.ts';
import { recordBuild } from './metrics.ts';

export function buildDeps(app: App) {
  const { env } = app.config;
  return {
    store: app.store,
    clock: app.clock,
    logger: app.logger,
    topic: app.config.topic,
    feeds: app.config.feeds,
    windowDays: env.DIGEST_WINDOW_DAYS,
    limits: { maxStories: env.DIGEST_MAX_STORIES, maxPerTheme: env.DIGEST_MAX_PER_THEME },
    publicUrl: env.PUBLIC_URL,
    postalAddress: env.POSTAL_ADDRESS,
  };
}

export function startBuildWorker(app: App): Worker {
  const deps = buildDeps(app);
  const notify = notifyDeps(app);
  return new Worker<BuildPayload, BuildResult>(
    QUEUES.build,
    (job: Job) =>
      runJob(async () => {
        const payload = BuildPayload.parse(job.data);
        // A scheduled build ends at the moment it was scheduled, so a retry rebuilds the same window
        // (and so the same digest id) instead of a slightly later one.
        const to = payload.to ? new Date(payload.to) : new Date(job.timestamp);
        const started = performance.now();
        const result = await buildDigest(deps, { from: payload.from ? new Date(payload.from) : undefined, to });
        await recordBuild(app, (performance.now() - started) / 1000);
        const actor = payload.actor ?? 'unknown';
        if (result.status === 'built') {
          await app.store.recordAudit({ actor, action: 'build', digestId: result.digestId, detail: `${result.stories} stories, ${result.from} → ${result.to}` });
          await notifyDraftReady(notify, result.digestId);
        } else if (result.status === 'empty') {
          if (actor === 'schedule') await notifyEmptyWeek(notify, result, result.reason);
          else await app.store.recordAudit({ actor, action: 'build-empty', detail: `${result.from} → ${result.to}: ${result.reason}` });
        }
        if (payload.autoSend && result.status === 'built') {
          const send = await enqueueSend(app.queues, result.digestId, 'schedule');
          app.logger.info({ digestId: result.digestId, jobId: send.id }, 'digest.auto_send');
        }
        return result;
      }),
    { connection: app.queues.connection, prefix: app.queues.prefix, concurrency: 1 },
  );
}
