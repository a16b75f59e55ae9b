import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/adapters/redis-keys.ts';
import { createLateReportStore } from '../../src/adapters/redis-late-reports.ts';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import { returnPathAddress, tokenFromAddress, type ReturnPathConfig } from '../../src/domain/return-path.ts';
import { startInboundServer, type InboundServer } from '../../src/inbound/server.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { sendBatch, type SendDeps } from '../../src/pipeline/send-batch.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const FIXTURES = new URL('../fixtures/reports/', import.meta.url);
const MAX_BYTES = 60_000;

/**
 * Reports sent back days after a send, as real mail systems format them, delivered over SMTP to
 * the inbound receiver; the ledger and the subscriber's status are read back from Redis.
 */
describe('late bounces and complaints over SMTP', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: Store;
  let outbound: SmtpSink;
  let inbound: InboundServer;
  let deps: SendDeps;
  let digestId: string;
  const cfg: ReturnPathConfig = { secret: 'r'.repeat(40), localPart: 'bounces', domain: 'frontera.test' };
  const readers = ['gone@correo-ejemplo.mx', 'missing@gmail.example', 'nobody@outlook.example', 'slow@correo-ejemplo.mx',
    'strict@destino-ejemplo.com', 'angry@yahoo.example', 'happy@isp-ejemplo.net', 'steady@example.org'];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    store = createRedisStore(client, 'late');
    outbound = await startSmtpSink();
    inbound = await startInboundServer({
      store: createLateReportStore(client, redisKeys('late')),
      logger: quiet,
      returnPath: cfg,
      host: '127.0.0.1',
      port: 0,
      maxBytes: MAX_BYTES,
    });
    deps = {
      store,
      mailer: createSmtpMailer({ url: outbound.url, poolSize: 2, from: 'Frontera <digest@frontera.test>' }),
      clock: { now: () => new Date() },
      logger: quiet,
      mail: { from: 'Frontera <digest@frontera.test>', publicUrl: 'https://frontera.test', secret: 'k'.repeat(40) },
      concurrency: 2,
      returnPath: (d, s) => returnPathAddress(cfg, d, s),
    };
    const digest = makeDigestFixture();
    digestId = digest.id;
    await store.saveDigest(digest, await renderDigest(digest, { publicUrl: 'https://frontera.test', postalAddress: 'CDMX' }));
    for (const email of readers) ids.set(email, (await store.upsertSubscriber({ email, status: 'confirmed' })).id);
    await store.freezeAudience(digestId, [...ids.values()]);
    await sendBatch(deps, digestId, [...ids.values()]);
  });
  afterAll(async () => {
    await deps?.mailer.close();
    await inbound?.close();
    await outbound?.stop();
    client?.disconnect();
    await redis?.stop();
  });

  /** Sends raw bytes to the receiver with a null reverse path, as MTAs send reports. */
  async function report(to: string, raw: string | Buffer): Promise<{ ok: true } | { ok: false; code: number; response: string }> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: '', to: [to] }, raw });
      return { ok: true };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string };
      return { ok: false, code: e.responseCode ?? 0, response: e.response ?? String(err) };
    } finally {
      transport.close();
    }
  }

  const envelopeFrom = (email: string) => outbound.messages.find((m) => m.envelope.to[0] === email)!.envelope.from;
  const fixture = (name: string, email: string, over: Record<string, string> = {}) =>
    readFileSync(new URL(name, FIXTURES), 'utf8')
      .replaceAll('{{RETURN_PATH}}', over.RETURN_PATH ?? envelopeFrom(email))
      .replaceAll('{{RECIPIENT}}', email)
      .replaceAll('{{MESSAGE_ID}}', `<${digestId}.${ids.get(email)}@frontera.test>`)
      .replaceAll('{{FEEDBACK_ADDRESS}}', 'bounces@frontera.test')
      .replace(/\r?\n/g, '\r\n');
  const state = async (email: string) => ({
    delivery: await store.getDelivery(digestId, ids.get(email)!),
    status: (await store.getSubscriber(ids.get(email)!))?.status,
  });

  it('sends every message with its own signed VERP return path', () => {
    const froms = readers.map(envelopeFrom);
    expect(new Set(froms).size).toBe(readers.length);
    for (const from of froms) {
      expect(from).toMatch(/^bounces\+[a-z2-7]+@frontera\.test$/);
      expect(from.split('@')[0]!.length).toBeLessThanOrEqual(64);
    }
  });

  it('suppresses the reader on hard bounces from Postfix, Gmail and Office 365', async () => {
    const cases: [string, string, string][] = [
      ['postfix-user-unknown.eml', 'gone@correo-ejemplo.mx', '5.1.1'],
      ['gmail-account-missing.eml', 'missing@gmail.example', '5.1.1'],
      ['office365-recipient-not-found.eml', 'nobody@outlook.example', '5.1.10'],
    ];
    for (const [file, email, status] of cases) {
      expect(await report(envelopeFrom(email), fixture(file, email)), file).toEqual({ ok: true });
      const s = await state(email);
      expect(s.status, file).toBe('bounced');
      expect(s.delivery?.state, file).toBe('bounced');
      expect(s.delivery?.report, file).toContain(status);
    }
    const counts = await store.deliveryCounts(digestId);
    expect(counts.bounced).toBe(3);
    expect(counts.sent).toBe(readers.length - 3);
  });

  it('keeps the reader on a delay notice and on a policy rejection, recording both', async () => {
    expect(await report(envelopeFrom('slow@correo-ejemplo.mx'), fixture('postfix-delayed.eml', 'slow@correo-ejemplo.mx'))).toEqual({ ok: true });
    const slow = await state('slow@correo-ejemplo.mx');
    expect(slow).toMatchObject({ status: 'confirmed', delivery: { state: 'sent' } });
    expect(slow.delivery?.report).toContain('4.4.1');
    // Terminal escapes in a diagnostic must not reach the operator's screen via `deliveries list`.
    const escaped = fixture('postfix-delayed.eml', 'slow@correo-ejemplo.mx').replace('Connection timed out\r\nWill', '\x1b[2J\x1b]0;pwned\x07timed out\r\nWill');
    expect(escaped).toContain('\x1b[2J');
    expect(await report(envelopeFrom('slow@correo-ejemplo.mx'), escaped)).toEqual({ ok: true });
    const report2 = (await state('slow@correo-ejemplo.mx')).delivery?.report ?? '';
    expect(report2).toContain('timed out');
    expect(report2).not.toMatch(/[\x00-\x1f\x7f]/);

    expect(await report(envelopeFrom('strict@destino-ejemplo.com'), fixture('exim-policy-rejection.eml', 'strict@destino-ejemplo.com'))).toEqual({ ok: true });
    const strict = await state('strict@destino-ejemplo.com');
    expect(strict).toMatchObject({ status: 'confirmed', delivery: { state: 'failed' } });
    expect(strict.delivery?.report).toContain('5.7.1');
  });

  it('marks a reader complained on an ARF abuse report sent to the plain feedback address', async () => {
    expect(await report('bounces@frontera.test', fixture('yahoo-arf-abuse.eml', 'angry@yahoo.example'))).toEqual({ ok: true });
    const angry = await state('angry@yahoo.example');
    // A complaint ends consent: unsubscribed, with the reason kept in the consent record.
    expect(angry.status).toBe('unsubscribed');
    expect(await store.getSubscriber(ids.get('angry@yahoo.example')!)).toMatchObject({ endedReason: 'complained' });
    expect(angry.delivery).toMatchObject({ state: 'sent', report: 'feedback report (ARF): abuse' });
    expect((await store.listSubscribers('confirmed')).map((s) => s.email)).not.toContain('angry@yahoo.example');

    expect(await report('bounces@frontera.test', fixture('rfc5965-not-spam.eml', 'happy@isp-ejemplo.net'))).toEqual({ ok: true });
    expect((await state('happy@isp-ejemplo.net')).status).toBe('confirmed');
  });

  it('applies a repeated report once', async () => {
    const before = await store.deliveryCounts(digestId);
    expect(await report(envelopeFrom('gone@correo-ejemplo.mx'), fixture('postfix-user-unknown.eml', 'gone@correo-ejemplo.mx'))).toEqual({ ok: true });
    expect(await store.deliveryCounts(digestId)).toEqual(before);
  });

  it('refuses forged tokens, foreign addresses, garbage and oversized messages, and changes nothing', async () => {
    const victim = 'steady@example.org';
    const genuine = envelopeFrom(victim);
    const token = tokenFromAddress(cfg, genuine)!;
    // Same structure, one character changed: the MAC no longer verifies.
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    const forged = await report(`bounces+${flipped}@frontera.test`, fixture('postfix-user-unknown.eml', victim, { RETURN_PATH: `bounces+${flipped}@frontera.test` }));
    expect(forged).toMatchObject({ ok: false, code: 550 });
    // An address that is not ours at all.
    expect(await report('postmaster@elsewhere.test', fixture('postfix-user-unknown.eml', victim))).toMatchObject({ ok: false, code: 550 });
    // A feedback report quoting a forged return path, sent to the plain address.
    const arf = fixture('yahoo-arf-abuse.eml', victim, { RETURN_PATH: `bounces+${flipped}@frontera.test` });
    expect(await report('bounces@frontera.test', arf)).toMatchObject({ ok: false, code: 554 });
    // An out-of-office reply (or anything else) to a genuine return path is not a report.
    const garbage = `From: victim@example.org\r\nTo: ${genuine}\r\nSubject: Auto: out of office\r\n\r\nBack on Monday.\r\n`;
    expect(await report(genuine, garbage)).toMatchObject({ ok: false, code: 554 });
    expect(await report(genuine, Buffer.from([0, 255, 13, 10, 46, 46, 0, 1, 2, 3, 13, 10]))).toMatchObject({ ok: false, code: 554 });
    // Over INBOUND_MAX_BYTES: a DSN padded with a huge human-readable part.
    const padded = fixture('postfix-user-unknown.eml', victim).replace('The mail system\r\n', `The mail system\r\n${'x'.repeat(76)}\r\n`.repeat(1000));
    expect(padded.length).toBeGreaterThan(MAX_BYTES);
    expect(await report(genuine, padded)).toMatchObject({ ok: false, code: 552 });

    expect(await state(victim)).toMatchObject({ status: 'confirmed', delivery: { state: 'sent' } });
    expect((await state(victim)).delivery?.report).toBeUndefined();
  });
});
