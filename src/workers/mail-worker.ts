import { Worker, type Job } from 'bullmq';
import type { App } from '../app.ts';
import { JOB_NAMES, QUEUES, ReaderMailPayload } from '../jobs/contracts.ts';
import { sendConfirmation, sendWelcome, type ReaderMailDeps } from '../pipeline/reader-mail.ts';
import { runJob } from './errors.ts';

export function readerMailDeps(app: App): ReaderMailDeps {
  const { env } = app.config;
  return {
    store: app.store,
    mailer: app.mailer,
    secret: app.secret,
    publicUrl: env.PUBLIC_URL,
    from: env.MAIL_FROM,
    confirmTokenDays: env.CONFIRM_TOKEN_DAYS,
    schedule: { cron: env.DIGEST_CRON, tz: env.DIGEST_TZ },
    clock: app.clock,
    logger: app.logger,
  };
}

/** Confirmation and welcome mails; SMTP failures throw, and the queue retries with backoff. */
export function startMailWorker(app: App): Worker {
  const deps = readerMailDeps(app);
  return new Worker(
    QUEUES.mail,
    (job: Job) =>
      runJob(async () => {
        const { subscriberId } = ReaderMailPayload.parse(job.data);
        if (job.name === JOB_NAMES.welcomeMail) return { outcome: await sendWelcome(deps, subscriberId) };
        return { outcome: await sendConfirmation(deps, subscriberId) };
      }),
    { connection: app.queues.connection, prefix: app.queues.prefix, concurrency: Math.max(1, app.config.env.SMTP_POOL_SIZE) },
  );
}
