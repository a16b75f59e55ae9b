import { ConfigError } from '../config/index.ts';
import { describeError } from '../domain/errors.ts';
import { stopPrivateRedis } from '../adapters/private-redis.ts';
import { UsageError } from './context.ts';
import { demoCommand } from './commands/demo.ts';
import { digestCommand, previewCommand } from './commands/digests.ts';
import { feedsCommand } from './commands/feeds.ts';
import { buildCommand, collectCommand, runCommand, sendCommand } from './commands/pipeline.ts';
import { statusCommand } from './commands/status.ts';
import { subscribersCommand } from './commands/subscribers.ts';
import { webCommand, workerCommand } from './commands/services.ts';
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
Feeds:
  feeds list [--json] | feeds check URL [--json]
Subscribers:
  subscribers add|list|remove|import FILE|export [--format csv|json]
Services:
  worker [--no-schedules]             run the workers and upsert the schedules
  web [--port 3000] [--host 127.0.0.1] subscribe / confirm / one-click unsubscribe / archive pages
  status [--json]                     queue counts, last runs, feed health, deliveries
  demo                                the whole pipeline on bundled sample feeds
  stop                                stop the private Redis started without REDIS_URL

Configuration: environment variables (config/.env.example) and CONFIG_DIR/{feeds,topic}.yaml.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  collect: collectCommand,
  build: buildCommand,
  send: sendCommand,
  run: runCommand,
  preview: previewCommand,
  digest: digestCommand,
  feeds: feedsCommand,
  subscribers: subscribersCommand,
  worker: workerCommand,
  web: webCommand,
  status: statusCommand,
  demo: () => demoCommand(),
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
