import { fastifyCookie } from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import { fastifyRateLimit } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import { registerDrafts } from './drafts.ts';
import { hidden, layout } from './layout.ts';
import { registerMetrics } from './metrics.ts';
import { registerOperations } from './operations.ts';
import { verifyPassword } from './password.ts';
import { QUEUES_PATH, registerQueues } from './queues.ts';
import { newSession, SESSION_COOKIE, sessionKey, validSession } from './session.ts';
import { escapeHtml as e } from '../../templates/escape.ts';

/** Bull Board's UI is a script bundle with its own styles and fonts; the rest of the admin has no scripts. */
const QUEUES_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; " +
  "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

/**
 * /metrics always; /admin only when ADMIN_PASSWORD_HASH is set (there is no default password).
 * Everything under /admin, Bull Board included, sits behind one session check; every form posts a
 * CSRF token (@fastify/csrf-protection, secret in an HttpOnly cookie).
 */
export async function registerAdmin(server: FastifyInstance, app: App): Promise<void> {
  registerMetrics(server, app);
  const passwordHash = app.config.env.ADMIN_PASSWORD_HASH;
  if (!passwordHash) {
    server.log.warn({ event: 'admin.disabled' }, 'admin.disabled: ADMIN_PASSWORD_HASH is not set');
    const disabled = async (_req: FastifyRequest, reply: FastifyReply) =>
      reply.code(404).type('text/plain; charset=utf-8').send('The admin is disabled: set ADMIN_PASSWORD_HASH (frontera admin hash-password).');
    server.get('/admin', disabled);
    server.get('/admin/*', disabled);
    return;
  }
  const key = sessionKey(app.secret, passwordHash);
  const secure = app.config.env.PUBLIC_URL.startsWith('https:');

  await server.register(
    async (admin) => {
      if (!admin.hasDecorator('parseCookie')) await admin.register(fastifyCookie);
      if (!admin.hasDecorator('csrfProtection')) {
        await admin.register(fastifyCsrf, {
          cookieKey: 'frontera_csrf',
          cookieOpts: { httpOnly: true, sameSite: 'strict', path: '/admin', secure },
          getToken: (req) => {
            const body = req.body as Record<string, unknown> | undefined;
            return typeof body?._csrf === 'string' ? body._csrf : (req.headers['x-csrf-token'] as string | undefined);
          },
        });
      }
      if (!admin.hasDecorator('rateLimit')) await admin.register(fastifyRateLimit, { global: false });

      admin.addHook('onRequest', async (req, reply) => {
        const path = req.url.split('?')[0]!;
        if (path === '/admin/login') return;
        if (validSession(req.cookies[SESSION_COOKIE], key, Date.now())) return;
        if (req.method === 'GET' && !path.startsWith(`${QUEUES_PATH}/api`)) return reply.redirect('/admin/login', 303);
        return reply.code(401).type('text/plain; charset=utf-8').send('log in at /admin/login');
      });
      admin.addHook('onSend', async (req, reply, payload) => {
        reply.header('cache-control', 'no-store');
        if (req.url.startsWith(QUEUES_PATH)) reply.header('content-security-policy', QUEUES_CSP);
        return payload;
      });

      const loginPage = (csrf: string, error?: string) =>
        layout(
          'Log in',
          `${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}<form method="post" action="/admin/login">${hidden(csrf)}
<label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label> <button>Log in</button></form>`,
          { nav: false },
        );

      admin.get('/login', async (_req, reply) => reply.type('text/html; charset=utf-8').send(loginPage(reply.generateCsrf())));

      admin.post(
        '/login',
        { preHandler: admin.csrfProtection, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
        async (req, reply) => {
          const password = (req.body as Record<string, unknown> | undefined)?.password;
          if (typeof password !== 'string' || !(await verifyPassword(password, passwordHash))) {
            req.log.warn({ event: 'admin.login_failed', ip: req.ip }, 'admin.login_failed');
            return reply.code(401).type('text/html; charset=utf-8').send(loginPage(reply.generateCsrf(), 'Wrong password.'));
          }
          const session = newSession(key, Date.now());
          reply.setCookie(SESSION_COOKIE, session.value, { httpOnly: true, sameSite: 'strict', path: '/admin', secure, maxAge: session.maxAge });
          req.log.info({ event: 'admin.login' }, 'admin.login');
          return reply.redirect('/admin', 303);
        },
      );

      admin.post('/logout', { preHandler: admin.csrfProtection }, async (_req, reply) => {
        reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
        return reply.redirect('/admin/login', 303);
      });

      registerDrafts(admin, app);
      registerOperations(admin, app);
      await registerQueues(admin, app);
    },
    { prefix: '/admin' },
  );
}
