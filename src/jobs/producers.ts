import type { Job } from 'bullmq';
import { batchJobId, dedupIds, JOB_NAMES, type BuildPayload, type CollectPayload, type SendBatchPayload, type SendDigestPayload } from './contracts.ts';
import type { ReaderMailJobs } from '../pipeline/ports.ts';
import type { Queues } from './queues.ts';

export async function enqueueCollect(queues: Queues, feedIds: string[]): Promise<Job<CollectPayload>[]> {
  return queues.collect.addBulk(
    feedIds.map((feedId) => ({ name: JOB_NAMES.collectFeed, data: { feedId }, opts: { deduplication: { id: dedupIds.collect(feedId) } } })),
  );
}

export async function enqueueBuild(queues: Queues, payload: BuildPayload): Promise<Job<BuildPayload>> {
  return queues.build.add(JOB_NAMES.buildDigest, payload, { deduplication: { id: dedupIds.build(payload.from ?? 'last', payload.to ?? 'now') } });
}

export async function enqueueSend(queues: Queues, digestId: string, actor?: string): Promise<Job<SendDigestPayload>> {
  return queues.send.add(JOB_NAMES.sendDigest, { digestId, ...(actor ? { actor } : {}) }, { deduplication: { id: dedupIds.sendDigest(digestId) } });
}

export async function enqueueSendBatches(
  queues: Queues,
  sendJobId: string,
  digestId: string,
  batches: string[][],
  firstIndex = 0,
): Promise<Job<SendBatchPayload>[]> {
  if (batches.length === 0) return [];
  return queues.send.addBulk(
    batches.map((subscriberIds, i) => ({
      name: JOB_NAMES.sendBatch,
      data: { digestId, batch: firstIndex + i, subscriberIds },
      opts: { jobId: batchJobId(sendJobId, firstIndex + i) },
    })),
  );
}

/**
 * The web's way to mail a reader without waiting for SMTP. Welcome mails are deduplicated while
 * one is queued (a double-submitted confirm form); confirmations are throttled by the worker.
 */
export function readerMailJobs(queues: Pick<Queues, 'mail'>): ReaderMailJobs {
  return {
    async confirmation(subscriberId) {
      await queues.mail.add(JOB_NAMES.confirmationMail, { subscriberId });
    },
    async welcome(subscriberId) {
      await queues.mail.add(JOB_NAMES.welcomeMail, { subscriberId }, { deduplication: { id: `welcome-${subscriberId.replace(/[^A-Za-z0-9_-]/g, '_')}` } });
    },
  };
}
