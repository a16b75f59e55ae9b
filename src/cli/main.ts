import { ConfigError } from '../config/index.ts';
import { describeError } from '../domain/errors.ts';
import { stopPrivateRedis } from '../adapters/private-redis.ts';
import { UsageError } from './usage-error.ts';
import { resolve } from 'node:path';

const HELP = `frontera — weekly digest of coverage on Mexico's fight against the cartels and US–Mexico relations

Pipeline (enqueue BullMQ jobs and wait, showing progress; --no-wait prints job ids and returns):
  collect [--feed ID]...              fetch feeds now
  build [--from DATE] [--to DATE]     build a draft digest for the window (default: since the last digest)
  send DIGEST_ID [--to EMAIL]         send to confirmed subscribers (exactly once each); --to sends one test copy
  run                                 collect → build → send
Digests:
  preview [DIGEST_ID] [--out FILE]    write the rendered HTML (default: the latest digest)
  digest list [--json] | digest show ID [--json]
  deliveries list ID [--state uncertain]   who got what; resolve ID EMAIL --as sent|failed reconciles
                                      an uncertain delivery (failed: the next send retries it)
Feeds:
  feeds list [--json] | feeds check URL [--json]
Subscribers:
  subscribers add|list|remove|import FILE|export [--format csv|json]
Services:
  worker [--no-schedules]             run the workers and upsert the schedules (and the inbound
                                      receiver when INBOUND_PORT is set)
  inbound [--port 2525] [--host H]    receive late bounces (DSN) and complaints (ARF) over SMTP
  web [--port 3000] [--host 127.0.0.1] subscribe / confirm / one-click unsubscribe / archive pages
  status [--json]                     queue counts, last runs, feed health, deliveries
  demo                                the whole pipeline on bundled sample feeds
  stop                                stop the private Redis started without REDIS_URL

Configuration: environment variables (config/.env.example) and CONFIG_DIR/{feeds,topic}.yaml.`;

type Command = (argv: string[]) => Promise<number>;

// Loaded on demand: `frontera status` should not pay for MJML, Fastify and the demo's SMTP server.
const COMMANDS: Record<string, Command> = {
  collect: async (a) => (await import('./commands/pipeline.ts')).collectCommand(a),
  build: async (a) => (await import('./commands/pipeline.ts')).buildCommand(a),
  send: async (a) => (await import('./commands/pipeline.ts')).sendCommand(a),
  run: async (a) => (await import('./commands/pipeline.ts')).runCommand(a),
  preview: async (a) => (await import('./commands/digests.ts')).previewCommand(a),
  digest: async (a) => (await import('./commands/digests.ts')).digestCommand(a),
  deliveries: async (a) => (await import('./commands/deliveries.ts')).deliveriesCommand(a),
  feeds: async (a) => (await import('./commands/feeds.ts')).feedsCommand(a),
  subscribers: async (a) => (await import('./commands/subscribers.ts')).subscribersCommand(a),
  worker: async (a) => (await import('./commands/services.ts')).workerCommand(a),
  inbound: async (a) => (await import('./commands/inbound.ts')).inboundCommand(a),
  web: async (a) => (await import('./commands/services.ts')).webCommand(a),
  status: async (a) => (await import('./commands/status.ts')).statusCommand(a),
  demo: async () => (await import('./commands/demo.ts')).demoCommand(),
  stop: async () => {
    const stopped = await stopPrivateRedis(resolve(process.env.DATA_DIR || '.data'));
    console.log(stopped ? 'private Redis stopped' : 'no private Redis recorded in DATA_DIR');
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`frontera: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`frontera ${name}: ${(err as Error).message}`);
      return 2;
    }
    const { code, message } = describeError(err);
    console.error(`frontera ${name}: ${code}: ${message}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A closed ioredis or SMTP pool can keep a socket half-open for a moment; don't let that make the
// CLI look hung. unref() lets a clean exit happen sooner, while pending stdout still flushes.
setTimeout(() => process.exit(code), 1500).unref();
