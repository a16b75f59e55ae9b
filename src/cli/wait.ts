import type { Job, Queue } from 'bullmq';

export interface Finished<T> {
  id: string;
  state: 'completed' | 'failed';
  value?: T;
  error?: string;
}

/**
 * Polls job states rather than listening to QueueEvents: a CLI that starts waiting after the job
 * already finished (a fast worker elsewhere) must still see the outcome, and polling a few ids
 * twice a second is cheap. A job counts as failed only once BullMQ gives up retrying it.
 */
export async function waitForJobs<T>(
  queue: Queue,
  ids: string[],
  onTick?: (finished: Finished<T>[], pending: number) => void | Promise<void>,
  pollMs = 250,
  /** Report a job that failed and waits for a delayed retry as failed now (collect's backoff is minutes to hours). */
  settleRetries = false,
): Promise<Finished<T>[]> {
  const finished = new Map<string, Finished<T>>();
  while (finished.size < ids.length) {
    // At most a window of unfinished jobs per tick, oldest first: a 100,000-subscriber send has
    // 1,000 batch jobs, and asking for every one's state four times a second would compete with
    // the send itself for Redis.
    let asked = 0;
    for (const id of ids) {
      if (finished.has(id)) continue;
      if (++asked > 25) break;
      const state = await queue.getJobState(id);
      if (state === 'unknown') {
        finished.set(id, { id, state: 'failed', error: 'job disappeared from the queue' });
        continue;
      }
      if (settleRetries && state === 'delayed') {
        const job: Job | undefined = await queue.getJob(id);
        if (job && job.attemptsMade > 0) {
          const at = new Date(job.timestamp + (job.delay ?? 0)).toISOString();
          finished.set(id, { id, state: 'failed', error: `${job.failedReason} (retry scheduled for ${at})` });
        }
        continue;
      }
      if (state !== 'completed' && state !== 'failed') continue;
      // Read the job only once it has finished: a snapshot taken earlier has no return value yet.
      const job: Job | undefined = await queue.getJob(id);
      if (state === 'completed') finished.set(id, { id, state, value: job?.returnvalue as T });
      else finished.set(id, { id, state, error: job?.failedReason });
    }
    await onTick?.([...finished.values()], ids.length - finished.size);
    if (finished.size < ids.length) await new Promise((r) => setTimeout(r, pollMs));
  }
  return ids.map((id) => finished.get(id)!);
}
