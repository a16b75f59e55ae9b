import { readFileSync } from 'node:fs';
import type { App } from '../app.ts';
import { ConfigError } from '../config/index.ts';
import { readerMailJobs } from '../jobs/producers.ts';
import type { WebDeps } from './server.ts';

/** The web's slice of the app: built here so `frontera web` and the tests wire it the same way. */
export function webDeps(app: App, overrides: Partial<WebDeps> = {}): WebDeps {
  const { env, topic } = app.config;
  return {
    store: app.store,
    jobs: readerMailJobs(app.queues),
    secret: app.secret,
    publicUrl: env.PUBLIC_URL,
    postalAddress: env.POSTAL_ADDRESS,
    redis: app.redis,
    redisPrefix: env.REDIS_PREFIX,
    rateLimit: { subscribePerHour: env.RATE_LIMIT_SUBSCRIBE_PER_HOUR, actionsPerMinute: env.RATE_LIMIT_ACTIONS_PER_MINUTE },
    trustProxy: env.WEB_TRUST_PROXY,
    ...(env.DISPOSABLE_DOMAINS_FILE ? { blockedDomains: loadDomainList(env.DISPOSABLE_DOMAINS_FILE) } : {}),
    themes: [...topic.themes.map((t) => ({ id: t.id, title: t.title })), topic.otherTheme],
    schedule: { cron: env.DIGEST_CRON, tz: env.DIGEST_TZ },
    // Every issue is rendered in both editions (templates/editions), so readers may choose.
    languages: ['en', 'es'],
    logger: false,
    ...overrides,
  };
}

/** One domain per line; blank lines and '#' comments ignored. A missing file stops start-up. */
export function loadDomainList(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`the environment`, [{ key: `DISPOSABLE_DOMAINS_FILE`, reason: `cannot read ${file}: ${(err as Error).message}` }]);
  }
  const domains = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const d = line.replace(/#.*/, '').trim().toLowerCase().replace(/\.+$/, '');
    if (d && /^[a-z0-9.-]+$/.test(d)) domains.add(d);
  }
  return domains;
}
