import type { App } from '../app.ts';
import { enqueueBuild, enqueueCollect, enqueueSend } from '../jobs/producers.ts';
import type { CollectResult } from '../pipeline/collect-feed.ts';
import type { BuildResult } from '../pipeline/build-digest.ts';
import type { BatchResult } from '../pipeline/send-batch.ts';
import type { SendDigestResult } from '../workers/send-worker.ts';
import type { DeliveryState } from '../domain/model.ts';
import { bar, type Progress } from './progress.ts';
import { waitForJobs } from './wait.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { userInfo } from 'node:os';

/** Who runs this CLI, for the audit log. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * What the CLI's collect / build / send / run do: enqueue BullMQ jobs, then (unless --no-wait)
 * follow them to the end. Workers may be this process or any other `frontera worker`.
 */

export interface CollectSummary {
  jobs: { jobId: string; feedId: string }[];
  collected: CollectResult[];
  failed: { feedId: string; error: string }[];
  /** Feeds skipped because they are backing off after failures. */
  deferred?: CollectResult[];
}

export async function collectNow(app: App, feedIds: string[], progress: Progress, wait = true): Promise<CollectSummary> {
  const jobs = await enqueueCollect(app.queues, feedIds);
  const jobIds = jobs.map((j) => j.id!);
  const labelled = jobs.map((j) => ({ jobId: j.id!, feedId: j.data.feedId }));
  if (!wait) return { jobs: labelled, collected: [], failed: [] };
  const byJob = new Map(jobs.map((j) => [j.id!, j.data.feedId]));
  const results = await waitForJobs<CollectResult>(app.queues.collect, jobIds, (done) => {
    const failed = done.filter((d) => d.state === 'failed').length;
    progress.update('collect', `${bar(done.length, jobIds.length)} feeds${failed ? ` (${failed} failed)` : ''}`);
  }, 250, true);
  const finished = results.filter((r) => r.state === 'completed').map((r) => r.value!);
  const deferred = finished.filter((r) => r.status === 'deferred');
  const collected = finished.filter((r) => r.status !== 'deferred');
  const failed = results.filter((r) => r.state === 'failed').map((r) => ({ feedId: byJob.get(r.id)!, error: r.error ?? 'failed' }));
  // Items are what the feeds listed; articles are what the store keeps (one per canonical URL).
  const items = collected.reduce((n, r) => n + r.items, 0);
  const added = collected.reduce((n, r) => n + r.added, 0);
  progress.done(`collect: ${collected.length} of ${jobIds.length} feeds collected${failed.length ? `, ${failed.length} failed` : ''}${deferred.length ? `, ${deferred.length} backing off (skipped)` : ''}; ${items} feed items read, ${added} new articles stored`);
  for (const f of failed) progress.line(`  ! ${f.feedId}: ${f.error}`);
  for (const d of deferred) progress.line(`  ~ ${d.feedId}: skipped, backing off until ${d.nextAttemptAt} after: ${d.lastError ?? 'a failure'}`);
  return { jobs: labelled, collected, failed, deferred };
}

export async function buildNow(
  app: App,
  window: { from?: Date; to?: Date },
  progress: Progress,
  wait = true,
): Promise<{ jobId: string; result?: BuildResult; error?: string }> {
  const now = app.clock.now();
  // Pin the end of the window now, so what is built is what the operator asked for even when the
  // worker picks the job up later.
  const to = window.to ?? now;
  const job = await enqueueBuild(app.queues, { from: window.from?.toISOString(), to: to.toISOString(), actor: cliActor() });
  if (!wait) return { jobId: job.id! };
  progress.update('build', 'building digest…');
  const [finished] = await waitForJobs<BuildResult>(app.queues.build, [job.id!]);
  if (finished!.state === 'failed') {
    progress.done(`build: failed: ${finished!.error}`);
    return { jobId: job.id!, error: finished!.error };
  }
  const result = finished!.value!;
  if (result.status === 'built') {
    const digest = await app.store.getDigest(result.digestId);
    progress.done(
      `build: draft ${result.digestId}: ${result.stories} stories from ${digest?.articleCount ?? '?'} relevant articles (${result.articles} articles stored for the window)`,
    );
  }
  else if (result.status === 'exists') progress.done(`build: digest ${result.digestId} for this window is already ${result.digestStatus}; not rebuilt`);
  else progress.done(`build: no digest this time, the week is skipped: ${result.reason} (${result.from} → ${result.to})`);
  return { jobId: job.id!, result };
}

export interface SendSummary {
  jobId: string;
  audience?: number;
  batches?: BatchResult[];
  failedBatches?: number;
  counts?: Record<DeliveryState, number>;
  error?: string;
}

/** 0 when every delivery of the audience was accepted; 3 when some were not; 1 when the send failed. */
export function sendOutcomeCode(s: SendSummary): ExitCode {
  if (s.error) return EXIT.FAILED;
  const c = s.counts;
  if (!c) return EXIT.OK;
  const notAccepted = c.failed + c.bounced + c.uncertain + c.pending + c.sending + (s.failedBatches ?? 0);
  if (notAccepted === 0) return EXIT.OK;
  return c.sent > 0 ? EXIT.PARTIAL : EXIT.FAILED;
}

export async function sendNow(app: App, digestId: string, progress: Progress, wait = true, actor = cliActor()): Promise<SendSummary> {
  const job = await enqueueSend(app.queues, digestId, actor);
  if (!wait) return { jobId: job.id! };
  progress.update('send', 'freezing audience…');
  const [planned] = await waitForJobs<SendDigestResult>(app.queues.send, [job.id!]);
  if (planned!.state === 'failed') {
    progress.done(`send: failed: ${planned!.error}`);
    return { jobId: job.id!, error: planned!.error };
  }
  const { audience, batchJobIds } = planned!.value!;
  const results = await waitForJobs<BatchResult>(app.queues.send, batchJobIds, async () => {
    const counts = await app.store.deliveryCounts(digestId);
    const settled = counts.sent + counts.bounced + counts.uncertain + counts.failed + counts.skipped;
    progress.update('send', `${bar(settled, audience)} (sent ${counts.sent}, bounced ${counts.bounced}, failed ${counts.failed})`);
  });
  const counts = await app.store.deliveryCounts(digestId);
  const failedBatches = results.filter((r) => r.state === 'failed').length;
  progress.done(
    `send: digest ${digestId}: audience ${audience}; accepted by the SMTP server ${counts.sent}, bounced ${counts.bounced}, ` +
      `failed ${counts.failed}, uncertain ${counts.uncertain}, skipped (left the list) ${counts.skipped}${failedBatches ? `; ${failedBatches} batch jobs gave up` : ''}`,
  );
  return { jobId: job.id!, audience, batches: results.flatMap((r) => (r.value ? [r.value] : [])), failedBatches, counts };
}
