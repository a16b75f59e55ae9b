import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { exportSubscribers, importSubscribers } from '../../src/adapters/subscribers-io.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

let server: TestRedis;
let redis: Redis;
let prefixes = 0;
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
      const result = await importSubscribers(target, text, format);
      expect(result).toEqual({ added: 4, updated: 0, invalid: [] });
      expect(view(await target.listSubscribers())).toEqual(view(await source.listSubscribers()));
      // A second import changes nothing and adds nobody.
      expect(await importSubscribers(target, text, format)).toMatchObject({ added: 0, updated: 4 });
      expect(await target.listSubscribers()).toHaveLength(4);
    });
  }

  it('writes RFC 4180 CSV', async () => {
    const csv = await exportSubscribers(await seeded(), 'csv');
    expect(csv.startsWith('email,name,status,lang\r\n')).toBe(true);
    expect(csv).toContain('ana@example.org,"López, Ana ""La Jefa""",confirmed,\r\n');
  });

  it("imports and exports each subscriber's edition language, and refuses an unknown one", async () => {
    const store = freshStore();
    const csv = ['email,status,lang', 'es@example.org,confirmed,es', 'en@example.org,confirmed,', 'fr@example.org,confirmed,fr'].join('\n');
    const result = await importSubscribers(store, csv, 'csv');
    expect(result).toMatchObject({ added: 2, invalid: [{ line: 4, reason: 'unknown lang "fr" (expected en, es)' }] });
    expect((await store.findByEmail('es@example.org'))!.lang).toBe('es');
    expect((await store.findByEmail('en@example.org'))!.lang).toBeUndefined();
    const json = JSON.parse(await exportSubscribers(store, 'json')) as Array<{ email: string; lang?: string }>;
    expect(json.find((r) => r.email === 'es@example.org')!.lang).toBe('es');
    // A later import without a language leaves the one set before.
    await importSubscribers(store, 'email,status\nes@example.org,confirmed', 'csv');
    expect((await store.findByEmail('es@example.org'))!.lang).toBe('es');
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
    const result = await importSubscribers(store, csv, 'csv');
    expect(result.added).toBe(3);
    expect(result.updated).toBe(1);
    expect(result.invalid.map((i) => i.line)).toEqual([3, 5, 8, 11]);
    expect(result.invalid[0]?.reason).toMatch(/invalid email/);
    expect(result.invalid[1]?.reason).toMatch(/unknown status "weird"/);
    // Nothing lost: every data row is either stored or reported.
    expect(result.added + result.updated + result.invalid.length).toBe(8);
    expect(await store.findByEmail('quoted@example.org')).toMatchObject({ name: 'Dos, con coma', status: 'pending' });
    expect(await store.findByEmail('ok1@example.org')).toMatchObject({ name: 'Uno Bis', status: 'unsubscribed' });
    expect(await store.findByEmail('multi@example.org')).toMatchObject({ name: 'line one\nline two' });
  });

  it('reports invalid JSON entries by position', async () => {
    const json = JSON.stringify([{ email: 'a@example.org' }, { email: 'nope' }, { name: 'x' }, 'str', { email: 'b@example.org', status: 'confirmed' }]);
    const store = freshStore();
    const result = await importSubscribers(store, json, 'json');
    expect(result).toMatchObject({ added: 2, updated: 0 });
    expect(result.invalid.map((i) => i.line)).toEqual([2, 3, 4]);
    expect((await store.findByEmail('a@example.org'))?.status).toBe('pending');
    await expect(importSubscribers(store, '{', 'json')).rejects.toMatchObject({ code: 'SUBSCRIBER_INVALID' });
    await expect(importSubscribers(store, 'name,status\nx,pending', 'csv')).rejects.toMatchObject({ code: 'SUBSCRIBER_INVALID' });
  });
});
