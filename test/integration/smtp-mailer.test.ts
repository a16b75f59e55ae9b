import { createServer, type Server } from 'node:net';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontError } from '../../src/domain/errors.ts';
import { buildRaw, escapeHtml, prepareMime } from '../../src/templates/mime.ts';
import { classifySmtpError, createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import type { Mailer } from '../../src/pipeline/ports.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const FROM = 'Frontera — Resumen <digest@frontera.example>';
const UNSUB = '%%FRONTERA_UNSUBSCRIBE_URL%%';

let sink: SmtpSink;
let mailer: Mailer;
let dataDrops = 0;

beforeAll(async () => {
  sink = await startSmtpSink({
    failRcpt: (addr) => (addr.startsWith('gone@') ? 550 : addr.startsWith('busy@') ? 451 : undefined),
    dropAfterData: (addr) => {
      if (!addr.startsWith('drop@')) return false;
      dataDrops++;
      return true;
    },
  });
  mailer = createSmtpMailer({ url: sink.url, poolSize: 2, from: FROM, replyTo: 'Editores <editores@frontera.example>' });
});

afterAll(async () => {
  await mailer?.close();
  await sink?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<FrontError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FrontError);
  return err as FrontError;
}

function rawFor(to: string, id: string): Buffer {
  const prepared = prepareMime({ from: FROM, subject: 'Semana — México', html: `<a href="${UNSUB}">baja</a>`, text: `Baja: ${UNSUB}`, placeholders: [UNSUB] });
  return buildRaw(prepared, { [UNSUB]: 'https://frontera.example/u?t=1&s=2' }, { to, messageId: id, date: new Date(), extra: {} });
}

describe('createSmtpMailer against smtp-server', () => {
  it('sends a nodemailer-built message with both parts and the list headers', async () => {
    const before = sink.messages.length;
    const result = await mailer.sendMail({
      to: 'lector@ejemplo.mx',
      subject: 'Frontera — “semana” de extradiciones',
      html: '<p>Acción — “cooperación”</p>',
      text: 'Acción — “cooperación”',
      headers: { 'List-Unsubscribe': '<https://frontera.example/u?t=1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(result.accepted).toBe(true);
    const received = sink.messages[before];
    expect(received?.envelope).toEqual({ from: 'digest@frontera.example', to: ['lector@ejemplo.mx'] });
    const parsed = await simpleParser(received!.raw);
    expect(parsed.subject).toBe('Frontera — “semana” de extradiciones');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Frontera — Resumen', address: 'digest@frontera.example' });
    expect(parsed.replyTo?.value[0]?.address).toBe('editores@frontera.example');
    expect(parsed.text?.trim()).toBe('Acción — “cooperación”');
    expect(parsed.html).toBe('<p>Acción — “cooperación”</p>');
    expect(parsed.messageId).toBe(result.messageId);
    const lines = new Map(parsed.headerLines.map((h) => [h.key, h.line]));
    expect(lines.get('list-unsubscribe')).toBe('List-Unsubscribe: <https://frontera.example/u?t=1>');
    expect(lines.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('sends a spliced raw message byte for byte, many at once over the pool', async () => {
    const before = sink.messages.length;
    const ids = Array.from({ length: 20 }, (_, i) => `<d1.s${i}@frontera.example>`);
    const raws = ids.map((id, i) => rawFor(`s${i}@ejemplo.mx`, id));
    const results = await Promise.all(
      ids.map((id, i) => mailer.sendRaw({ from: 'digest@frontera.example', to: `s${i}@ejemplo.mx` }, raws[i]!, id)),
    );
    expect(results.map((r) => r.messageId)).toEqual(ids);
    const received = sink.messages.slice(before);
    expect(received).toHaveLength(20);
    const first = received.find((m) => m.envelope.to[0] === 's0@ejemplo.mx');
    // nodemailer must pass the raw bytes through untouched (dot-stuffing is undone by the server).
    expect(first!.raw.equals(raws[0]!)).toBe(true);
    const parsed = await simpleParser(first!.raw);
    expect(parsed.messageId).toBe('<d1.s0@frontera.example>');
    expect(parsed.text).toBe('Baja: https://frontera.example/u?t=1&s=2');
    expect(parsed.html).toBe(`<a href="${escapeHtml('https://frontera.example/u?t=1&s=2')}">baja</a>`);
  });

  it('classifies 550 on RCPT as a permanent mailbox error', async () => {
    const err = await rejection(mailer.sendRaw({ from: 'digest@frontera.example', to: 'gone@ejemplo.mx' }, rawFor('gone@ejemplo.mx', '<g@f.example>'), '<g@f.example>'));
    expect(err.code).toBe('SMTP_MAILBOX_UNAVAILABLE');
    expect(err.permanent).toBe(true);
  });

  it('classifies 451 on RCPT as transient', async () => {
    const err = await rejection(mailer.sendMail({ to: 'busy@ejemplo.mx', subject: 's', html: '<p>x</p>', text: 'x', headers: {} }));
    expect(err.code).toBe('SMTP_TRANSIENT');
    expect(err.permanent).toBe(false);
  });

  it('reports a connection lost after the data as SMTP_CONNECTION_LOST and never resends it', async () => {
    const before = sink.messages.length;
    const err = await rejection(mailer.sendRaw({ from: 'digest@frontera.example', to: 'drop@ejemplo.mx' }, rawFor('drop@ejemplo.mx', '<x@f.example>'), '<x@f.example>'));
    expect(err.code).toBe('SMTP_CONNECTION_LOST');
    expect(err.permanent).toBe(true);
    // The pool carries on with a fresh connection, and the dropped message went over the wire once.
    await mailer.sendRaw({ from: 'digest@frontera.example', to: 'after@ejemplo.mx' }, rawFor('after@ejemplo.mx', '<y@f.example>'), '<y@f.example>');
    await new Promise((r) => setTimeout(r, 300));
    expect(dataDrops).toBe(1);
    expect(sink.messages.slice(before).map((m) => m.envelope.to[0])).toEqual(['after@ejemplo.mx']);
  });

  it('classifies a refused port as unreachable and a dropped greeting as transient', async () => {
    const closed = createSmtpMailer({ url: 'smtp://127.0.0.1:1', poolSize: 1, from: FROM });
    const refused = await rejection(closed.sendMail({ to: 'a@ejemplo.mx', subject: 's', html: 'x', text: 'x', headers: {} }));
    await closed.close();
    expect(refused).toMatchObject({ code: 'SMTP_UNREACHABLE', permanent: false });
    const verifying = createSmtpMailer({ url: 'smtp://user:hunter2@127.0.0.1:1', poolSize: 1, from: FROM });
    const unverified = await rejection(verifying.verify!());
    await verifying.close();
    expect(unverified.code).toBe('SMTP_UNREACHABLE');
    expect(unverified.message).toMatch(/^cannot reach the SMTP server at smtp:\/\/user:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);

    const rude: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const port = (rude.address() as { port: number }).port;
    const hungUp = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, poolSize: 1, from: FROM });
    const greeting = await rejection(hungUp.sendRaw({ from: 'digest@frontera.example', to: 'a@ejemplo.mx' }, rawFor('a@ejemplo.mx', '<z@f.example>'), '<z@f.example>'));
    await hungUp.close();
    await new Promise((resolve) => rude.close(resolve));
    expect(['SMTP_TRANSIENT', 'SMTP_UNREACHABLE']).toContain(greeting.code);
    expect(greeting.permanent).toBe(false);
  });
});

describe('classifySmtpError', () => {
  const reply = (responseCode: number, command: string, response = `${responseCode} x`) =>
    Object.assign(new Error(response), { code: 'EENVELOPE', command, responseCode, response });

  it('reads RFC 3463 enhanced codes: mailbox bounces, policy refusals, other permanent failures', () => {
    const code = (rc: number, command: string, response: string) => classifySmtpError(reply(rc, command, response), 'before-data').code;
    expect(code(550, 'RCPT TO', '550 5.1.1 <x@y>: Recipient address rejected: User unknown')).toBe('SMTP_MAILBOX_UNAVAILABLE');
    expect(code(550, 'RCPT TO', '550-5.1.1 The email account that you tried to reach does not exist')).toBe('SMTP_MAILBOX_UNAVAILABLE');
    expect(code(550, 'RCPT TO', '550 5.2.1 Mailbox disabled')).toBe('SMTP_MAILBOX_UNAVAILABLE');
    expect(code(550, 'DATA', '550 5.1.1 No such user')).toBe('SMTP_MAILBOX_UNAVAILABLE');
    // Refusals of us, not of the reader: never a bounce.
    expect(code(550, 'RCPT TO', '550 5.7.1 Service unavailable; client host [203.0.113.9] blocked using Spamhaus')).toBe('SMTP_POLICY_REJECTED');
    expect(code(553, 'RCPT TO', '553 5.7.1 Sender rejected')).toBe('SMTP_POLICY_REJECTED');
    expect(code(554, 'RCPT TO', '554 5.7.1 Relay access denied')).toBe('SMTP_POLICY_REJECTED');
    expect(code(550, 'MAIL FROM', '550 5.1.8 Bad sender system address')).toBe('SMTP_POLICY_REJECTED');
    expect(code(550, 'RCPT TO', '550 5.1.7 Bad sender mailbox syntax')).toBe('SMTP_POLICY_REJECTED');
    expect(code(554, 'DATA', '554 5.7.1 Message rejected as spam')).toBe('SMTP_POLICY_REJECTED');
    // Other permanent refusals fail without suppressing anyone.
    expect(code(554, 'DATA', '554 5.6.0 Message content rejected')).toBe('SMTP_REJECTED');
    expect(code(552, 'RCPT TO', '552 5.2.2 Mailbox full')).toBe('SMTP_REJECTED');
    // Without an enhanced code, only words about the mailbox make it a bounce.
    expect(code(550, 'RCPT TO', '550 No such user here')).toBe('SMTP_MAILBOX_UNAVAILABLE');
    expect(code(550, 'RCPT TO', '550 Your IP is blacklisted')).toBe('SMTP_POLICY_REJECTED');
    expect(code(553, 'RCPT TO', '553 sorry')).toBe('SMTP_REJECTED');
    expect(classifySmtpError(reply(554, 'DATA', '554 Transaction failed'), 'after-data')).toMatchObject({ code: 'SMTP_REJECTED', permanent: true });
  });

  it('retries 4xx (421 included) and 503, whatever the stage', () => {
    expect(classifySmtpError(reply(421, 'DATA', '421 4.7.0 Try again later, closing connection'), 'after-data').code).toBe('SMTP_TRANSIENT');
    expect(classifySmtpError(reply(451, 'RCPT TO', '451 4.7.1 Greylisted'), 'before-data')).toMatchObject({ code: 'SMTP_TRANSIENT', permanent: false });
    expect(classifySmtpError(reply(503, 'DATA'), 'in-data').code).toBe('SMTP_TRANSIENT');
  });

  it('maps a silent failure by how far the message got', () => {
    const lost = Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT', command: 'CONN' });
    expect(classifySmtpError(lost, 'before-data').code).toBe('SMTP_UNREACHABLE');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ESOCKET', command: 'DATA' });
    expect(classifySmtpError(reset, 'before-data').code).toBe('SMTP_TRANSIENT');
    expect(classifySmtpError(lost, 'in-data').code).toBe('SMTP_TRANSIENT');
    expect(classifySmtpError(lost, 'after-data')).toMatchObject({ code: 'SMTP_CONNECTION_LOST', permanent: true });
    const auth = Object.assign(new Error('Missing credentials'), { code: 'EAUTH', command: 'API' });
    expect(classifySmtpError(auth, 'before-data')).toMatchObject({ code: 'SMTP_ERROR', permanent: true });
  });
});
