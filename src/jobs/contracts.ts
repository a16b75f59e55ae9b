import { z } from 'zod';

/**
 * Queue contracts: names, payloads and job ids. Payloads carry ids only; bodies, addresses and
 * secrets stay in Redis under the store's keys.
 */
export const QUEUES = { collect: 'collect', build: 'build', send: 'send', mail: 'mail' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const CollectPayload = z.object({ feedId: z.string().min(1) });
export type CollectPayload = z.infer<typeof CollectPayload>;

export const BuildPayload = z.object({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** Set by the weekly schedule: send right after building when AUTO_SEND is on. */
  autoSend: z.boolean().optional(),
  /** Who asked ("cli:ana", "admin", "schedule"), for the audit log. */
  actor: z.string().max(100).optional(),
});
export type BuildPayload = z.infer<typeof BuildPayload>;

/** `send-digest` freezes the audience and fans out `send-batch` jobs. */
export const SendDigestPayload = z.object({ digestId: z.string().min(1), actor: z.string().max(100).optional() });

/** Fired by the SEND_AT scheduler: send the latest draft unless an editor held or discarded it. */
export const AutoSendPayload = z.object({});
export type SendDigestPayload = z.infer<typeof SendDigestPayload>;

export const SendBatchPayload = z.object({
  digestId: z.string().min(1),
  batch: z.number().int().min(0),
  subscriberIds: z.array(z.string().min(1)).min(1),
});
export type SendBatchPayload = z.infer<typeof SendBatchPayload>;

/** Reader mail (confirmation, welcome): the worker reads the subscriber and decides what to send. */
export const ReaderMailPayload = z.object({ subscriberId: z.string().min(1).max(200) });
export type ReaderMailPayload = z.infer<typeof ReaderMailPayload>;

export const JOB_NAMES = {
  collectFeed: 'collect-feed',
  buildDigest: 'build-digest',
  sendDigest: 'send-digest',
  sendBatch: 'send-batch',
  autoSend: 'auto-send',
  confirmationMail: 'confirmation-mail',
  welcomeMail: 'welcome-mail',
} as const;

/**
 * Manual and scheduled adds are deduplicated while a job for the same thing is still waiting or
 * running (BullMQ's simple-mode deduplication), so two operators pressing `collect` at once make
 * one fetch, yet a later collect runs again. Batch ids are deterministic within one send run, so
 * a re-run of the fan-out does not enqueue its batches twice. BullMQ rejects ids containing ':'.
 */
const safe = (part: string) => part.replace(/[^A-Za-z0-9_-]/g, '_');
export const dedupIds = {
  collect: (feedId: string) => `collect-${safe(feedId)}`,
  build: (from: string, to: string) => `build-${safe(from)}-${safe(to)}`,
  sendDigest: (digestId: string) => `send-${safe(digestId)}`,
};
export const batchJobId = (sendJobId: string, batch: number) => `send${safe(sendJobId)}-b${batch}`;
