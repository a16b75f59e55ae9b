import type { App } from '../app.ts';
import { enqueueBuild, enqueueCollect, enqueueSend } from '../jobs/producers.ts';
import type { CollectResult } from '../pipeline/collect-feed.ts';
import type { BuildResult } from '../pipeline/build-digest.ts';
import type { BatchResult } from '../pipeline/send-batch.ts';
import type { SendDigestResult } from '../workers/send-worker.ts';
import { finishSend, type SendOutcome } from '../pipeline/send-digest.ts';
import type { SendBreaker } from '../pipeline/ports.ts';
import { untilLedgerAnswers } from '../pipeline/send-retry.ts';
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
  jobId?: string;
  audience?: number;
  outcome?: SendOutcome;
  failedBatches?: number;
  counts?: Record<DeliveryState, number>;
  error?: string;
  /** What the command should exit with (EXIT in exit-codes.ts). */
  exitCode: ExitCode;
}

/** The exit code a send earned (EXIT in exit-codes.ts): sendNow decides it from the ledger. */
export function sendOutcomeCode(s: SendSummary): ExitCode {
  return s.exitCode;
}

/**
 * Sends and follows the send to its end: the batches, then any delivery still in flight (its
 * lease decides), then the digest's status from the ledger. A paused send needs `resume`.
 */
export async function sendNow(
  app: App,
  digestId: string,
  progress: Progress,
  wait = true,
  opts: { resume?: boolean; actor?: string } = {},
): Promise<SendSummary> {
  const breaker = await app.store.sendBreaker(digestId);
  if (breaker.trippedAt && !opts.resume) {
    progress.done(pausedNote(digestId, breaker));
    return { exitCode: EXIT.PAUSED };
  }
  // A dead SMTP server is one clear error before anything is claimed (exit 6).
  await app.mailer.verify?.();
  if (breaker.trippedAt && (await app.store.resumeSend(digestId))) progress.line(`send: circuit breaker of ${digestId} cleared; resuming`);
  const ledger = <T>(call: () => Promise<T>) => untilLedgerAnswers(call, { logger: app.logger, what: 'send.follow', giveUpMs: 120_000 });
  let audience = 0;
  let failedBatches = 0;
  let jobId = '';
  // A second round covers deliveries another `send` running at the same moment had planned but
  // not claimed when our batches ended (its batches may have died with it).
  for (let round = 0; round < 3; round++) {
    const job = await enqueueSend(app.queues, digestId, opts.actor ?? cliActor());
    jobId = job.id!;
    if (!wait) return { jobId, exitCode: EXIT.OK };
    progress.update('send', 'freezing audience…');
    const [planned] = await waitForJobs<SendDigestResult>(app.queues.send, [jobId]);
    if (planned!.state === 'failed') {
      progress.done(`send: failed: ${planned!.error}`);
      return { jobId, error: planned!.error, exitCode: EXIT.FAILED };
    }
    const plan = planned!.value!;
    audience = plan.audience;
    if (plan.expired) progress.line(`send: ${plan.expired} deliveries whose lease ran out while sending are now uncertain`);
    if (plan.requeued) progress.line(`send: retrying ${plan.requeued} failed deliveries`);
    const results = await waitForJobs<BatchResult>(app.queues.send, plan.batchJobIds, async () => {
      // Progress only: a Redis hiccup must not end a send that its batches are riding out.
      const counts = await app.store.deliveryCounts(digestId).catch(() => undefined);
      if (!counts) return;
      const settled = counts.sent + counts.bounced + counts.uncertain + counts.failed + counts.skipped;
      progress.update('send', `${bar(settled, audience)} (sent ${counts.sent}, bounced ${counts.bounced}, failed ${counts.failed})`);
    });
    failedBatches += results.filter((r) => r.state === 'failed').length;
    const counts = await ledger(() => app.store.deliveryCounts(digestId));
    if (counts.pending === 0 || (await ledger(() => app.store.sendBreaker(digestId))).trippedAt) break;
  }
  const outcome = await ledger(() => finishSend(app.store, digestId, {
    clock: app.clock,
    logger: app.logger,
    onWait: (n, until) => progress.update('send', `waiting for ${n} deliveries still marked sending (their lease ends ${until?.toISOString() ?? 'soon'})`),
  }));
  const { counts, status } = outcome;
  progress.done(
    `send: digest ${digestId} ${status ?? 'still sending'}: audience ${audience}; accepted by the SMTP server ${counts.sent}, bounced ${counts.bounced}, ` +
      `failed ${counts.failed}, uncertain ${counts.uncertain}, skipped (left the list) ${counts.skipped}` +
      `${counts.pending ? `, pending ${counts.pending}` : ''}${failedBatches ? `; ${failedBatches} batch jobs gave up` : ''}`,
  );
  if (counts.uncertain) {
    progress.line(
      `  ! ${counts.uncertain} uncertain: the SMTP server may have accepted them. Check its log, then ` +
        `\`frontera deliveries resolve ${digestId} EMAIL --as sent|failed\` (list: \`frontera deliveries list ${digestId} --state uncertain\`)`,
    );
  }
  if (counts.failed) {
    progress.line(`  ! ${counts.failed} failed: \`frontera send ${digestId}\` again retries only those (list: \`frontera deliveries list ${digestId} --state failed\`)`);
  }
  if (outcome.breaker.trippedAt) progress.line(`  ! ${pausedNote(digestId, outcome.breaker)}`);
  const exitCode: ExitCode =
    status === 'paused' ? EXIT.PAUSED : status === 'sent' && !failedBatches ? EXIT.OK : status === 'sent' ? EXIT.FAILED : EXIT.PARTIAL;
  return { jobId, audience, outcome, counts, failedBatches, exitCode };
}

function pausedNote(digestId: string, breaker: SendBreaker): string {
  return (
    `send: ${digestId} is paused by its circuit breaker since ${breaker.trippedAt} after a run of policy rejections ` +
    `(last: ${breaker.reason ?? 'unknown'}). Fix the cause (blocklisted IP, SPF/DKIM/DMARC, sender address), then \`frontera send ${digestId} --resume\``
  );
}
