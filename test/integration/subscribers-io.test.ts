import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { exportSubscribers, importSubscribers } from '../../src/adapters/subscribers-io.ts';
import { suppressionHash } from '../../src/pipeline/mailbox.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

let server: TestRedis;
let redis: Redis;
let prefixes = 0;
const OPTS = { secret: 'io-test-secret-0123456789abcdef' };
const freshStore = (): Store => createRedisStore(redis, `test-io-${++prefixes}`);

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const people = [
  { email: 'ana@example.org', name: 'López, Ana "La Jefa"', status: 'confirmed' as const },
  { email: 'Jose.Nunez@Example.mx', name: 'José Núñez', status: 'pending' as const },
  { email: 'sam@example.com', status: 'unsubscribed' as const },
  { email: 'gone@example.com', name: ' multi\nline ', status: 'bounced' as const },
];
const view = (subs: { email: string; name?: string; status: string }[]) =>
  subs.map(({ email, name, status }) => ({ email, name, status })).sort((a, b) => a.email.localeCompare(b.email));

async function seeded(): Promise<Store> {
  const store = freshStore();
  for (const p of people) await store.upsertSubscriber(p);
  return store;
}

describe('subscriber export and import', () => {
  for (const format of ['csv', 'json'] as const) {
    it(`round-trips through ${format} into an empty store`, async () => {
      const source = await seeded();
      const text = await exportSubscribers(source, format);
      const target = freshStore();
      const result = await importSubscribers(target, text, format, OPTS);
      expect(result).toEqual({ added: 4, unchanged: 0, duplicates: [], suppressed: [], invalid: [] });
      expect(view(await target.listSubscribers())).toEqual(view(await source.listSubscribers()));
      // A second import changes nothing and adds nobody; the opted-out rows are reported as such.
      expect(await importSubscribers(target, text, format, OPTS)).toMatchObject({ added: 0, unchanged: 2, suppressed: [{}, {}] });
      expect(await target.listSubscribers()).toHaveLength(4);
    });
  }

  it('writes RFC 4180 CSV', async () => {
    const csv = await exportSubscribers(await seeded(), 'csv');
    expect(csv.startsWith('email,name,status,source,requestedAt,confirmedAt,ipHash,endedReason,endedAt,themes,pausedUntil,lang\r\n')).toBe(true);
    expect(csv).toContain('ana@example.org,"López, Ana ""La Jefa""",confirmed,,,,,,,,,\r\n');
    // A bounce recorded by the ledger names its reason in the consent record.
    expect(csv).toContain('bounced,,,,,bounced,,,,\r\n');
  });

  it('reports invalid CSV lines by number and imports the rest', async () => {
    const csv = [
      'Email,Name,Status',
      'ok1@example.org,Uno,confirmed',
      'not-an-email,Bad,confirmed',
      '"quoted@example.org","Dos, con coma",',
      'ok3@example.org,,weird',
      '',
      'OK1@example.org,Uno Bis,unsubscribed',
      ',nameless,pending',
      '"multi@example.org","line one',
      'line two",pending',
      'last@example.org,"never closed',
    ].join('\n');
    const store = freshStore();
    const result = await importSubscribers(store, csv, 'csv', OPTS);
    expect(result.added).toBe(3);
    expect(result.duplicates).toEqual([{ line: 7, first: 2 }]);
    expect(result.invalid.map((i) => i.line)).toEqual([3, 5, 8, 11]);
    expect(result.invalid[0]?.reason).toMatch(/invalid email/);
    expect(result.invalid[1]?.reason).toMatch(/unknown status "weird"/);
    // Nothing lost: every data row is either stored or reported.
    expect(result.added + result.duplicates.length + result.invalid.length).toBe(8);
    expect(await store.findByEmail('quoted@example.org')).toMatchObject({ name: 'Dos, con coma', status: 'pending' });
    // The first row for an address wins; the duplicate never overwrites it.
    expect(await store.findByEmail('ok1@example.org')).toMatchObject({ name: 'Uno', status: 'confirmed', source: 'import' });
    expect(await store.findByEmail('multi@example.org')).toMatchObject({ name: 'line one\nline two' });
  });

  it('reports invalid JSON entries by position', async () => {
    const json = JSON.stringify([{ email: 'a@example.org' }, { email: 'nope' }, { name: 'x' }, 'str', { email: 'b@example.org', status: 'confirmed' }]);
    const store = freshStore();
    const result = await importSubscribers(store, json, 'json', OPTS);
    expect(result).toMatchObject({ added: 2, unchanged: 0 });
    expect(result.invalid.map((i) => i.line)).toEqual([2, 3, 4]);
    expect((await store.findByEmail('a@example.org'))?.status).toBe('pending');
    await expect(importSubscribers(store, '{', 'json', OPTS)).rejects.toMatchObject({ code: 'SUBSCRIBER_INVALID' });
    await expect(importSubscribers(store, 'name,status\nx,pending', 'csv', OPTS)).rejects.toMatchObject({ code: 'SUBSCRIBER_INVALID' });
  });
});

