import { Worker, type Job } from 'bullmq';
import { JOB_NAMES, QUEUES, SendBatchPayload, SendDigestPayload } from '../jobs/contracts.ts';
import { enqueueSendBatches } from '../jobs/producers.ts';
import { sendBatch, type PreparedDigestMail } from '../pipeline/send-batch.ts';
import { planSend } from '../pipeline/send-digest.ts';
import { SmtpHealth } from '../pipeline/send-retry.ts';
import { decideAutoSend } from '../pipeline/auto-send.ts';
import { enqueueSend } from '../jobs/producers.ts';
import type { App } from '../app.ts';
import { returnPathAddress } from '../domain/return-path.ts';
import { runJob } from './errors.ts';

export interface SendDigestResult {
  digestId: string;
  audience: number;
  /** Deliveries handed to batches (all on a first send; pending and requeued failed after). */
  planned?: number;
  requeued?: number;
  expired?: number;
  batchJobIds: string[];
}

/** One queue, two job kinds: `send-digest` fans out into `send-batch` jobs that carry ids only. */
export function startSendWorker(app: App): Worker {
  const { env } = app.config;
  const cache = new Map<string, PreparedDigestMail>();
  const sendDeps = {
    store: app.store,
    mailer: app.mailer,
    clock: app.clock,
    logger: app.logger,
    mail: { from: env.MAIL_FROM, replyTo: env.MAIL_REPLY_TO, publicUrl: env.PUBLIC_URL, secret: app.secret, postalAddress: env.POSTAL_ADDRESS },
    cache,
    concurrency: env.SMTP_POOL_SIZE,
    health: new SmtpHealth(),
    policy: {
      leaseMs: env.DELIVERY_LEASE_MS,
      retryAttempts: env.SMTP_RETRY_ATTEMPTS,
      retryBaseMs: env.SMTP_RETRY_BASE_MS,
      breakerThreshold: env.SEND_BREAKER_THRESHOLD,
    },
    ...(app.confirmClaim ? { confirmClaim: app.confirmClaim } : {}),
    ...(env.VERP ? { returnPath: (digestId: string, subscriberId: string) => returnPathAddress(app.returnPath, digestId, subscriberId) } : {}),
  };
  return new Worker(
    QUEUES.send,
    (job: Job) =>
      runJob(async () => {
        if (job.name === JOB_NAMES.autoSend) {
          const decision = await decideAutoSend(app.store);
          app.logger.info({ ...decision }, decision.send ? 'digest.auto_send' : 'digest.auto_send_skipped');
          if (decision.send) await enqueueSend(app.queues, decision.digestId, 'schedule');
          return decision;
        }
        if (job.name === JOB_NAMES.sendDigest) {
          const { digestId, actor } = SendDigestPayload.parse(job.data);
          const batchJobIds: string[] = [];
          const deps = { store: app.store, logger: app.logger, clock: app.clock, batchSize: env.SEND_BATCH_SIZE };
          const plan = await planSend(deps, digestId, async (batches) => {
            const jobs = await enqueueSendBatches(app.queues, job.id!, digestId, batches, batchJobIds.length);
            batchJobIds.push(...jobs.map((j) => j.id!));
          });
          if (actor) await app.store.recordAudit({ actor, action: 'send', digestId, detail: `audience ${plan.audience}, planned ${plan.planned}` });
          const { batches: _none, ...summary } = plan;
          return { ...summary, batchJobIds } satisfies SendDigestResult;
        }
        const { digestId, subscriberIds } = SendBatchPayload.parse(job.data);
        return sendBatch(sendDeps, digestId, subscriberIds);
      }),
    { connection: app.queues.connection, prefix: app.queues.prefix, concurrency: env.SEND_CONCURRENCY },
  );
}
