import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis-connection.ts';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import type { Digest } from '../../src/domain/model.ts';
import { signToken } from '../../src/domain/tokens.ts';
import type { Mailer, Store } from '../../src/pipeline/ports.ts';
import { PLACEHOLDERS } from '../../src/templates/personalize.ts';
import { buildServer } from '../../src/web/server.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

/**
 * The public web flow end to end over real HTTP: a private redis-server, the real store, the real
 * SMTP mailer delivering to a local sink, and fetch() against fastify.listen on loopback.
 */

const SECRET = 'web-test-secret-0123456789abcdef';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let redisServer: TestRedis;
let redis: Redis;
let store: Store;
let sink: SmtpSink;
let mailer: Mailer;
let app: FastifyInstance;
let base = '';

beforeAll(async () => {
  redisServer = await startRedis();
  redis = createRedis(redisServer.url);
  store = createRedisStore(redis, `test:web:${process.pid}`);
  sink = await startSmtpSink();
  mailer = createSmtpMailer({ url: sink.url, poolSize: 1, from: 'Frontera <digest@frontera.test>' });
  // A known port up front, so the links the server writes into emails point at itself.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = buildServer({
    store,
    mailer,
    secret: SECRET,
    publicUrl: base,
    from: 'Frontera <digest@frontera.test>',
    postalAddress: 'Frontera <Apartado 12>, CDMX',
  });
  await app.listen({ host: '127.0.0.1', port });
});

afterAll(async () => {
  await app?.close();
  await mailer?.close();
  await sink?.stop();
  redis?.disconnect();
  await redisServer?.stop();
});

async function waitForMail(count: number): Promise<void> {
  for (let i = 0; i < 100 && sink.messages.length < count; i++) await new Promise((r) => setTimeout(r, 20));
  expect(sink.messages.length).toBe(count);
}

const postForm = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: FORM, body });
const status = async (email: string) => (await store.findByEmail(email))?.status;

