import { createApp, type App } from '../app.ts';
import { loadConfig, type AppConfig } from '../config/index.ts';
import type { Workers } from '../workers/index.ts';
import { UsageError } from './usage-error.ts';

export { UsageError };

export interface CliContext {
  app: App;
  workers?: Workers;
}

/**
 * Opens the app for one command. Commands that wait for jobs also run the workers in this
 * process, so a single machine needs no separate `frontera worker`; a running worker elsewhere
 * simply shares the jobs.
 */
export async function withApp<T>(
  opts: {
    workers?: ('collect' | 'build' | 'send')[];
    config?: AppConfig;
    /** Checks that need the store but must fail before any worker starts or any job is queued. */
    preflight?: (app: App) => Promise<void>;
  },
  fn: (ctx: CliContext) => Promise<T>,
): Promise<T> {
  const config = opts.config ?? loadConfig();
  // One-shot commands print their own progress; JSON logs below `error` would only interleave.
  const app = await createApp(config, { defaultLogLevel: 'error' });
  let workers: Workers | undefined;
  try {
    await opts.preflight?.(app);
    // Loaded only when needed: the workers pull in MJML, which `status` or `digest list` never use.
    if (opts.workers && opts.workers.length > 0) workers = (await import('../workers/index.ts')).startWorkers(app, opts.workers);
    return await fn({ app, workers });
  } finally {
    await workers?.close();
    await app.close();
  }
}

export function parseDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag} "${value}" is not a date (use YYYY-MM-DD or an ISO timestamp)`);
  return d;
}

