import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { webDeps } from '../../src/web/deps.ts';
import { buildServer, type WebDeps } from '../../src/web/server.ts';
import { startWorkers, type Workers } from '../../src/workers/index.ts';
import { freePort, startRedis, type TestRedis } from './redis-server.ts';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from './smtp-sink.ts';

/**
 * The reader's side as it runs: a private redis-server, the real composition root (createApp),
 * the web server on loopback, the mail queue's BullMQ worker, and an SMTP sink receiving the mail.
 */
export interface ReaderStack {
  app: App;
  web: FastifyInstance;
  workers: Workers;
  sink: SmtpSink;
  base: string;
  /** Waits until the sink has `count` messages (or fails after ~5 s), and parses them. */
  mails(count: number): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

export const STACK_SECRET = 'reader-stack-secret-0123456789abcdef';

export async function startReaderStack(
  opts: { env?: Record<string, string>; sink?: SmtpSinkOptions; web?: Partial<WebDeps>; workers?: boolean } = {},
): Promise<ReaderStack> {
  const redis: TestRedis = await startRedis();
  const sink = await startSmtpSink(opts.sink);
  const dataDir = mkdtempSync(join(tmpdir(), 'frontera-reader-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'reader',
    SMTP_URL: sink.url,
    SMTP_POOL_SIZE: '1',
    PUBLIC_URL: base,
    SECRET_KEY: STACK_SECRET,
    DATA_DIR: dataDir,
    CONFIG_DIR: 'config',
    POSTAL_ADDRESS: 'Frontera <Apartado 12>, CDMX',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const app = await createApp(config, { backoffMs: 50 });
  const web = buildServer(webDeps(app, opts.web));
  await web.listen({ host: '127.0.0.1', port });
  const workers = opts.workers === false ? { workers: [], close: async () => {} } : startWorkers(app, ['mail']);
  return {
    app,
    web,
    workers,
    sink,
    base,
    async mails(count) {
      for (let i = 0; i < 250 && sink.messages.length < count; i++) await new Promise((r) => setTimeout(r, 20));
      if (sink.messages.length < count) throw new Error(`expected ${count} mails, the SMTP server got ${sink.messages.length}`);
      return Promise.all(sink.messages.map((m) => simpleParser(m.raw)));
    },
    async stop() {
      await web.close();
      await workers.close();
      await app.close();
      await sink.stop();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
