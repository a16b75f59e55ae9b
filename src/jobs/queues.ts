import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { QUEUES, type QueueName } from './contracts.ts';

export interface Queues {
  collect: Queue;
  build: Queue;
  send: Queue;
  mail: Queue;
  prefix: string;
  connection: ConnectionOptions;
  events(name: QueueName): QueueEvents;
  close(): Promise<void>;
}

/** Custom BullMQ backoff type: the retry waits for the feed's nextAttemptAt. */
export const FEED_STATE_BACKOFF = 'feed-state';

export interface RetryPolicy {
  /** First retry delay; BullMQ doubles it for each further attempt. */
  backoffMs: number;
}

/**
 * Defaults per queue. Finished jobs are kept for a while so `status` can show recent runs and
 * so deterministic job ids keep deduplicating re-adds within that period.
 */
export function jobOptions(queue: QueueName, retry: RetryPolicy): JobsOptions {
  const keep = { removeOnComplete: { age: 7 * 86_400, count: 2_000 }, removeOnFail: { age: 30 * 86_400, count: 5_000 } };
  switch (queue) {
    case 'collect':
      // The feed's own state decides when to try again (backoff, Retry-After): see collect-worker.
      return { ...keep, attempts: 3, backoff: { type: FEED_STATE_BACKOFF } };
    case 'build':
      return { ...keep, attempts: 2, backoff: { type: 'exponential', delay: retry.backoffMs } };
    case 'send':
      return { ...keep, attempts: 5, backoff: { type: 'exponential', delay: retry.backoffMs } };
    case 'mail':
      // A reader waits for this mail: retry sooner and for longer than a digest batch.
      return { ...keep, attempts: 8, backoff: { type: 'exponential', delay: Math.min(retry.backoffMs, 5_000) } };
  }
}

/** BullMQ keys live under `${prefix}:bull`, beside the store's keys, so one prefix isolates an instance. */
export function createQueues(
  connection: ConnectionOptions,
  prefix: string,
  retry: RetryPolicy,
  onError: (err: Error) => void = () => {},
): Queues {
  const bullPrefix = `${prefix}:bull`;
  let closing = false;
  // Without a listener an 'error' event (Redis restarting, or a connection closed while BullMQ
  // is still initialising it) would crash the process; errors during close() are expected.
  const report = (err: Error) => {
    if (!closing) onError(err);
  };
  const make = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix: bullPrefix, defaultJobOptions: jobOptions(name, retry) });
    queue.on('error', report);
    return queue;
  };
  const events = new Map<QueueName, QueueEvents>();
  const queues = { collect: make(QUEUES.collect), build: make(QUEUES.build), send: make(QUEUES.send), mail: make(QUEUES.mail) };
  return {
    ...queues,
    prefix: bullPrefix,
    connection,
    events(name) {
      let e = events.get(name);
      if (!e) {
        e = new QueueEvents(name, { connection, prefix: bullPrefix });
        e.on('error', report);
        events.set(name, e);
      }
      return e;
    },
    async close() {
      closing = true;
      // Closing a queue whose connection is still initialising makes BullMQ emit an unhandled
      // "Connection is closed" from its RedisConnection; let initialisation finish first.
      await Promise.all([...Object.values(queues), ...events.values()].map((q) => q.waitUntilReady().catch(() => undefined)));
      await Promise.all([...events.values()].map((e) => e.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
