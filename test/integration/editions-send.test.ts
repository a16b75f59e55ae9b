import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import { sendBatch, type SendDeps } from '../../src/pipeline/send-batch.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { renderEditions } from '../../src/templates/render.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** Each subscriber's `lang` picks the edition they receive, each edition encoded once. */
describe('bilingual delivery', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: Store;
  let sink: SmtpSink;
  let deps: SendDeps;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    store = createRedisStore(client, 'editions');
    sink = await startSmtpSink();
    deps = {
      store,
      mailer: createSmtpMailer({ url: sink.url, poolSize: 1, from: 'Frontera <digest@frontera.test>' }),
      clock: { now: () => new Date() },
      logger: quiet,
      mail: { from: 'Frontera <digest@frontera.test>', publicUrl: 'https://frontera.test', secret: 'k'.repeat(40) },
      cache: new Map(),
    };
  });
  afterAll(async () => {
    await deps?.mailer.close();
    await sink?.stop();
    client?.disconnect();
    await redis?.stop();
  });

  it('sends the Spanish edition to readers with lang es and the English one to the others', async () => {
    const digest = makeDigestFixture();
    const { en, es } = await renderEditions(digest, { publicUrl: 'https://frontera.test', postalAddress: 'CDMX' });
    await store.saveDigest(digest, { ...en, byLanguage: { es } });
    const lectora = await store.upsertSubscriber({ email: 'lectora@example.org', status: 'confirmed', fields: { lang: 'es' } });
    const reader = await store.upsertSubscriber({ email: 'reader@example.org', status: 'confirmed' });
    const explicit = await store.upsertSubscriber({ email: 'explicit@example.org', status: 'confirmed', fields: { lang: 'en' } });
    const ids = [lectora.id, reader.id, explicit.id];
    await store.freezeAudience(digest.id, ids);
    expect(await sendBatch(deps, digest.id, ids)).toMatchObject({ sent: 3 });

    const byRecipient = new Map<string, Awaited<ReturnType<typeof simpleParser>>>();
    for (const m of sink.messages) byRecipient.set(m.envelope.to[0]!, await simpleParser(m.raw));
    const spanish = byRecipient.get('lectora@example.org')!;
    expect(spanish.subject).toMatch(/^Frontera semanal: /);
    expect(spanish.html).toContain('<html lang="es"');
    expect(spanish.text).toContain('Cancelar suscripción');
    // Personalised like any other: the reader's own address and unsubscribe link.
    expect(spanish.html).toContain('lectora@example.org');
    expect(spanish.html).toContain('https://frontera.test/unsubscribe?token=');
    for (const email of ['reader@example.org', 'explicit@example.org']) {
      const english = byRecipient.get(email)!;
      expect(english.subject).toMatch(/^Frontera weekly: /);
      expect(english.html).toContain('<html lang="en"');
      expect(english.html).toContain(email);
    }
  });
});
