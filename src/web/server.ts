import { fastifyFormbody } from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import { fastify, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { describeError } from '../domain/errors.ts';
import type { Language } from '../domain/model.ts';
import type { DigestStore, ReaderMailJobs, SubscriberStore } from '../pipeline/ports.ts';
import { registerArchive } from './archive/routes.ts';
import * as pages from './pages.ts';
import { registerReader } from './reader/routes.ts';

export interface WebDeps {
  store: SubscriberStore & DigestStore;
  /** Queues reader mail (confirmation, welcome); the HTTP answer never waits for SMTP. */
  jobs: ReaderMailJobs;
  secret: string;
  /** Public base URL (scheme, host, optional path), used in emailed links and page links. */
  publicUrl: string;
  postalAddress: string;
  /** Rate-limit counters live here, so every web process shares them. */
  redis: Redis;
  /** Key prefix for the rate-limit counters (REDIS_PREFIX). */
  redisPrefix: string;
  rateLimit?: { subscribePerHour: number; actionsPerMinute: number };
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For. */
  trustProxy?: boolean;
  blockedDomains?: ReadonlySet<string>;
  /** Sections a reader may choose from (topic.yaml's themes and the catch-all). */
  themes: { id: string; title: string }[];
  /** Edition languages on offer; the language field is shown only when there are several. */
  languages?: Language[];
  /** DIGEST_CRON / DIGEST_TZ, to say when the next issue comes. */
  schedule?: { cron: string; tz: string };
  /** Fastify's pino request logging; tokens are stripped from logged URLs. */
  logger?: boolean;
}

const BASE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const SECURITY_HEADERS: Record<string, string> = {
  // No scripts (but one hashed auto-submit), images or fonts: pages are self-contained and archived
  // digests must not fetch trackers. frame-ancestors/base-uri are not covered by default-src.
  'content-security-policy': BASE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

// Forms and one-click posts are tiny; a small limit keeps junk bodies cheap.
export const BODY_LIMIT = 16 * 1024;

export function cspWithScript(hash: string): string {
  return `${BASE_CSP}; script-src ${hash}`;
}

export function buildServer(deps: WebDeps): FastifyInstance {
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const ctx: pages.PageContext = { publicUrl, postalAddress: deps.postalAddress };

  const app = fastify({
    bodyLimit: BODY_LIMIT,
    trustProxy: deps.trustProxy ?? false,
    logger: deps.logger
      ? { serializers: { req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url) }) } }
      : false,
  });
  app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  // Per client IP, counted in Redis so several web processes share one budget. Registered with
  // global: false; each state-changing route names its own limit.
  app.register(fastifyRateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: `${deps.redisPrefix}:ratelimit:`,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `Too many requests from your network. Please try again in ${context.after}.`,
    }),
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  const limits = deps.rateLimit ?? { subscribePerHour: 10, actionsPerMinute: 60 };
  app.register(async (scope) =>
    registerReader(scope, deps, ctx, {
      subscribe: { max: limits.subscribePerHour, timeWindow: 3_600_000 },
      action: { max: limits.actionsPerMinute, timeWindow: 60_000 },
    }),
  );
  app.register(async (scope) => registerArchive(scope, deps, ctx));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.setNotFoundHandler(async (_req, reply) => sendHtml(reply, 404, pages.messagePage(ctx, 'Not found', 'There is nothing at this address.')));

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    // Fastify's own client errors (bad JSON, 415, 413, 429) keep their status; all else is ours.
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err: describeError(err) }, 'web.error');
    const message = status === 500 ? 'Something went wrong on our side. Please try again later.' : clientMessage(status, err.message);
    if (status === 429 && reply.getHeader('retry-after') === undefined) reply.header('retry-after', '60');
    if (isJsonRequest(req)) return reply.code(status).send({ error: errorName(status), message });
    return sendHtml(reply, status, pages.messagePage(ctx, status === 500 ? 'Server error' : status === 429 ? 'Too many requests' : 'Bad request', message));
  });

  return app;
}

function errorName(status: number): string {
  return status === 500 ? 'internal' : status === 429 ? 'rate_limited' : status === 413 ? 'too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
}

function clientMessage(status: number, message: string): string {
  if (status === 415) return 'Send this form as application/x-www-form-urlencoded (or JSON where noted); this content type is not accepted.';
  if (status === 413) return `The request body is larger than ${BODY_LIMIT / 1024} KB; forms here are much smaller.`;
  return message;
}

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

export function isJsonRequest(req: FastifyRequest): boolean {
  const type = req.headers['content-type'] ?? '';
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(type);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Repeated parameters arrive as arrays; anything but a single string is no value. */
export function queryParam(req: FastifyRequest, name: string): string {
  const query = req.query as Record<string, unknown> | undefined;
  const value = query?.[name];
  return typeof value === 'string' ? value : '';
}

function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}
