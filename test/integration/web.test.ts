import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signExpiringToken, signToken } from '../../src/domain/tokens.ts';
import { CONFIRM_SCRIPT, CONFIRM_SCRIPT_HASH } from '../../src/web/reader/pages.ts';
import { STACK_SECRET, startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';

/**
 * The public sign-up flow end to end over real HTTP: the composition root on a private
 * redis-server, the mail queue's worker, and an SMTP server whose received mail is asserted.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let s: ReaderStack;
let refuseSmtp = false;

beforeAll(async () => {
  const blockList = join(mkdtempSync(join(tmpdir(), 'frontera-web-')), 'disposable.txt');
  writeFileSync(blockList, '# disposable inboxes\nmailinator.com\n\nYopmail.com.\n');
  s = await startReaderStack({
    sink: { failRcpt: () => (refuseSmtp ? 451 : undefined) },
    // Generous limits here; web-abuse.test.ts tests the limits with its own servers.
    env: { RATE_LIMIT_SUBSCRIBE_PER_HOUR: '1000', RATE_LIMIT_ACTIONS_PER_MINUTE: '1000', DISPOSABLE_DOMAINS_FILE: blockList },
  });
});
afterAll(async () => s?.stop());

const postForm = (path: string, body: string) => fetch(`${s.base}${path}`, { method: 'POST', headers: FORM, body });
const status = async (email: string) => (await s.app.store.findByEmail(email))?.status;
const settle = () => new Promise((r) => setTimeout(r, 300));
const confirmLinkIn = (text: string) => new RegExp(`${s.base}/confirm\\?token=[A-Za-z0-9._-]+`).exec(text)?.[0];

describe('subscribe → confirm (scanner-safe) → unsubscribe', () => {
  const email = 'reader@example.com';
  let confirmLink = '';

  it('accepts the form, stores a pending subscriber with its consent record, and mails a confirm link through the queue', async () => {
    const res = await postForm('/subscribe', `email=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    const sub = await s.app.store.findByEmail(email);
    expect(sub).toMatchObject({ status: 'pending', source: 'web', requestedAt: expect.any(String), ipHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(sub!.ipHash).not.toContain('127.0.0.1');
    const [mail] = await s.mails(1);
    expect(s.sink.messages[0]!.envelope.to).toEqual([email]);
    expect(mail!.subject).toBe('Confirm your Frontera subscription');
    confirmLink = confirmLinkIn(mail!.text ?? '')!;
    expect(confirmLink).toContain('token=v2.');
    expect(mail!.html).toContain(confirmLink);
  });

  it('sends one confirmation per inbox per ten minutes, however the address is spelled', async () => {
    for (const variant of [email, 'Reader@Example.com', 'reader+news@example.com']) {
      expect((await postForm('/subscribe', `email=${encodeURIComponent(variant)}`)).status).toBe(200);
    }
    await settle();
    expect(s.sink.messages).toHaveLength(1);
    // Gmail ignores dots and googlemail.com is gmail.com: one inbox, one mail.
    for (const variant of ['some.one@gmail.com', 'someone+x@googlemail.com', 'S.o.m.e.o.n.e@gmail.com']) {
      expect((await postForm('/subscribe', `email=${encodeURIComponent(variant)}`)).status).toBe(200);
    }
    await s.mails(2);
    await settle();
    expect(s.sink.messages).toHaveLength(2);
  });

  it('GET and HEAD of the confirm link change nothing; the page submits itself under a hashed CSP', async () => {
    const head = await fetch(confirmLink, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const res = await fetch(confirmLink);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<form id="confirm-form" method="post" action="confirm">');
    expect(page).toContain(`<script>${CONFIRM_SCRIPT}</script>`);
    expect(res.headers.get('content-security-policy')).toContain(`script-src ${CONFIRM_SCRIPT_HASH}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await status(email)).toBe('pending');
  });

  it('confirms on POST, says "already confirmed" the second time, and queues a welcome mail', async () => {
    const token = new URL(confirmLink).searchParams.get('token')!;
    const res = await postForm('/confirm', `token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('You’re subscribed');
    expect(page).toMatch(/The next issue arrives on \w+day, \d+ \w+ \d{4}, around 07:00 \(America\/Mexico_City time\)/);
    expect(page).toContain('/preferences?token=');
    expect(await s.app.store.findByEmail(email)).toMatchObject({ status: 'confirmed', confirmedAt: expect.any(String) });
    const again = await postForm('/confirm', `token=${encodeURIComponent(token)}`);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Already confirmed');
    expect(await (await fetch(confirmLink)).text()).toContain('Already confirmed');

    const mails = await s.mails(3);
    const welcome = mails.find((m) => m.subject === 'Welcome to Frontera')!;
    expect(welcome.text).toMatch(/The next issue arrives on \w+day/);
    expect(welcome.text).toContain(`${s.base}/preferences?token=`);
    const raw = s.sink.messages[mails.indexOf(welcome)]!.raw.toString();
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('answers an already-confirmed address exactly like a new one, without mailing it', async () => {
    const known = await postForm('/subscribe', `email=${encodeURIComponent('Reader@Example.com')}`);
    const fresh = await postForm('/subscribe', `email=${encodeURIComponent('brand-new@example.net')}`);
    expect(known.status).toBe(fresh.status);
    expect(await known.text()).toBe(await fresh.text());
    await s.mails(4);
    await settle();
    expect(s.sink.messages.map((m) => m.envelope.to[0])).not.toContain('Reader@Example.com');
    expect(await status(email)).toBe('confirmed');
  });

  it('does not unsubscribe on GET /unsubscribe; the page offers the one-button form and preferences', async () => {
    const sub = await s.app.store.findByEmail(email);
    const res = await fetch(`${s.base}/unsubscribe?token=${signToken(STACK_SECRET, 'unsubscribe', sub!.id)}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<form method="post" action="unsubscribe?token=');
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(page).toContain('/preferences?token=');
    expect(await status(email)).toBe('confirmed');
  });

  it('unsubscribes on an RFC 8058 one-click POST, idempotently, recording how consent ended', async () => {
    const sub = await s.app.store.findByEmail(email);
    const token = signToken(STACK_SECRET, 'unsubscribe', sub!.id);
    const res = await postForm(`/unsubscribe?token=${token}`, 'List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('unsubscribed');
    expect(await s.app.store.findByEmail(email)).toMatchObject({ status: 'unsubscribed', endedReason: 'unsubscribed', endedAt: expect.any(String) });
    expect((await postForm(`/unsubscribe?token=${token}`, 'List-Unsubscribe=One-Click')).status).toBe(200);
  });

  it('does not let an old confirm link undo the unsubscribe, by GET or POST', async () => {
    expect((await fetch(confirmLink)).status).toBe(410);
    const token = new URL(confirmLink).searchParams.get('token')!;
    expect((await postForm('/confirm', `token=${encodeURIComponent(token)}`)).status).toBe(410);
    expect(await status(email)).toBe('unsubscribed');
  });

  it('refuses an expired confirm link with 410 and a way to start over', async () => {
    const sub = await s.app.store.upsertSubscriber({ email: 'late@example.com', status: 'pending' });
    const token = signExpiringToken(STACK_SECRET, 'confirm', sub.id, new Date(Date.now() - 1000));
    const res = await fetch(`${s.base}/confirm?token=${token}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
    expect((await postForm('/confirm', `token=${token}`)).status).toBe(410);
    expect(await status('late@example.com')).toBe('pending');
  });
});

describe('mail failures at sign-up', () => {
  it('a refused send does not use up the inbox’s slot: the queue retries and the mail arrives', async () => {
    const before = s.sink.messages.length;
    refuseSmtp = true;
    const res = await postForm('/subscribe', `email=${encodeURIComponent('retry@example.org')}`);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect(s.sink.messages.length).toBe(before);
    refuseSmtp = false;
    await s.mails(before + 1);
    expect(s.sink.messages.at(-1)!.envelope.to).toEqual(['retry@example.org']);
  });
});

describe('one-click as mail providers send it', () => {
  it('accepts the multipart/form-data body of RFC 8058’s example', async () => {
    const sub = await s.app.store.upsertSubscriber({ email: 'multipart@example.com', status: 'confirmed' });
    const boundary = '---FormBoundaryjWmhtjORrn';
    const res = await fetch(`${s.base}/unsubscribe?token=${signToken(STACK_SECRET, 'unsubscribe', sub.id)}`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(res.status).toBe(200);
    expect(await status('multipart@example.com')).toBe('unsubscribed');
  });
});

describe('hostile input', () => {
  it('answers 400 to bad, missing, repeated or wrong-purpose tokens and changes nothing', async () => {
    const sub = await s.app.store.upsertSubscriber({ email: 'tokens@example.com', status: 'pending' });
    const unsubToken = signToken(STACK_SECRET, 'unsubscribe', sub.id);
    const confirmToken = signExpiringToken(STACK_SECRET, 'confirm', sub.id, new Date(Date.now() + 60_000));
    const forged = signExpiringToken('another-secret-0123456789abcdef', 'confirm', sub.id, new Date(Date.now() + 60_000));
    expect((await fetch(`${s.base}/confirm?token=nonsense`)).status).toBe(400);
    expect((await fetch(`${s.base}/confirm`)).status).toBe(400);
    expect((await fetch(`${s.base}/confirm?token=${confirmToken}&token=${confirmToken}`)).status).toBe(400);
    expect((await postForm('/confirm', `token=${unsubToken}`)).status).toBe(400);
    expect((await postForm('/confirm', `token=${forged}`)).status).toBe(400);
    expect((await postForm('/confirm', `token=${confirmToken}&token=${confirmToken}`)).status).toBe(400);
    expect((await postForm('/unsubscribe?token=nonsense', 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await postForm(`/unsubscribe?token=${confirmToken}`, 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await fetch(`${s.base}/preferences?token=${unsubToken}`)).status).toBe(400);
    expect(await status('tokens@example.com')).toBe('pending');
  });

  it('answers a bad address with 400 and a helpful message, HTML for forms and JSON for JSON', async () => {
    const form = await postForm('/subscribe', `email=${encodeURIComponent('<b>nope</b>')}`);
    expect(form.status).toBe(400);
    const page = await form.text();
    expect(page).toContain('does not look like an email address');
    expect(page).toContain('value="&lt;b&gt;nope&lt;/b&gt;"');
    const json = await fetch(`${s.base}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nope@' }) });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_email', message: expect.stringContaining('email address') });
    expect((await postForm('/subscribe', '')).status).toBe(400);
  });

  it('refuses repeated fields, oversized bodies and wrong content types with a 4xx that says why', async () => {
    const twice = await postForm('/subscribe', 'email=a@example.com&email=b@example.com');
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain('sent more than once');
    const big = await postForm('/subscribe', `email=${'a'.repeat(20_000)}@example.com`);
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('larger than 16 KB');
    const plain = await fetch(`${s.base}/subscribe`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'email=a@example.com' });
    expect(plain.status).toBe(415);
    expect(await plain.text()).toContain('application/x-www-form-urlencoded');
    const badJson = await fetch(`${s.base}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(badJson.status).toBe(400);
    const prefsJson = await fetch(`${s.base}/preferences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(prefsJson.status).toBe(400);
    expect(await findNone('a@example.com')).toBe(true);
  });

  it('answers every state-changing route’s oversized body with 413 and a wrong type with 415', async () => {
    const huge = `token=${'x'.repeat(20_000)}`;
    for (const path of ['/subscribe', '/confirm', '/preferences', '/unsubscribe?token=x']) {
      const big = await postForm(path, huge);
      expect(big.status, path).toBe(413);
      expect(await big.text(), path).toContain('larger than 16 KB');
    }
    for (const path of ['/confirm', '/preferences']) {
      const res = await fetch(`${s.base}${path}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'token=x' });
      expect(res.status, path).toBe(415);
      expect(await res.text(), path).toContain('application/x-www-form-urlencoded');
    }
    // Reading routes take no body and change nothing, whatever they are sent.
    expect((await fetch(`${s.base}/confirm?token=x&token=y`, { method: 'HEAD' })).status).toBe(400);
  });

  it('refuses addresses at listed disposable domains with a reason', async () => {
    for (const email of ['x@mailinator.com', 'y@eu.mailinator.com', 'z@YOPMAIL.com']) {
      const res = await postForm('/subscribe', `email=${encodeURIComponent(email)}`);
      expect(res.status, email).toBe(400);
      expect(await res.text()).toContain('permanent email address');
      expect(await findNone(email)).toBe(true);
    }
  });

  it('gives a filled honeypot the usual answer and creates nothing', async () => {
    const res = await postForm('/subscribe', `email=bot%40example.com&website=${encodeURIComponent('http://spam.example')}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(await findNone('bot@example.com')).toBe(true);
  });
});

async function findNone(email: string): Promise<boolean> {
  return (await s.app.store.findByEmail(email)) === undefined;
}

describe('health and headers', () => {
  it('sends security headers on every page and answers /healthz', async () => {
    for (const path of ['/', '/healthz', '/no-such-page', '/confirm?token=x', '/archive']) {
      const res = await fetch(`${s.base}${path}`);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('content-security-policy')).not.toContain('script-src');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(await (await fetch(`${s.base}/healthz`)).json()).toEqual({ status: 'ok' });
    const home = await (await fetch(`${s.base}/`)).text();
    expect(home).toContain('<label for="email">Email address</label>');
    expect(home).toContain('Frontera &lt;Apartado 12&gt;, CDMX');
  });
});

describe('preferences from a signed link', () => {
  it('shows the themes, saves a choice and a pause, and refuses bad input with a reason', async () => {
    const sub = await s.app.store.upsertSubscriber({ email: 'prefs@example.org', status: 'confirmed' });
    const token = signToken(STACK_SECRET, 'preferences', sub.id);
    const page = await (await fetch(`${s.base}/preferences?token=${token}`)).text();
    expect(page).toContain('value="border-migration" checked');
    // Every issue has an English and a Spanish edition, so the reader may choose.
    expect(page).toContain('name="lang" value="en" checked');
    expect(page).toContain('name="lang" value="es"');
    expect(page).toContain('/unsubscribe?token=');

    const save = await postForm('/preferences', `token=${token}&themes=border-migration&themes=fentanyl-trafficking&pause=4&lang=es`);
    expect(save.status).toBe(200);
    expect(await save.text()).toContain('Saved.');
    const stored = await s.app.store.getSubscriber(sub.id);
    expect(stored!.themes).toBe('border-migration,fentanyl-trafficking');
    expect(stored!.lang).toBe('es');
    const weeks = (Date.parse(stored!.pausedUntil!) - Date.now()) / (7 * 86_400_000);
    expect(weeks).toBeGreaterThan(3.9);
    expect(weeks).toBeLessThan(4.1);

    for (const [body, message] of [
      [`token=${token}&pause=keep`, 'Choose at least one theme'],
      [`token=${token}&themes=nope&pause=keep`, 'Unknown theme'],
      [`token=${token}&themes=border-migration&pause=20`, 'between 2 and 8 weeks'],
      [`token=${token}&themes=border-migration&pause=keep&lang=fr`, 'not offered'],
      [`token=${token}&token=${token}&themes=border-migration`, 'more than once'],
    ] as const) {
      const res = await postForm('/preferences', body);
      expect(res.status, body).toBe(400);
      expect(await res.text(), body).toContain(message);
    }
    expect((await postForm('/preferences', `token=nonsense&themes=border-migration`)).status).toBe(400);
    expect((await s.app.store.getSubscriber(sub.id))!.themes).toBe('border-migration,fentanyl-trafficking');

    // Resume and choose everything again: stored as "no choice", so new themes reach them too.
    const all = (await s.app.config.topic.themes.map((t) => `themes=${t.id}`).join('&')) + `&themes=${s.app.config.topic.otherTheme.id}`;
    expect((await postForm('/preferences', `token=${token}&${all}&pause=0`)).status).toBe(200);
    const back = await s.app.store.getSubscriber(sub.id);
    expect(back!.themes).toBeUndefined();
    expect(back!.pausedUntil).toBeUndefined();

    // After unsubscribing, the link says so instead of offering settings that would do nothing.
    await s.app.store.transitionSubscriber(sub.id, 'unsubscribed');
    const ended = await fetch(`${s.base}/preferences?token=${token}`);
    expect(ended.status).toBe(410);
    expect(await ended.text()).toContain('no longer subscribed');
  });
});
