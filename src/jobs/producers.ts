import type { Job } from 'bullmq';
import { JOB_NAMES, jobIds, type BuildPayload, type CollectPayload, type SendBatchPayload, type SendDigestPayload } from './contracts.ts';
import type { Queues } from './queues.ts';

/** Minute resolution: pressing `collect` twice within a minute enqueues each feed once. */
const minuteBucket = (now: Date) => now.toISOString().slice(0, 16);

export async function enqueueCollect(queues: Queues, feedIds: string[], now: Date): Promise<Job<CollectPayload>[]> {
  const bucket = minuteBucket(now);
  return queues.collect.addBulk(
    feedIds.map((feedId) => ({ name: JOB_NAMES.collectFeed, data: { feedId }, opts: { jobId: jobIds.collect(feedId, bucket) } })),
  );
}

export async function enqueueBuild(queues: Queues, payload: BuildPayload, now: Date): Promise<Job<BuildPayload>> {
  const bucket = `${minuteBucket(now)}_${payload.from ?? ''}_${payload.to ?? ''}`;
  return queues.build.add(JOB_NAMES.buildDigest, payload, { jobId: jobIds.build(bucket) });
}

export async function enqueueSend(queues: Queues, digestId: string, now: Date): Promise<Job<SendDigestPayload>> {
  return queues.send.add(JOB_NAMES.sendDigest, { digestId }, { jobId: jobIds.sendDigest(digestId, minuteBucket(now)) });
}

export async function enqueueSendBatches(
  queues: Queues,
  sendJobId: string,
  digestId: string,
  batches: string[][],
): Promise<Job<SendBatchPayload>[]> {
  if (batches.length === 0) return [];
  return queues.send.addBulk(
    batches.map((subscriberIds, batch) => ({
      name: JOB_NAMES.sendBatch,
      data: { digestId, batch, subscriberIds },
      opts: { jobId: jobIds.sendBatch(sendJobId, batch) },
    })),
  );
}
