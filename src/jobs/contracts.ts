import { z } from 'zod';

/**
 * Queue contracts: names, payloads and job ids. Payloads carry ids only; bodies, addresses and
 * secrets stay in Redis under the store's keys.
 */
export const QUEUES = { collect: 'collect', build: 'build', send: 'send' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const CollectPayload = z.object({ feedId: z.string().min(1) });
export type CollectPayload = z.infer<typeof CollectPayload>;

export const BuildPayload = z.object({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** Set by the weekly schedule: send right after building when AUTO_SEND is on. */
  autoSend: z.boolean().optional(),
});
export type BuildPayload = z.infer<typeof BuildPayload>;

/** `send-digest` freezes the audience and fans out `send-batch` jobs. */
export const SendDigestPayload = z.object({ digestId: z.string().min(1) });
export type SendDigestPayload = z.infer<typeof SendDigestPayload>;

export const SendBatchPayload = z.object({
  digestId: z.string().min(1),
  batch: z.number().int().min(0),
  subscriberIds: z.array(z.string().min(1)).min(1),
});
export type SendBatchPayload = z.infer<typeof SendBatchPayload>;

export const JOB_NAMES = {
  collectFeed: 'collect-feed',
  buildDigest: 'build-digest',
  sendDigest: 'send-digest',
  sendBatch: 'send-batch',
} as const;

/**
 * Deterministic job ids make enqueueing idempotent: BullMQ ignores an add whose id already
 * exists, so two operators (or a retried scheduler) asking for the same batch create one job.
 * Collect ids include a time bucket so a feed can be collected again later; batch ids include the
 * send run, so a later re-send (after failures) gets fresh jobs while the ledger still stops
 * duplicates. BullMQ rejects custom ids containing ':' (its key separator), hence '.' here.
 */
const safe = (part: string) => part.replace(/[^A-Za-z0-9_-]/g, '_');
export const jobIds = {
  collect: (feedId: string, bucket: string) => `collect.${safe(feedId)}.${safe(bucket)}`,
  build: (bucket: string) => `build.${safe(bucket)}`,
  sendDigest: (digestId: string, run: string) => `send.${safe(digestId)}.${safe(run)}`,
  sendBatch: (sendJobId: string, batch: number) => `${sendJobId}.b${batch}`,
};
