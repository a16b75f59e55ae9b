import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const SENTINEL_URL = /^redis\+sentinel:\/\/([^@/]*@)?[^/@,]+:\d+(,[^/@,]+:\d+)*\/[A-Za-z0-9._-]+(\/\d+)?(\?.*)?$/i;

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` },
  );

const emailList = z
  .string()
  .transform((v) => v.split(/[,;\s]+/).filter(Boolean))
  .pipe(z.array(z.email('must be a comma-separated list of email addresses')));

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** "mon 09:00" → the cron pattern "0 9 * * 1" (read in DIGEST_TZ). */
const sendAt = z
  .string()
  .regex(/^(sun|mon|tue|wed|thu|fri|sat)\s+([01]?\d|2[0-3]):([0-5]\d)$/i, 'must be a day and a time such as "mon 09:00"')
  .transform((v) => {
    const [, day, hour, minute] = /^(\w{3})\s+(\d+):(\d+)$/.exec(v.toLowerCase())!;
    return { label: v, cron: `${Number(minute)} ${Number(hour)} * * ${DAYS.indexOf(day!)}` };
  });

/**
 * Every environment variable Frontera reads. config/.env.example documents each one; keep the two
 * in step. Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
 */
export const EnvSchema = z.object({
  /** redis://, rediss://, or redis+sentinel://HOST:PORT,HOST:PORT/MASTER_NAME (adapters/redis-sentinel.ts). */
  REDIS_URL: z
    .string()
    .refine((v) => SENTINEL_URL.test(v) || url(['redis:', 'rediss:']).safeParse(v).success, {
      message: 'must be a URL starting with redis:// or rediss://, or redis+sentinel://HOST:PORT[,HOST:PORT…]/MASTER_NAME',
    })
    .optional(),
  /** Replicas that must acknowledge a delivery's claim (WAIT) before its SMTP transaction. Unset: 1 with a Sentinel URL, else 0. */
  REDIS_WAIT_REPLICAS: int(0, 16).optional(),
  REDIS_WAIT_TIMEOUT_MS: int(10, 60_000).default(1000),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" or "-"').default('frontera'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_POOL_SIZE: int(1, 50).default(5),
  MAIL_FROM: z.string().min(3).default('Frontera <digest@frontera.example>'),
  MAIL_REPLY_TO: z.string().optional(),
  PUBLIC_URL: url(['https:', 'http:']).default('https://frontera.example'),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  POSTAL_ADDRESS: z.string().min(5).default('Frontera, Apartado Postal 123, 06700 Ciudad de México, MX'),
  DIGEST_CRON: z.string().min(9).default('0 7 * * 1'),
  DIGEST_TZ: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/Mexico_City')
    .default('America/Mexico_City'),
  DIGEST_WINDOW_DAYS: int(1, 31).default(7),
  DIGEST_MAX_STORIES: int(1, 100).default(24),
  DIGEST_MAX_PER_THEME: int(1, 50).default(6),
  AUTO_SEND: bool.default(false),
  /** Send the week's draft at this time unless an editor held or discarded it. */
  SEND_AT: sendAt.optional(),
  /** Mailed "draft ready" when the weekly build makes a draft. */
  EDITOR_EMAILS: emailList.default([]),
  /** Where `send ID --test` sends proof copies. */
  REVIEWER_EMAILS: emailList.default([]),
  /** scrypt hash from `frontera admin hash-password`; unset: /admin is disabled. */
  ADMIN_PASSWORD_HASH: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must be the output of `frontera admin hash-password`').optional(),
  COLLECT_EVERY_HOURS: int(1, 168).default(3),
  FETCH_TIMEOUT_MS: int(1000, 120_000).default(20_000),
  FETCH_MAX_BYTES: int(10_000, 50_000_000).default(5_000_000),
  FETCH_MAX_REDIRECTS: int(0, 10).default(3),
  FETCH_CONCURRENCY: int(1, 32).default(4),
  /** Private destinations the fetcher may reach: comma-separated hosts, addresses, CIDR ranges. */
  FETCH_ALLOW_PRIVATE: z
    .string()
    .refine(
      (v) => v.split(',').map((s) => s.trim()).filter(Boolean).every((s) => (s.includes('/') ? ipaddr.isValidCIDR(s) : /^[\w.:\[\]-]+$/.test(s))),
      'must be comma-separated host names, IP addresses or CIDR ranges such as 127.0.0.0/8',
    )
    .optional(),
  /** Pause between two requests to one host (feeds and article pages), across all workers. */
  FETCH_HOST_INTERVAL_MS: int(0, 600_000).default(1000),
  SEND_BATCH_SIZE: int(1, 1000).default(100),
  SEND_CONCURRENCY: int(1, 32).default(2),
  /** A claimed delivery's lease: longer than one SMTP transaction with its timeouts and retries. */
  DELIVERY_LEASE_MS: int(500, 3_600_000).default(120_000),
  SMTP_TIMEOUT_MS: int(1000, 600_000).default(60_000),
  SMTP_RETRY_ATTEMPTS: int(1, 10).default(4),
  SMTP_RETRY_BASE_MS: int(10, 600_000).default(2_000),
  SEND_BREAKER_THRESHOLD: int(1, 100_000).default(10),
  /** VERP: each message's envelope sender is BOUNCE_LOCAL_PART+TOKEN@BOUNCE_DOMAIN (signed token). */
  VERP: bool.default(true),
  /** Unset: the domain of MAIL_FROM. */
  BOUNCE_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$|^localhost$/, 'a domain name such as bounces.example.org').optional(),
  BOUNCE_LOCAL_PART: z.string().regex(/^[A-Za-z0-9._-]{1,20}$/, 'letters, digits, ".", "_" or "-" (at most 20)').default('bounces'),
  /** The inbound receiver (`frontera inbound`, or inside `frontera worker` when INBOUND_PORT is set). */
  INBOUND_HOST: z.string().min(1).default('127.0.0.1'),
  INBOUND_PORT: int(0, 65535).optional(),
  INBOUND_MAX_BYTES: int(10_000, 50_000_000).default(1_000_000),
  /** A settled issue's ledger is compacted to counts plus exceptions after this many quiet days. */
  LEDGER_COMPACT_AFTER_DAYS: int(0, 3650).default(30),
  CONFIG_DIR: z.string().default('config'),
  DATA_DIR: z.string().default('.data'),
  /** Confirmation links expire after this many days. */
  CONFIRM_TOKEN_DAYS: int(1, 90).default(7),
  /** Per client IP: sign-up form posts per hour, and other state-changing posts per minute. */
  RATE_LIMIT_SUBSCRIBE_PER_HOUR: int(1, 100_000).default(10),
  RATE_LIMIT_ACTIONS_PER_MINUTE: int(1, 100_000).default(60),
  /** Behind a reverse proxy, take the client IP from X-Forwarded-For (else every reader shares one limit). */
  WEB_TRUST_PROXY: bool.default(false),
  /** Optional file of disposable email domains, one per line ('#' comments); sign-ups from them are refused. */
  DISPOSABLE_DOMAINS_FILE: z.string().optional(),
  /** Unset: `info` for the long-running worker and web, `error` for one-shot CLI commands. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) throw ConfigError.fromZod('environment', result.error);
  return result.data;
}