describe('subscribe → confirm → unsubscribe', () => {
  const email = 'reader@example.com';
  let confirmLink = '';

  it('accepts the form, stores a pending subscriber and mails a confirm link', async () => {
    const res = await postForm('/subscribe', `email=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(await status(email)).toBe('pending');

    await waitForMail(1);
    const mail = await simpleParser(sink.messages[0]!.raw);
    expect(sink.messages[0]!.envelope.to).toEqual([email]);
    expect(mail.subject).toBe('Confirm your Frontera subscription');
    const match = new RegExp(`${base}/confirm\\?token=[A-Za-z0-9._-]+`).exec(mail.text ?? '');
    expect(match).not.toBeNull();
    confirmLink = match![0];
    expect(mail.html).toContain(confirmLink);
  });

  it('sends one confirmation per address per ten minutes however often the form is posted', async () => {
    const res = await postForm('/subscribe', `email=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages).toHaveLength(1);
  });

  it('confirms on GET /confirm', async () => {
    const res = await fetch(confirmLink);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('subscribed');
    expect(await status(email)).toBe('confirmed');
    // Scanners fetch confirm links again; a repeat is harmless.
    expect((await fetch(confirmLink)).status).toBe(200);
  });

  it('answers an already-confirmed address exactly like a new one, without mailing it', async () => {
    const res = await postForm('/subscribe', `email=${encodeURIComponent('Reader@Example.com')}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.length).toBe(1);
    expect(await status(email)).toBe('confirmed');
  });

  it('does not unsubscribe on GET /unsubscribe; it shows a one-button form', async () => {
    const subscriber = await store.findByEmail(email);
    const token = signToken(SECRET, 'unsubscribe', subscriber!.id);
    const res = await fetch(`${base}/unsubscribe?token=${token}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<form method="post" action="unsubscribe?token=');
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await status(email)).toBe('confirmed');
  });

  it('unsubscribes on an RFC 8058 one-click POST, idempotently', async () => {
    const subscriber = await store.findByEmail(email);
    const token = signToken(SECRET, 'unsubscribe', subscriber!.id);
    const res = await postForm(`/unsubscribe?token=${token}`, 'List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('unsubscribed');
    expect(await status(email)).toBe('unsubscribed');
    expect((await postForm(`/unsubscribe?token=${token}`, 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect(await status(email)).toBe('unsubscribed');
  });

  it('does not let an old confirm link undo the unsubscribe', async () => {
    const res = await fetch(confirmLink);
    expect(res.status).toBe(410);
    expect(await status(email)).toBe('unsubscribed');
  });

  it('re-subscribing needs a fresh confirmation', async () => {
    const res = await fetch(`${base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', message: expect.any(String) });
    expect(await status(email)).toBe('pending');
    await waitForMail(2);
  });
});

describe('one-click as mail providers send it', () => {
  it('accepts the multipart/form-data body of RFC 8058’s example', async () => {
    const subscriber = await store.upsertSubscriber({ email: 'multipart@example.com', status: 'confirmed' });
    const token = signToken(SECRET, 'unsubscribe', subscriber.id);
    const boundary = '---FormBoundaryjWmhtjORrn';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await fetch(`${base}/unsubscribe?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(200);
    expect(await status('multipart@example.com')).toBe('unsubscribed');
  });
});

describe('bad input', () => {
  it('answers 400 to bad, missing or wrong-purpose tokens', async () => {
    const subscriber = await store.upsertSubscriber({ email: 'tokens@example.com', status: 'confirmed' });
    const confirmToken = signToken(SECRET, 'confirm', subscriber.id);
    const forged = signToken('another-secret-0123456789abcdef', 'unsubscribe', subscriber.id);
    expect((await fetch(`${base}/confirm?token=nonsense`)).status).toBe(400);
    expect((await fetch(`${base}/confirm`)).status).toBe(400);
    expect((await fetch(`${base}/unsubscribe?token=nonsense`)).status).toBe(400);
    expect((await postForm('/unsubscribe?token=nonsense', 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await postForm('/unsubscribe', 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await postForm(`/unsubscribe?token=${confirmToken}`, 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await postForm(`/unsubscribe?token=${forged}`, 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect(await status('tokens@example.com')).toBe('confirmed');
  });

  it('answers a bad address with 400 and a helpful message, HTML for forms and JSON for JSON', async () => {
    const form = await postForm('/subscribe', `email=${encodeURIComponent('<b>nope</b>')}`);
    expect(form.status).toBe(400);
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await form.text();
    expect(page).toContain('does not look like an email address');
    expect(page).toContain('value="&lt;b&gt;nope&lt;/b&gt;"');
    expect(page).not.toContain('<b>nope');

    const json = await fetch(`${base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nope@' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_email', message: expect.stringContaining('email address') });

    const empty = await postForm('/subscribe', '');
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Please enter an email address.');
    expect(await store.findByEmail('nope@')).toBeUndefined();
  });
});

describe('archive, health and headers', () => {
  const digest = (id: string, status: Digest['status']): Digest => ({
    id,
    title: 'Frontera weekly',
    periodStart: '2026-11-16T00:00:00.000Z',
    periodEnd: '2026-11-23T00:00:00.000Z',
    createdAt: '2026-11-23T06:00:00.000Z',
    status,
    articleCount: 0,
    outletCount: 0,
    themes: [],
  });
  const rendered = {
    subject: 'Frontera weekly: test',
    html: `<html><body><p>Sent to ${PLACEHOLDERS.email}</p><a href="${PLACEHOLDERS.unsubscribeUrl}">Unsubscribe</a></body></html>`,
    text: `Unsubscribe: ${PLACEHOLDERS.unsubscribeUrl}`,
  };

  it('serves a sent digest with neutral placeholders, and hides drafts and unknown ids', async () => {
    await store.saveDigest(digest('2026-w47', 'sent'), rendered);
    await store.saveDigest(digest('2026-w48', 'draft'), rendered);
    const res = await fetch(`${base}/archive/2026-w47`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<a href="${base}/">Unsubscribe</a>`);
    expect(html).toContain('<p>Sent to </p>');
    expect(html).not.toContain('%%FRONTERA');
    expect((await fetch(`${base}/archive/2026-w48`)).status).toBe(404);
    expect((await fetch(`${base}/archive/nope`)).status).toBe(404);
    expect((await fetch(`${base}/archive/${'a'.repeat(81)}`)).status).toBe(404);
    expect((await fetch(`${base}/archive/a%2E%2E%2Fb`)).status).toBe(404);
  });

  it('sends security headers on every page and answers /healthz', async () => {
    for (const path of ['/', '/healthz', '/no-such-page', '/confirm?token=x']) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain('<label for="email">Email address</label>');
    expect(home).toContain('Frontera &lt;Apartado 12&gt;, CDMX');
  });
});
