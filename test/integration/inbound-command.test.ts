import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { returnPathAddress } from '../../src/domain/return-path.ts';
import { makeDigestFixture } from '../unit/digest-fixture.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.ts';

const SECRET = 'i'.repeat(40);

/** `frontera inbound` as operators run it: its own process, configured by the environment. */
describe('frontera inbound', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('receives a bounce for a return path signed with SECRET_KEY, suppresses the reader, and exits 0 on SIGTERM', async () => {
    const store = createRedisStore(client, 'cli-inbound');
    const digest = makeDigestFixture();
    await store.saveDigest(digest, { subject: 's', html: 'h', text: 't' });
    const sub = await store.upsertSubscriber({ email: 'gone@correo-ejemplo.mx', status: 'confirmed' });
    await store.freezeAudience(digest.id, [sub.id]);
    await store.claimDelivery(digest.id, sub.id);
    await store.recordOutcome(digest.id, sub.id, { state: 'sent', messageId: `<${digest.id}.${sub.id}@bounces.frontera.test>` });

    const port = await freePort();
    const child = spawn('node', ['bin/frontera.mjs', 'inbound'], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'cli-inbound',
        SECRET_KEY: SECRET,
        BOUNCE_DOMAIN: 'bounces.frontera.test',
        INBOUND_PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'frontera-inbound-')),
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 300 && !out.includes('inbound: receiving'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`bounces(+TOKEN)@bounces.frontera.test on 127.0.0.1:${port}`);

      const returnPath = returnPathAddress({ secret: SECRET, localPart: 'bounces', domain: 'bounces.frontera.test' }, digest.id, sub.id);
      const raw = readFileSync(new URL('../fixtures/reports/postfix-user-unknown.eml', import.meta.url), 'utf8')
        .replaceAll('{{RETURN_PATH}}', returnPath)
        .replaceAll('{{RECIPIENT}}', sub.email)
        .replaceAll('{{MESSAGE_ID}}', `<${digest.id}.${sub.id}@bounces.frontera.test>`);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      await transport.sendMail({ envelope: { from: '', to: [returnPath] }, raw });
      transport.close();

      expect((await store.getSubscriber(sub.id))?.status).toBe('bounced');
      expect(await store.getDelivery(digest.id, sub.id)).toMatchObject({ state: 'bounced', report: expect.stringContaining('5.1.1') });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
