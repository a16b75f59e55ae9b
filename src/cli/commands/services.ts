import { parseArgs } from 'node:util';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config/index.ts';
import { upsertSchedules } from '../../jobs/schedules.ts';
import { webDeps } from '../../web/deps.ts';
import { buildServer } from '../../web/server.ts';
import { startCompactionTimer } from '../../workers/compaction-timer.ts';
import { startWorkers } from '../../workers/index.ts';
import { registerAdmin } from '../../web/admin/index.ts';
import { UsageError } from '../context.ts';

/** Runs until SIGINT/SIGTERM, then lets in-flight jobs finish (Worker.close waits for them). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'no-schedules': { type: 'boolean' } } });
  const app = await createApp(loadConfig());
  const { env } = app.config;
  if (!values['no-schedules']) {
    const s = await upsertSchedules(app.queues, {
      feedIds: app.config.feeds.filter((f) => f.enabled).map((f) => f.id),
      collectEveryHours: env.COLLECT_EVERY_HOURS,
      digestCron: env.DIGEST_CRON,
      timeZone: env.DIGEST_TZ,
      autoSend: env.AUTO_SEND,
      sendAtCron: env.SEND_AT?.cron,
    });
    app.logger.info(
      { feeds: s.collect, everyHours: env.COLLECT_EVERY_HOURS, weekly: s.weekly, autoSend: env.AUTO_SEND, sendAt: env.SEND_AT?.label ?? null },
      'schedules.upserted',
    );
  }
  const workers = startWorkers(app);
  // The report receiver runs here too when configured, so one process can do it all.
  const inbound = env.INBOUND_PORT === undefined ? undefined : await (await import('./inbound.ts')).startInbound(app);
  const stopCompaction = startCompactionTimer(app);
  app.logger.info({ redis: app.redisUrl.replace(/\/\/.*@/, '//***@'), queues: ['collect', 'build', 'send'] }, 'worker.started');
  const signal = await untilSignal();
  app.logger.info({ signal }, 'worker.stopping');
  stopCompaction();
  await inbound?.close();
  await workers.close();
  await app.close();
  return 0;
}

export async function webCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '3000') || port < 1 || port > 65_535) {
    throw new UsageError(`--port "${values.port}" must be a whole number from 1 to 65535`);
  }
  const app = await createApp(loadConfig());
  const { env } = app.config;
  const server = buildServer(webDeps(app, { logger: true }));
  await registerAdmin(server, app);
  const address = await server.listen({ port, host: values.host ?? '127.0.0.1' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      throw new UsageError(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${err.code}`);
    }
    throw err;
  });
  console.log(`web: listening on ${address} (public URL ${env.PUBLIC_URL}); metrics at /metrics`);
  console.log(env.ADMIN_PASSWORD_HASH ? 'web: admin at /admin (queues at /admin/queues)' : 'web: admin disabled (set ADMIN_PASSWORD_HASH: `frontera admin hash-password`)');
  await untilSignal();
  await server.close();
  await app.close();
  return 0;
}
