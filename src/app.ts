import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createArticleExtractor } from './adapters/article-extractor.ts';
import { createFeedParser } from './adapters/feed-parser.ts';
import { createRedisHostGate } from './adapters/host-gate.ts';
import { createHttpFetcher } from './adapters/http-fetcher.ts';
import { createLogger } from './adapters/logger.ts';
import { createOutboxMailer } from './adapters/outbox-mailer.ts';
import { ensurePrivateRedis } from './adapters/private-redis.ts';
import { assertNoEviction, bullmqConnection, createRedis, probeRedis } from './adapters/redis-connection.ts';
import { createRedisStore } from './adapters/redis-store.ts';
import { createSmtpMailer } from './adapters/smtp-mailer.ts';
import type { AppConfig } from './config/index.ts';
import { createQueues, type Queues } from './jobs/queues.ts';
import { createLedgerCompactor } from './adapters/redis-compaction.ts';
import { redisKeys } from './adapters/redis-keys.ts';
import { createLateReportStore } from './adapters/redis-late-reports.ts';
import { domainOfSender, type ReturnPathConfig } from './domain/return-path.ts';
import { createClaimConfirmer } from './adapters/redis-replication.ts';
import { isSentinelUrl } from './adapters/redis-sentinel.ts';
import type {
  ArticleExtractor,
  ClaimConfirmation,
  Clock,
  FeedFetcher,
  FeedParser,
  LateReportStore,
  LedgerCompactor,
  Logger,
  Mailer,
  Store,
} from './pipeline/ports.ts';

/** The composition root: the one place that turns configuration into adapters. */
export interface App {
  config: AppConfig;
  redisUrl: string;
  redis: Redis;
  store: Store;
  queues: Queues;
  fetcher: FeedFetcher;
  parser: FeedParser;
  extractor: ArticleExtractor;
  mailer: Mailer;
  /** Where .eml files go when SMTP_URL is unset; undefined when sending over SMTP. */
  outboxDir?: string;
  clock: Clock;
  logger: Logger;
  secret: string;
  /** Late bounces and complaints (inbound receiver) and ledger compaction. */
  reports: LateReportStore;
  compactor: LedgerCompactor;
  /** Where reports come back: VERP envelope senders and the inbound receiver's addresses. */
  returnPath: ReturnPathConfig;
  /** Set when claims must reach replicas before a send (REDIS_WAIT_REPLICAS, Sentinel). */
  confirmClaim?: () => Promise<ClaimConfirmation>;
  close(): Promise<void>;
}

/** Publishers see who fetches their feed and where to reach us: the instance's public URL. */
export function userAgent(publicUrl: string): string {
  return `FronteraDigest/0.1 (+${publicUrl}; weekly news digest)`;
}

export async function createApp(
  config: AppConfig,
  opts: { logger?: Logger; backoffMs?: number; defaultLogLevel?: string } = {},
): Promise<App> {
  const { env } = config;
  const logger = opts.logger ?? createLogger(env.LOG_LEVEL ?? opts.defaultLogLevel ?? 'info');
  mkdirSync(config.dataDir, { recursive: true });
  const redisUrl = env.REDIS_URL ?? (await ensurePrivateRedis(config.dataDir)).url;
  await probeRedis(redisUrl);
  const redis = createRedis(redisUrl);
  // Reconnects (Redis restarting mid-send) are retried by the callers; note the cause once.
  let lastRedisError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastRedisError) logger.warn({ error: err.message }, 'redis.error');
    lastRedisError = err.message;
  });
  redis.on('ready', () => (lastRedisError = ''));
  await assertNoEviction(redis);
  const store = createRedisStore(redis, env.REDIS_PREFIX);
  // BullMQ gets connection options, not a client: it opens (and closes) its own connections.
  const queues = createQueues(bullmqConnection(redisUrl), env.REDIS_PREFIX, { backoffMs: opts.backoffMs ?? 30_000 }, (err) =>
    logger.error({ error: err.message }, 'queue.error'),
  );
  const secret = env.SECRET_KEY ?? localSecret(config.dataDir, logger);
  const returnPath: ReturnPathConfig = {
    secret,
    localPart: env.BOUNCE_LOCAL_PART,
    // Not send-batch's addressOf: importing the send path would load MJML into every command.
    domain: env.BOUNCE_DOMAIN ?? domainOfSender(env.MAIL_FROM) ?? 'frontera.example',
  };
  const waitReplicas = env.REDIS_WAIT_REPLICAS ?? (isSentinelUrl(redisUrl) ? 1 : 0);
  const outboxDir = env.SMTP_URL ? undefined : join(config.dataDir, 'outbox');
  const mailer = env.SMTP_URL
    ? createSmtpMailer({ url: env.SMTP_URL, poolSize: env.SMTP_POOL_SIZE, from: env.MAIL_FROM, replyTo: env.MAIL_REPLY_TO, timeoutMs: env.SMTP_TIMEOUT_MS })
    : createOutboxMailer(outboxDir!, { from: env.MAIL_FROM, replyTo: env.MAIL_REPLY_TO });
  return {
    config,
    redisUrl,
    redis,
    store,
    queues,
    fetcher: createHttpFetcher({
      timeoutMs: env.FETCH_TIMEOUT_MS,
      maxBytes: env.FETCH_MAX_BYTES,
      maxRedirects: env.FETCH_MAX_REDIRECTS,
      userAgent: userAgent(env.PUBLIC_URL),
      allowPrivate: env.FETCH_ALLOW_PRIVATE,
      minHostIntervalMs: env.FETCH_HOST_INTERVAL_MS,
      hostGate: createRedisHostGate(redis, env.REDIS_PREFIX, {
        minIntervalMs: env.FETCH_HOST_INTERVAL_MS,
        maxWaitMs: 60_000,
        leaseMs: env.FETCH_TIMEOUT_MS + 10_000,
      }),
    }),
    parser: createFeedParser(),
    extractor: createArticleExtractor(),
    mailer,
    outboxDir,
    clock: { now: () => new Date() },
    logger,
    secret,
    reports: createLateReportStore(redis, redisKeys(env.REDIS_PREFIX)),
    compactor: createLedgerCompactor(redis, redisKeys(env.REDIS_PREFIX)),
    returnPath,
    ...(waitReplicas > 0 ? { confirmClaim: createClaimConfirmer(redis, { replicas: waitReplicas, timeoutMs: env.REDIS_WAIT_TIMEOUT_MS }) } : {}),
    async close() {
      await queues.close();
      await mailer.close();
      redis.disconnect();
    },
  };
}

/**
 * Without SECRET_KEY, links are signed with a key generated once and kept in DATA_DIR, so links in
 * mails already sent keep working across restarts. Production sets SECRET_KEY explicitly.
 */
function localSecret(dataDir: string, logger: Logger): string {
  const file = join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  logger.warn({ file }, 'config.secret_generated');
  return secret;
}
