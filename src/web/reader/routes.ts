import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isFrontError, describeError } from '../../domain/errors.ts';
import type { Language, Subscriber } from '../../domain/model.ts';
import { signToken, verifyToken } from '../../domain/tokens.ts';
import { chosenThemes, savePreferences, subscriberForPreferences } from '../../pipeline/preferences.ts';
import { formatWhen, nextIssueDate } from '../../pipeline/reader-mail.ts';
import { checkConfirmLink, confirmSubscription, isUnsubscribeToken, requestSubscription, unsubscribe } from '../../pipeline/subscriptions.ts';
import * as pages from '../pages.ts';
import { BODY_LIMIT, cspWithScript, isJsonRequest, isRecord, queryParam, sendHtml, type WebDeps } from '../server.ts';
import { latestIssueLink } from '../archive/routes.ts';
import { CONFIRM_SCRIPT_HASH, confirmFormPage, preferencesPage } from './pages.ts';

type Limit = { max: number; timeWindow: number };
const LANGUAGE_LABELS: Record<Language, string> = { en: 'English', es: 'Español' };
/** Form fields a reader's browser may legitimately repeat. */
const REPEATABLE = new Set(['themes']);

/**
 * The reader's routes: sign up, confirm, preferences, unsubscribe. GET and HEAD only ever read;
 * every POST is rate-limited per client IP (shared through Redis).
 */
