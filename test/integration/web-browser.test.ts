import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis-connection.ts';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { signToken } from '../../src/domain/tokens.ts';
import type { Mailer, OutgoingMessage } from '../../src/pipeline/ports.ts';
import { buildServer } from '../../src/web/server.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.ts';

/**
 * The public pages in a real browser: the form must work with no script, the CSP must not break
 * the inline styles, and the unsubscribe page's button must POST. Mail is recorded in-process here
 * (the SMTP path is covered by web.test.ts); this file is about what a person sees.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`web-browser.test.ts skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

const SECRET = 'browser-test-secret-0123456789abcdef';

describe.skipIf(!hasChromium)('web pages in Chromium', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base = '';
  const sent: OutgoingMessage[] = [];
  const cspViolations: string[] = [];

  const mailer: Mailer = {
    async sendMail(message) {
      sent.push(message);
      return { messageId: `<${sent.length}@test>`, accepted: true };
    },
    async sendRaw(_envelope, _raw, messageId) {
      throw new Error(`unexpected sendRaw of ${messageId}: the web only sends confirmation mail`);
    },
    async close() {},
  };

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = createRedis(redisServer.url);
    const store = createRedisStore(redis, `test:web-browser:${process.pid}`);
    // A known port up front, so the links the server writes point at itself.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = buildServer({
      store,
      mailer,
      secret: SECRET,
      publicUrl: base,
      from: 'Frontera <digest@frontera.test>',
      postalAddress: 'Frontera, Apartado Postal 12 & 14, 06000 Ciudad de México',
    });
    await app.listen({ host: '127.0.0.1', port });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // JS off: every page has to work without it, and nothing of ours should need it.
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 760 } });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    redis?.disconnect();
    await redisServer?.stop();
  });

  it('shows the form, rejects a bad address in place, and accepts a good one', async () => {
    await page.goto(`${base}/`);
    expect(await page.locator('h1').textContent()).toBe('Frontera');
    const email = page.getByLabel('Email address');
    expect(await email.count()).toBe(1);
    // The stylesheet is inline; if the CSP blocked it the button would be an unstyled grey.
    const buttonColour = await page.getByRole('button', { name: 'Subscribe' }).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(buttonColour).toBe('rgb(11, 83, 148)');
    await page.screenshot({ path: '/tmp/web-home.png', fullPage: true });

    await email.fill('not-an-address');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toContain('does not look like an email address');
    expect(await page.getByLabel('Email address').inputValue()).toBe('not-an-address');
    await page.screenshot({ path: '/tmp/web-error.png', fullPage: true });

    await page.getByLabel('Email address').fill('lectora@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Check your inbox');
    await page.screenshot({ path: '/tmp/web-check-inbox.png', fullPage: true });
    expect(sent.map((m) => m.to)).toEqual(['lectora@example.com']);
  });

  it('unsubscribes only after the button on the unsubscribe page is pressed', async () => {
    const store = createRedisStore(redis, `test:web-browser:${process.pid}`);
    const subscriber = await store.findByEmail('lectora@example.com');
    expect(subscriber).toBeDefined();
    await store.setSubscriberStatus(subscriber!.id, 'confirmed');

    await page.goto(`${base}/unsubscribe?token=${signToken(SECRET, 'unsubscribe', subscriber!.id)}`);
    expect(await page.locator('h1').textContent()).toBe('Unsubscribe from Frontera?');
    expect((await store.getSubscriber(subscriber!.id))?.status).toBe('confirmed');
    await page.screenshot({ path: '/tmp/web-unsubscribe.png', fullPage: true });

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('You’re unsubscribed');
    expect((await store.getSubscriber(subscriber!.id))?.status).toBe('unsubscribed');
    await page.screenshot({ path: '/tmp/web-unsubscribed.png', fullPage: true });
  });

  it('reported no Content-Security-Policy violations', () => {
    expect(cspViolations).toEqual([]);
  });
});