describe('consent records survive a backup and opt-outs hold', () => {
  it('round-trips consent fields and preferences, and validates them', async () => {
    const source = freshStore();
    await source.addSubscriber({
      email: 'kept@example.org',
      status: 'confirmed',
      fields: { source: 'web', requestedAt: '2026-11-01T10:00:00.000Z', confirmedAt: '2026-11-01T10:05:00.000Z', ipHash: 'a'.repeat(64), themes: 'border-migration', lang: 'es' },
    });
    for (const format of ['csv', 'json'] as const) {
      const target = freshStore();
      expect((await importSubscribers(target, await exportSubscribers(source, format), format, OPTS)).added).toBe(1);
      expect(await target.findByEmail('kept@example.org')).toMatchObject({
        source: 'web',
        confirmedAt: '2026-11-01T10:05:00.000Z',
        ipHash: 'a'.repeat(64),
        themes: 'border-migration',
        lang: 'es',
      });
    }
    const bad = await importSubscribers(freshStore(), 'email,status,confirmedAt\nx@example.org,confirmed,yesterday\n', 'csv', OPTS);
    expect(bad.invalid).toEqual([{ line: 2, reason: 'invalid confirmedAt "yesterday"' }]);
  });

  it('never brings back an erased address, and reports it', async () => {
    const store = freshStore();
    const sub = await store.upsertSubscriber({ email: 'erase@example.org', status: 'confirmed' });
    await store.forgetSubscriber(sub.id, suppressionHash(OPTS.secret, 'erase@example.org'), { reason: 'erased', at: new Date().toISOString() });
    const result = await importSubscribers(store, 'email,status\nErase@Example.org,confirmed\n', 'csv', OPTS);
    expect(result).toMatchObject({ added: 0, suppressed: [{ line: 2 }] });
    expect(await store.findByEmail('erase@example.org')).toBeUndefined();
  });
});

describe('forget', () => {
  it('erases the delivery ledger entries too, keeping the counts true', async () => {
    const store = freshStore();
    const gone = await store.upsertSubscriber({ email: 'gone-for-good@example.org', status: 'confirmed' });
    const stays = await store.upsertSubscriber({ email: 'stays@example.org', status: 'confirmed' });
    const digest = { id: 'd-forget', title: 't', periodStart: '2026-11-01T00:00:00.000Z', periodEnd: '2026-11-08T00:00:00.000Z', createdAt: '2026-11-08T00:00:00.000Z', status: 'sent' as const, articleCount: 0, outletCount: 0, themes: [] };
    await store.saveDigest(digest, { subject: 's', html: 'h', text: 't' });
    await store.freezeAudience('d-forget', [gone.id, stays.id]);
    await store.claimDelivery('d-forget', gone.id);
    await store.recordOutcome('d-forget', gone.id, { state: 'failed', error: '550 gone-for-good@example.org unknown' });
    const r = await store.forgetSubscriber(gone.id, suppressionHash(OPTS.secret, gone.email), { reason: 'erased', at: new Date().toISOString() });
    expect(r.ledgerEntries).toBe(1);
    expect(await store.getDelivery('d-forget', gone.id)).toBeUndefined();
    expect(await store.audience('d-forget')).toEqual([stays.id]);
    expect(await store.deliveryCounts('d-forget')).toMatchObject({ pending: 1, failed: 0 });
    expect(await store.getSubscriber(gone.id)).toBeUndefined();
    expect(await store.findByEmail(gone.email)).toBeUndefined();
    expect(await store.getSuppression(suppressionHash(OPTS.secret, 'Gone-For-Good@example.org'))).toMatchObject({ reason: 'erased' });
  });

  it('imports a file larger than one script call: the first row of an address wins, statuses are reported', async () => {
    const rows = ['email,name,status', 'first@example.org,Early,pending'];
    for (let i = 0; i < 1200; i++) rows.push(`bulk${i}@example.org,,confirmed`);
    rows.push('FIRST@example.org,Late,confirmed');
    const store = freshStore();
    const gone = await store.upsertSubscriber({ email: 'bulk700@example.org', status: 'bounced' });
    const result = await importSubscribers(store, rows.join('\n'), 'csv', OPTS);
    expect(result).toMatchObject({ added: 1200, unchanged: 0, invalid: [] });
    expect(result.duplicates).toEqual([{ line: 1203, first: 2 }]);
    expect(result.suppressed).toEqual([{ line: 703, reason: 'already bounced' }]);
    expect(await store.findByEmail('first@example.org')).toMatchObject({ name: 'Early', status: 'pending' });
    expect((await store.getSubscriber(gone.id))?.status).toBe('bounced');
    expect(await store.listSubscribers('confirmed')).toHaveLength(1199);
    const again = await importSubscribers(store, rows.join('\n'), 'csv', OPTS);
    expect(again).toMatchObject({ added: 0, unchanged: 1200 });
  });
});
