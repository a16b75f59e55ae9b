import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { QUEUES, type QueueName } from './contracts.ts';

export interface Queues {
  collect: Queue;
  build: Queue;
  send: Queue;
  prefix: string;
  connection: ConnectionOptions;
  events(name: QueueName): QueueEvents;
  close(): Promise<void>;
}

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
      return { ...keep, attempts: 3, backoff: { type: 'exponential', delay: retry.backoffMs } };
    case 'build':
      return { ...keep, attempts: 2, backoff: { type: 'exponential', delay: retry.backoffMs } };
    case 'send':
      return { ...keep, attempts: 5, backoff: { type: 'exponential', delay: retry.backoffMs } };
  }
}

/** BullMQ keys live under `${prefix}:bull`, beside the store's keys, so one prefix isolates an instance. */
export function createQueues(connection: ConnectionOptions, prefix: string, retry: RetryPolicy): Queues {
  const bullPrefix = `${prefix}:bull`;
  const make = (name: QueueName) => new Queue(name, { connection, prefix: bullPrefix, defaultJobOptions: jobOptions(name, retry) });
  const events = new Map<QueueName, QueueEvents>();
  const queues = { collect: make(QUEUES.collect), build: make(QUEUES.build), send: make(QUEUES.send) };
  return {
    ...queues,
    prefix: bullPrefix,
    connection,
    events(name) {
      let e = events.get(name);
      if (!e) {
        e = new QueueEvents(name, { connection, prefix: bullPrefix });
        events.set(name, e);
      }
      return e;
    },
    async close() {
      await Promise.all([...events.values()].map((e) => e.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      // BullMQ never closes a connection it was handed (it may be shared), so we do.
      if (typeof (connection as { disconnect?: unknown }).disconnect === 'function') (connection as { disconnect(): void }).disconnect();
    },
  };
}
