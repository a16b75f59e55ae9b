import type { Worker } from 'bullmq';
import type { App } from '../app.ts';
import { startBuildWorker } from './build-worker.ts';
import { startCollectWorker } from './collect-worker.ts';
import { startMailWorker } from './mail-worker.ts';
import { startSendWorker } from './send-worker.ts';

export interface Workers {
  workers: Worker[];
  close(): Promise<void>;
}

export function startWorkers(app: App, which: ('collect' | 'build' | 'send' | 'mail')[] = ['collect', 'build', 'send', 'mail']): Workers {
  const workers: Worker[] = [];
  if (which.includes('collect')) workers.push(startCollectWorker(app));
  if (which.includes('build')) workers.push(startBuildWorker(app));
  if (which.includes('send')) workers.push(startSendWorker(app));
  if (which.includes('mail')) workers.push(startMailWorker(app));
  for (const worker of workers) {
    worker.on('failed', (job, err) =>
      app.logger.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, error: err.message }, 'job.failed'),
    );
    worker.on('error', (err) => app.logger.error({ queue: worker.name, error: err.message }, 'worker.error'));
  }
  return {
    workers,
    close: async () => {
      // Closing a worker whose connection is still initialising makes BullMQ emit an unhandled
      // "Connection is closed" (a command that stops early, e.g. on a usage error, does that).
      await Promise.all(workers.map((w) => w.waitUntilReady().catch(() => undefined)));
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
