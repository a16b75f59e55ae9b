import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { webDeps } from '../../src/web/deps.ts';
import { registerAdmin } from '../../src/web/admin/index.ts';
import { hashPassword } from '../../src/web/admin/password.ts';
import { buildServer } from '../../src/web/server.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const PASSWORD = 'correct horse battery staple';
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

async function startWeb(env: Record<string, string>): Promise<{ app: App; server: FastifyInstance; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await createApp(loadConfig({ ...env, PUBLIC_URL: base }), { logger: quiet });
  const server = buildServer(webDeps(app));
  await registerAdmin(server, app);
  await server.listen({ host: '127.0.0.1', port });
  return { app, server, base };
}

/** The admin in Chromium: login, the review actions on a real draft, CSRF, Bull Board, /metrics. */
describe.skipIf(!hasChromium)('the web admin', () => {
  let redis: TestRedis;
  let dataDir: string;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const digest = { ...makeDigestFixture(), id: 'd_20260105_abcdef', status: 'draft' as const };
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'frontera-admin-'));
    env = { REDIS_URL: redis.url, REDIS_PREFIX: 'admin', DATA_DIR: dataDir, SECRET_KEY: 'a'.repeat(40), ADMIN_PASSWORD_HASH: await hashPassword(PASSWORD) };
    web = await startWeb(env);
    await web.app.store.saveDigest(digest, await renderDigest(digest, { publicUrl: web.base, postalAddress: 'Apartado 1, CDMX' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    context = await browser.newContext();
    page = await context.newPage();
    // A hostile headline must never run as script in the admin.
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.server.close();
    await web?.app.close();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a visitor without a session to the login page, and refuses a wrong password', async () => {
    await page.goto(`${web.base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong password');
    const queues = await fetch(`${web.base}/admin/queues/api/queues`);
    expect(queues.status).toBe(401);
  });

  it('logs in, opens the draft and holds it, then edits a headline and approves it', async () => {
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.locator('h1').textContent()).toBe('Drafts & issues');
    await page.getByRole('link', { name: digest.id }).click();
    expect(await page.locator('p', { hasText: 'Status' }).first().textContent()).toContain('draft');

    await page.getByRole('button', { name: 'Hold' }).click();
    expect(await page.getByRole('status').textContent()).toContain('draft → held');
    expect((await web.app.store.getDigest(digest.id))?.status).toBe('held');

    const story = digest.themes[1]!.stories[1]!;
    await page.getByLabel(`Headline for ${story.id}`).fill('Edited in the admin');
    await page.locator(`[data-story="${story.id}"]`).getByRole('button', { name: 'Change headline' }).click();
    expect(await page.getByRole('status').textContent()).toContain('headline: saved and re-rendered');
    expect((await web.app.store.getRendered(digest.id))?.html).toContain('Edited in the admin');
    // The story's Spanish version has its own headline field, which changes only the Spanish edition.
    expect(story.alternate?.language).toBe('es');
    await page.getByLabel(`Headline (ES edition) for ${story.id}`).fill('Editado en el admin');
    await page.locator(`[data-story="${story.id}"]`).getByRole('button', { name: 'Change ES headline' }).click();
    expect(await page.getByRole('status').textContent()).toContain('headline: saved and re-rendered');
    const rendered = await web.app.store.getRendered(digest.id);
    expect(rendered?.byLanguage?.es?.html).toContain('Editado en el admin');
    expect(rendered?.html).not.toContain('Editado en el admin');

    await page.getByRole('button', { name: 'Approve' }).click();
    expect((await web.app.store.getDigest(digest.id))?.status).toBe('approved');
    const audit = await web.app.store.listAudit({ digestId: digest.id });
    expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual(['admin approve', 'admin edit', 'admin edit', 'admin hold']);
    expect(dialogs).toEqual([]);
  });

  it('rejects a form post without the CSRF token, even with a valid session', async () => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const post = (body: string) =>
      fetch(`${web.base}/admin/drafts/${digest.id}/review`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect((await post('action=discard')).status).toBe(403);
    expect((await post('action=discard&_csrf=forged')).status).toBe(403);
    expect((await web.app.store.getDigest(digest.id))?.status).toBe('approved');
    // Without the session, nothing even reaches the CSRF check.
    const anonymous = await fetch(`${web.base}/admin/drafts/${digest.id}/review`, { method: 'POST', body: 'action=discard', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(anonymous.status).toBe(401);
  });

  it('shows Bull Board for the queues behind the same session, and the other admin pages', async () => {
    const res = await page.goto(`${web.base}/admin/queues`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toMatch(/Frontera queues|Bull/i);
    for (const path of ['/admin/subscribers?q=example', '/admin/feeds', '/admin/audit', `/admin/deliveries/${digest.id}`]) {
      const r = await page.goto(`${web.base}${path}`);
      expect(r?.status(), path).toBe(200);
    }
    expect(await page.locator('h1').textContent()).toBe(`Deliveries of ${digest.id}`);
  });

  it('limits login attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${web.base}/admin/login`, { method: 'POST', body: 'password=guess', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      statuses.push(r.status);
    }
    // The first login in this file already used one attempt; every further one is refused.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(statuses.at(-1)).toBe(429);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`${web.base}/metrics`)).text();
    expect(text).toMatch(/frontera_queue_jobs\{queue="send",state="waiting"\} 0/);
    expect(text).toMatch(new RegExp(`frontera_deliveries\\{digest="${digest.id}",state="sent"\\} 0`));
    expect(text).toContain('frontera_feed_fetches_total');
    expect(text).toContain('frontera_build_duration_seconds_sum');
  });

  it('is disabled, with no default password, when ADMIN_PASSWORD_HASH is unset', async () => {
    const { ADMIN_PASSWORD_HASH: _h, ...rest } = env;
    const bare = await startWeb({ ...rest, REDIS_PREFIX: 'admin-off' });
    try {
      const res = await fetch(`${bare.base}/admin/login`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('admin is disabled');
      expect((await fetch(`${bare.base}/admin/queues`)).status).toBe(404);
    } finally {
      await bare.server.close();
      await bare.app.close();
    }
  });
});