export function registerReader(app: FastifyInstance, deps: WebDeps, ctx: pages.PageContext, limits: { subscribe: Limit; action: Limit }): void {
  const flow = { store: deps.store, jobs: deps.jobs, secret: deps.secret, blockedDomains: deps.blockedDomains, logger: app.log };
  const html = sendHtml;
  const limited = (l: Limit) => ({ config: { rateLimit: l } });
  const languages = deps.languages ?? ['en'];
  const whenNext = () => {
    const next = deps.schedule ? nextIssueDate(deps.schedule, new Date()) : undefined;
    return next && deps.schedule ? formatWhen(next, deps.schedule.tz) : undefined;
  };

  /** A repeated field is a malformed request, not a choice between values: say so. */
  const repeated = (body: Record<string, unknown>) => Object.keys(body).find((k) => Array.isArray(body[k]) && !REPEATABLE.has(k));
  const badRequest = (req: FastifyRequest, reply: FastifyReply, message: string) =>
    isJsonRequest(req) ? reply.code(400).send({ error: 'bad_request', message }) : html(reply, 400, pages.messagePage(ctx, 'Bad request', message));

  // Fastify parses text/plain too; a form post in any other type is a client error, said plainly.
  const formTypes = /^(?:application\/x-www-form-urlencoded|application\/(?:[\w.+-]+\+)?json)\b/i;
  app.addHook('preValidation', async (req, reply) => {
    if (req.method !== 'POST' || req.routeOptions.url === '/unsubscribe') return;
    if (!formTypes.test(req.headers['content-type'] ?? '')) {
      const message = 'Send this form as application/x-www-form-urlencoded (or JSON for /subscribe); this content type is not accepted.';
      return isJsonRequest(req) ? reply.code(415).send({ error: 'unsupported_media_type', message }) : html(reply, 415, pages.messagePage(ctx, 'Unsupported content type', message));
    }
  });

  app.get('/', async (_req, reply) => html(reply, 200, pages.subscribePage(ctx, { sample: await latestIssueLink(deps, ctx) })));

  app.post('/subscribe', limited(limits.subscribe), async (req, reply) => {
    const json = isJsonRequest(req);
    const body = isRecord(req.body) ? req.body : {};
    const field = repeated(body);
    if (field) return badRequest(req, reply, `The field "${field.slice(0, 40)}" was sent more than once; send it once.`);
    // Honeypot: people never see the field; a bot that fills it gets the usual answer and nothing else.
    const trap = typeof body.website === 'string' && body.website.trim() !== '';
    try {
      if (trap) req.log.info({}, 'subscribe.honeypot');
      else await requestSubscription(flow, body, { ip: req.ip });
    } catch (err) {
      if (isFrontError(err) && err.code === 'SUBSCRIBER_INVALID') {
        if (json) return reply.code(400).send({ error: 'invalid_email', message: err.message });
        const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
        return html(reply, 400, pages.subscribePage(ctx, { error: err.message, email }));
      }
      req.log.error({ err: describeError(err) }, 'subscribe.failed');
      const message = 'We could not take your request just now. Please try again in a few minutes.';
      if (json) return reply.code(503).send({ error: 'unavailable', message });
      return html(reply, 503, pages.messagePage(ctx, 'Please try again', message));
    }
    // The same answer whatever the address's state, so the form can't probe who subscribes.
    if (json) return reply.code(200).send({ status: 'ok', message: 'Check your inbox for a confirmation link.' });
    return html(reply, 200, pages.checkInboxPage(ctx));
  });

  // GET (and Fastify's automatic HEAD) only look: scanners fetch every link in a mail.
  app.get('/confirm', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const token = queryParam(req, 'token');
    const status = await checkConfirmLink(flow, token);
    if (status === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'confirmation'));
    if (status === 'expired') return html(reply, 410, pages.expiredLinkPage(ctx));
    if (status === 'inactive') return html(reply, 410, pages.confirmInactivePage(ctx));
    if (status === 'already-confirmed') return html(reply, 200, confirmedView(token, true));
    reply.header('content-security-policy', cspWithScript(CONFIRM_SCRIPT_HASH));
    return html(reply, 200, confirmFormPage(ctx, token));
  });

  app.post('/confirm', limited(limits.action), async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const body = isRecord(req.body) ? req.body : {};
    const field = repeated(body);
    if (field) return badRequest(req, reply, `The field "${field.slice(0, 40)}" was sent more than once; send it once.`);
    const token = typeof body.token === 'string' ? body.token : queryParam(req, 'token');
    const result = await confirmSubscription(flow, token);
    if (result.status === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'confirmation'));
    if (result.status === 'expired') return html(reply, 410, pages.expiredLinkPage(ctx));
    if (result.status === 'inactive') return html(reply, 410, pages.confirmInactivePage(ctx));
    return html(reply, 200, confirmedView(token, result.status === 'already-confirmed'));
  });

  /** The confirmed page links the reader's preferences: the confirm token names the subscriber. */
  function confirmedView(confirmToken: string, already: boolean): string {
    const id = confirmToken.split('.')[1];
    const subscriberId = id ? Buffer.from(id, 'base64url').toString('utf8') : '';
    const preferencesUrl = subscriberId ? `${ctx.publicUrl}/preferences?token=${signToken(deps.secret, 'preferences', subscriberId)}` : undefined;
    return pages.confirmedPage(ctx, { already, when: whenNext(), ...(preferencesUrl ? { preferencesUrl } : {}) });
  }

  // GET never unsubscribes: scanners and link previews fetch it. The page's button POSTs.
  app.get('/unsubscribe', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const token = queryParam(req, 'token');
    if (!isUnsubscribeToken(deps.secret, token)) return html(reply, 400, pages.invalidLinkPage(ctx, 'unsubscribe'));
    const id = verifyToken(deps.secret, 'unsubscribe', token)!;
    return html(reply, 200, pages.unsubscribeFormPage(ctx, token, `${ctx.publicUrl}/preferences?token=${signToken(deps.secret, 'preferences', id)}`));
  });

  // RFC 8058 one-click: the token in the URL is the authority; the body ("List-Unsubscribe=One-Click")
  // is not required to match, and the RFC's own example posts it as multipart/form-data, which we
  // accept unparsed in this scope rather than answer 415 to a mail provider.
  app.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, _body, done) => done(null, {}));
    scope.post('/unsubscribe', limited(limits.action), async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const bodyToken = isRecord(req.body) && typeof req.body.token === 'string' ? req.body.token : '';
      const result = await unsubscribe(flow, queryParam(req, 'token') || bodyToken);
      if (result.status === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'unsubscribe'));
      return html(reply, 200, pages.unsubscribedPage(ctx));
    });
  });

  app.get('/preferences', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const token = queryParam(req, 'token');
    const subscriber = await subscriberForPreferences(flow, token);
    if (subscriber === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'preferences'));
    if (subscriber === 'ended') return html(reply, 410, pages.endedPage(ctx));
    return html(reply, 200, preferencesPage(ctx, view(token, subscriber)));
  });

  app.post('/preferences', limited(limits.action), async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (isJsonRequest(req)) return badRequest(req, reply, 'Send the preferences form as application/x-www-form-urlencoded.');
    const body = isRecord(req.body) ? req.body : {};
    const field = repeated(body);
    if (field) return badRequest(req, reply, `The field "${field.slice(0, 40)}" was sent more than once; send it once.`);
    const token = typeof body.token === 'string' ? body.token : '';
    const subscriber = await subscriberForPreferences(flow, token);
    if (subscriber === 'invalid') return html(reply, 400, pages.invalidLinkPage(ctx, 'preferences'));
    if (subscriber === 'ended') return html(reply, 410, pages.endedPage(ctx));
    const themes = body.themes === undefined ? [] : Array.isArray(body.themes) ? body.themes : [body.themes];
    if (themes.some((t) => typeof t !== 'string')) return badRequest(req, reply, 'Themes must be plain values.');
    try {
      const updated = await savePreferences(
        flow,
        subscriber,
        {
          themes: themes as string[],
          pause: typeof body.pause === 'string' ? body.pause : 'keep',
          ...(typeof body.lang === 'string' ? { lang: body.lang } : {}),
        },
        { themeIds: deps.themes.map((t) => t.id), languages },
      );
      return html(reply, 200, preferencesPage(ctx, { ...view(token, updated), saved: true }));
    } catch (err) {
      if (isFrontError(err) && err.code === 'SUBSCRIBER_INVALID') {
        return html(reply, 400, preferencesPage(ctx, { ...view(token, subscriber), error: err.message }));
      }
      throw err;
    }
  });

  function view(token: string, subscriber: Subscriber) {
    const chosen = new Set(chosenThemes(subscriber, deps.themes.map((t) => t.id)));
    const paused = subscriber.pausedUntil && Date.parse(subscriber.pausedUntil) > Date.now() ? subscriber.pausedUntil : undefined;
    return {
      token,
      themes: deps.themes.map((t) => ({ ...t, checked: chosen.has(t.id) })),
      ...(paused ? { pausedUntil: paused } : {}),
      ...(languages.length > 1
        ? { languages: languages.map((code) => ({ code, label: LANGUAGE_LABELS[code], checked: (subscriber.lang ?? 'en') === code })) }
        : {}),
      unsubscribeUrl: `${ctx.publicUrl}/unsubscribe?token=${signToken(deps.secret, 'unsubscribe', subscriber.id)}`,
    };
  }
}
