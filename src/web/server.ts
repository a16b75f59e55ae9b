import { fastifyFormbody } from '@fastify/formbody';
import { fastify, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { describeError, isFrontError } from '../domain/errors.ts';
import type { DigestStore, Mailer, SubscriberStore } from '../pipeline/ports.ts';
import {
  confirmSubscription,
  isUnsubscribeToken,
  parseSubscribeInput,
  subscribe,
  unsubscribe,
} from '../pipeline/subscriptions.ts';
import { escapeHtml } from '../templates/escape.ts';
// personalize.ts, not render.ts: render.ts pulls in mjml, which the web process never needs.
import { PLACEHOLDERS } from '../templates/personalize.ts';
import * as pages from './pages.ts';

export interface WebDeps {
  store: SubscriberStore & DigestStore;
  mailer: Mailer;
  secret: string;
  /** Public base URL (scheme, host, optional path), used in emailed links and page links. */
  publicUrl: string;
  from: string;
  postalAddress: string;
  /** Fastify's pino request logging; tokens are stripped from logged URLs. */
  logger?: boolean;
}

const SECURITY_HEADERS: Record<string, string> = {
  // No scripts, images or fonts anywhere: pages are self-contained and archived digests must not
  // fetch trackers. frame-ancestors/base-uri are not covered by default-src, so say them.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const ARCHIVE_ID = /^[A-Za-z0-9_-]{1,80}$/;
// A partially sent or paused issue still went out to (most) readers: it belongs in the archive.
const ARCHIVABLE: ReadonlySet<string> = new Set(['approved', 'sending', 'sent', 'partially_sent', 'paused']);
// Forms and one-click posts are tiny; a small limit keeps junk bodies cheap.
const BODY_LIMIT = 16 * 1024;

export function buildServer(deps: WebDeps): FastifyInstance {
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const ctx: pages.PageContext = { publicUrl, postalAddress: deps.postalAddress };

  const app = fastify({
    bodyLimit: BODY_LIMIT,
    logger: deps.logger
      ? { serializers: { req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url) }) } }
      : false,
  });
  app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  // The pipeline logs subscriber ids (never addresses) through Fastify's logger, a no-op when off.
  const flow = { store: deps.store, mailer: deps.mailer, secret: deps.secret, from: deps.from, publicUrl, logger: app.log };

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(body);

  app.get('/', async (_req, reply) => html(reply, 200, pages.subscribePage(ctx)));

  app.post('/subscribe', async (req, reply) => {
    const json = isJsonRequest(req);
    const body = isRecord(req.body) ? req.body : {};
    try {
      await subscribe(flow, parseSubscribeInput(body));
    } catch (err) {
      if (isFrontError(err) && err.code === 'SUBSCRIBER_INVALID') {
        if (json) return reply.code(400).send({ error: 'invalid_email', message: err.message });
        const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
        return html(reply, 400, pages.subscribePage(ctx, { error: err.message, email }));
      }
      req.log.error({ err: describeError(err) }, 'subscribe.failed');
      const message = 'We could not send the confirmation email just now. Please try again in a few minutes.';
      if (json) return reply.code(503).send({ error: 'unavailable', message });
      return html(reply, 503, pages.messagePage(ctx, 'Please try again', message));
    }
    // The same answer whatever the address's state, so the form can't probe who subscribes.
    if (json) return reply.code(200).send({ status: 'ok', message: 'Check your inbox for a confirmation link.' });
    return html(reply, 200, pages.checkInboxPage(ctx));
  });

  app.get('/confirm', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const result = await confirmSubscription(flow, queryToken(req));
    if (result.status === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'confirmation'));
    if (result.status === 'inactive') return html(reply, 410, pages.confirmInactivePage(ctx));
    return html(reply, 200, pages.confirmedPage(ctx));
  });

  // GET never unsubscribes: scanners and link previews fetch it. The page's button POSTs.
  app.get('/unsubscribe', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const token = queryToken(req);
    if (!isUnsubscribeToken(deps.secret, token)) return html(reply, 400, pages.invalidLinkPage(ctx, 'unsubscribe'));
    return html(reply, 200, pages.unsubscribeFormPage(ctx, token));
  });

  // RFC 8058 one-click: the token in the URL is the authority; the body ("List-Unsubscribe=One-Click")
  // is not required to match, and the RFC's own example posts it as multipart/form-data, which we
  // accept unparsed in this scope rather than answer 415 to a mail provider.
  app.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, _body, done) => done(null, {}));
    scope.post('/unsubscribe', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const bodyToken = isRecord(req.body) && typeof req.body.token === 'string' ? req.body.token : '';
      const result = await unsubscribe(flow, queryToken(req) || bodyToken);
      if (result.status === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'unsubscribe'));
      return html(reply, 200, pages.unsubscribedPage(ctx));
    });
  });

  app.get<{ Params: { id: string } }>('/archive/:id', async (req, reply) => {
    const { id } = req.params;
    const notFound = () => html(reply, 404, pages.messagePage(ctx, 'Not found', 'There is no published digest here.'));
    if (!ARCHIVE_ID.test(id)) return notFound();
    const digest = await deps.store.getDigest(id);
    // Drafts are unreviewed; only what was approved for sending is public.
    if (!digest || !ARCHIVABLE.has(digest.status)) return notFound();
    const rendered = await deps.store.getRendered(id);
    if (!rendered) return notFound();
    // Neutral values: an archived copy must not carry anybody's address or working unsubscribe link.
    const page = rendered.html
      .replaceAll(PLACEHOLDERS.unsubscribeUrl, escapeHtml(`${publicUrl}/`))
      .replaceAll(PLACEHOLDERS.email, '');
    return html(reply, 200, page);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.setNotFoundHandler(async (_req, reply) =>
    html(reply, 404, pages.messagePage(ctx, 'Not found', 'There is nothing at this address.')),
  );

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    // Fastify's own client errors (bad JSON, 415, body too large) keep their status; all else is ours.
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err: describeError(err) }, 'web.error');
    const message = status === 500 ? 'Something went wrong on our side. Please try again later.' : err.message;
    if (isJsonRequest(req)) return reply.code(status).send({ error: status === 500 ? 'internal' : 'bad_request', message });
    return html(reply, status, pages.messagePage(ctx, status === 500 ? 'Server error' : 'Bad request', message));
  });

  return app;
}

function isJsonRequest(req: FastifyRequest): boolean {
  const type = req.headers['content-type'] ?? '';
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(type);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Repeated parameters arrive as arrays; anything but a single string is no token. */
function queryToken(req: FastifyRequest): string {
  const query = req.query as Record<string, unknown> | undefined;
  const token = query?.token;
  return typeof token === 'string' ? token : '';
}

function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

