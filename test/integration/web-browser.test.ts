import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/domain/tokens.ts';
import { STACK_SECRET, startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';

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


describe.skipIf(!hasChromium)('web pages in Chromium', () => {
  let stack: ReaderStack;
  let redis: Redis;
  let browser: Browser;
  let page: Page;
  let base = '';
  const cspViolations: string[] = [];
  const sent = { get messages() { return stack.sink.messages; } };

  beforeAll(async () => {
    stack = await startReaderStack({ env: { POSTAL_ADDRESS: 'Frontera, Apartado Postal 12 & 14, 06000 Ciudad de México' } });
    redis = stack.app.redis;
    base = stack.base;
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
    await stack?.stop();
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
    await stack.mails(1);
    expect(sent.messages.map((m) => m.envelope.to[0])).toEqual(['lectora@example.com']);
  });

  it('unsubscribes only after the button on the unsubscribe page is pressed', async () => {
    const store = stack.app.store;
    const subscriber = await store.findByEmail('lectora@example.com');
    expect(subscriber).toBeDefined();
    await store.setSubscriberStatus(subscriber!.id, 'confirmed');

    await page.goto(`${base}/unsubscribe?token=${signToken(STACK_SECRET, 'unsubscribe', subscriber!.id)}`);
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
