import { existsSync, readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendBatch } from '../../src/pipeline/send-batch.ts';
import { planSend } from '../../src/pipeline/send-digest.ts';
import { startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';
import { saveThemedDigest } from '../helpers/themed-digest.ts';

/**
 * A reader's whole journey in Debian's Chromium, at a phone's and a desktop's width: subscribe →
 * the confirmation mail as the SMTP server received it → confirm (the page submits itself under
 * its hashed CSP) → preferences → a digest holding only the chosen themes → unsubscribe. Every
 * page is checked for horizontal scrolling and run through axe-core.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web-browser.test.ts skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: unknown[];
}

describe.skipIf(!hasChromium)('the reader’s journey in Chromium', () => {
  let s: ReaderStack;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    s = await startReaderStack({ env: { POSTAL_ADDRESS: 'Frontera, Apartado Postal 12 & 14, 06000 Ciudad de México' } });
    await saveThemedDigest(s.app.store, 'sample-issue', s.base);
    await s.app.store.setDigestStatus('sample-issue', 'sent');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  /** No sideways scrolling, and no serious or critical accessibility violation. */
  async function checkPage(page: Page, label: string): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${label}: horizontal scroll`).toBeLessThanOrEqual(0);
    // evaluate() runs through the DevTools protocol, so the page's own CSP does not block axe.
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${label}: ${JSON.stringify(serious)}`).toEqual([]);
  }

  async function mailTo(email: string, subject: string) {
    for (let i = 0; i < 250; i++) {
      for (const m of s.sink.messages) {
        if (m.envelope.to[0] !== email) continue;
        const parsed = await simpleParser(m.raw);
        if (parsed.subject?.startsWith(subject)) return parsed;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no "${subject}" mail reached the SMTP server for ${email}`);
  }

  it('has a harness that does catch violations (an unlabelled field, a page wider than the screen)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.setContent('<html lang="en"><body><main><input type="text"><div style="width:900px">wide</div></main></body></html>');
    await expect(checkPage(page, 'broken')).rejects.toThrow();
    await page.setContent('<html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>');
    await expect(checkPage(page, 'unlabelled')).rejects.toThrow(/label/);
    await context.close();
  });

  for (const width of [390, 1280]) {
    it(`subscribe → confirm → preferences → themed digest → unsubscribe at ${width} px`, async () => {
      const email = `reader-${width}@example.org`;
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${width}: ${msg.text()}`);
      });

      await page.goto(`${s.base}/`);
      expect(await page.locator('h1').textContent()).toBe('Frontera');
      expect(await page.getByRole('link', { name: /latest issue/ }).getAttribute('href')).toBe(`${s.base}/archive/sample-issue`);
      await checkPage(page, 'home');
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.waitForSelector('h1:text("Check your inbox")');
      await checkPage(page, 'check inbox');

      const confirmation = await mailTo(email, 'Confirm your Frontera subscription');
      const link = /https?:\/\/\S+\/confirm\?token=\S+/.exec(confirmation.text ?? '')![0];
      // The link opens the confirm page, whose hashed inline script submits it: no extra click.
      await page.goto(link);
      await page.waitForSelector('h1:text("You’re subscribed")');
      expect((await s.app.store.findByEmail(email))?.status).toBe('confirmed');
      await checkPage(page, 'confirmed');
      const welcome = await mailTo(email, 'Welcome to Frontera');
      expect(welcome.text).toContain(`${s.base}/archive/sample-issue`);

      await page.getByRole('link', { name: 'Choose your themes' }).click();
      await page.waitForSelector('h1:text("Your Frontera preferences")');
      await checkPage(page, 'preferences');
      for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
      await page.getByRole('checkbox', { name: 'Border and migration' }).check();
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.waitForSelector('text=Saved.');
      await checkPage(page, 'preferences saved');

      const digestId = `issue-${width}`;
      await saveThemedDigest(s.app.store, digestId, s.base);
      const plan = await planSend({ store: s.app.store, logger: s.app.logger, clock: s.app.clock, batchSize: 100 }, digestId);
      const { env } = s.app.config;
      await sendBatch(
        { store: s.app.store, mailer: s.app.mailer, clock: s.app.clock, logger: s.app.logger, mail: { from: env.MAIL_FROM, publicUrl: env.PUBLIC_URL, secret: s.app.secret, postalAddress: env.POSTAL_ADDRESS } },
        digestId,
        plan.batches.flat(),
      );
      const digest = await mailTo(email, 'Frontera weekly');
      expect(digest.text).toContain('Border story 3');
      expect(digest.text).not.toContain('Cartel story');
      await page.setContent(String(digest.html));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'digest: horizontal scroll').toBeLessThanOrEqual(0);

      const unsubscribeUrl = /<([^>]+)>/.exec(String(digest.headers.get('list-unsubscribe') ?? ''))?.[1] ?? (digest.headers.get('list') as { unsubscribe?: { url: string } })?.unsubscribe?.url;
      expect(unsubscribeUrl).toContain('/unsubscribe?token=');
      await page.goto(unsubscribeUrl!);
      expect((await s.app.store.findByEmail(email))?.status).toBe('confirmed');
      await checkPage(page, 'unsubscribe');
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.waitForSelector('h1:text("You’re unsubscribed")');
      expect((await s.app.store.findByEmail(email))?.status).toBe('unsubscribed');
      await checkPage(page, 'unsubscribed');
      await page.screenshot({ path: `/tmp/web-unsubscribed-${width}.png`, fullPage: true });

      await page.goto(`${s.base}/archive/sample-issue`);
      await checkPage(page, 'archive issue');
      await page.goto(`${s.base}/archive`);
      await checkPage(page, 'archive');
      await context.close();
    });
  }

  it('works with JavaScript off too: the confirm page’s button does what the script does', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${s.base}/`);
    await page.getByLabel('Email address').fill('no-js@example.org');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForSelector('h1:text("Check your inbox")');
    const mail = await mailTo('no-js@example.org', 'Confirm your Frontera subscription');
    await page.goto(/https?:\/\/\S+\/confirm\?token=\S+/.exec(mail.text ?? '')![0]);
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect((await s.app.store.findByEmail('no-js@example.org'))?.status).toBe('pending');
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.waitForSelector('h1:text("You’re subscribed")');
    expect((await s.app.store.findByEmail('no-js@example.org'))?.status).toBe('confirmed');
    await context.close();
  });

  it('reported no Content-Security-Policy violations', () => {
    expect(cspViolations).toEqual([]);
  });
});
