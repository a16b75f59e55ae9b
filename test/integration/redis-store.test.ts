import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import type { Article, Digest } from '../../src/domain/model.ts';
import type { Store } from '../../src/pipeline/ports.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

let server: TestRedis;
let redis: Redis;
let store: Store;
let n = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  store = createRedisStore(redis, 'test-store');
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

function article(over: Partial<Article> & { feedId: string }): Article {
  const id = over.id ?? `art-${++n}`;
  const url = over.url ?? `https://${over.feedId}.example/${id}`;
  return {
    id,
    outlet: over.feedId.toUpperCase(),
    url,
    // Long enough that a fingerprint counts as evidence (see hasStrongFingerprint).
    title: `Navy seizes fentanyl precursors at the port of Manzanillo ${id}`,
    summary: `Mexican marines found tonnes of chemicals bound for Sinaloa labs ${id}`,
    language: 'es',
    publishedAt: '2025-03-10T12:00:00.000Z',
    fetchedAt: '2025-03-10T13:00:00.000Z',
    relevance: 0.7,
    fingerprint: (n * 7919).toString(16).padStart(16, '0'),
    sources: [{ feedId: over.feedId, outlet: over.feedId.toUpperCase(), url }],
    ...over,
  };
}
/** Flips `bits` low bits of a 16-hex-digit fingerprint. */
const flip = (fp: string, bits: number) => (BigInt(`0x${fp}`) ^ ((1n << BigInt(bits)) - 1n)).toString(16).padStart(16, '0');

describe('articles', () => {
  it('saves idempotently and updates by URL or by (feed, guid)', async () => {
    const a = article({ feedId: 'jornada', guid: 'g-1', fingerprint: 'aaaa000000000001' });
    const b = article({ feedId: 'jornada', fingerprint: '5555000000000002' });
    expect(await store.saveArticles([a, b])).toEqual({ added: 2, updated: 0, merged: 0, unchanged: 0 });
    expect(await store.saveArticles([a, b])).toEqual({ added: 0, updated: 0, merged: 0, unchanged: 2 });

    // Same guid, new URL (the outlet moved the story) and a corrected headline: one article.
    const moved = { ...a, id: 'art-moved', url: 'https://jornada.example/moved', title: 'Corrected title' };
    expect(await store.saveArticles([moved])).toEqual({ added: 0, updated: 1, merged: 0, unchanged: 0 });
    expect((await store.getArticle(a.id))?.title).toBe('Corrected title');
    expect(await store.getArticle('art-moved')).toBeUndefined();
    expect(await store.saveArticles([moved])).toMatchObject({ unchanged: 1 });
  });

  it('merges a wire copy from another feed into the first article, once', async () => {
    const original = article({ feedId: 'efe', fingerprint: 'f0f0f0f0f0f0f0f0', language: 'es' });
    await store.saveArticles([original]);
    const copy = article({ feedId: 'milenio', fingerprint: flip('f0f0f0f0f0f0f0f0', 3), language: 'es' });
    const otherLanguage = article({ feedId: 'reuters', fingerprint: flip('f0f0f0f0f0f0f0f0', 1), language: 'en' });
    const tooFar = article({ feedId: 'proceso', fingerprint: flip('f0f0f0f0f0f0f0f0', 4), language: 'es' });
    expect(await store.saveArticles([copy, otherLanguage, tooFar])).toEqual({ added: 2, updated: 0, merged: 1, unchanged: 0 });
    expect(await store.saveArticles([copy, otherLanguage, tooFar])).toEqual({ added: 0, updated: 0, merged: 0, unchanged: 3 });
    const merged = await store.getArticle(original.id);
    expect(merged?.sources.map((s) => s.feedId)).toEqual(['efe', 'milenio']);
    expect(await store.getArticle(copy.id)).toBeUndefined();
  });

  it('never merges short items on a fingerprint alone', async () => {
    const a = article({ feedId: 'efe', fingerprint: 'abababababababab', title: 'Live updates', summary: '' });
    const b = article({ feedId: 'milenio', fingerprint: 'abababababababab', title: 'Live updates', summary: '' });
    expect(await store.saveArticles([a])).toMatchObject({ added: 1 });
    expect(await store.saveArticles([b])).toMatchObject({ added: 1, merged: 0 });
  });

  it('merges wire copies within one batch, and not from the same feed', async () => {
    const first = article({ feedId: 'ap', fingerprint: '0123456789abcdef', language: 'en' });
    const copy = article({ feedId: 'nyt', fingerprint: flip('0123456789abcdef', 2), language: 'en' });
    const sameFeed = article({ feedId: 'ap', fingerprint: flip('0123456789abcdef', 1), language: 'en' });
    expect(await store.saveArticles([first, copy, sameFeed])).toEqual({ added: 2, updated: 0, merged: 1, unchanged: 0 });
  });

  it('returns articles of a half-open window in publishedAt order, across chunks', async () => {
    const base = Date.parse('2024-01-01T00:00:00Z');
    const items = Array.from({ length: 1200 }, (_, i) =>
      article({ feedId: 'bulk', id: `bulk-${i}`, publishedAt: new Date(base + ((i * 37) % 1200) * 60_000).toISOString(), fingerprint: (BigInt(i) * 0x9e3779b97f4a7c15n % (1n << 64n)).toString(16).padStart(16, '0') }),
    );
    await store.saveArticles(items);
    const from = new Date(base + 100 * 60_000);
    const to = new Date(base + 1100 * 60_000);
    const got = await store.articlesBetween(from, to);
    expect(got).toHaveLength(1000);
    const times = got.map((a) => Date.parse(a.publishedAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times[0]).toBe(from.getTime());
    expect(Math.max(...times)).toBeLessThan(to.getTime());
  });

  it('keeps feed state', async () => {
    await store.putFeedState({ feedId: 'efe', etag: '"x"', consecutiveFailures: 0, itemsSeen: 3, articlesAdded: 2 });
    expect(await store.getFeedState('efe')).toMatchObject({ etag: '"x"', itemsSeen: 3 });
    expect(await store.getFeedState('nope')).toBeUndefined();
  });
});

describe('digests', () => {
  const digest = (id: string, periodEnd: string): Digest => ({
    id,
    title: `Frontera ${id}`,
    periodStart: '2025-03-03T00:00:00.000Z',
    periodEnd,
    createdAt: periodEnd,
    status: 'draft',
    articleCount: 12,
    outletCount: 5,
    themes: [],
  });

  it('round-trips digests, rendered mail, status and story history', async () => {
    await store.saveDigest(digest('2025-w11', '2025-03-17T00:00:00.000Z'), { subject: 'S11', html: '<p>11</p>', text: '11' });
    await store.saveDigest(digest('2025-w10', '2025-03-10T00:00:00.000Z'), { subject: 'S10', html: '<p>10</p>', text: '10' });
    expect((await store.getDigest('2025-w10'))?.title).toBe('Frontera 2025-w10');
    expect(await store.getRendered('2025-w11')).toEqual({ subject: 'S11', html: '<p>11</p>', text: '11' });
    expect((await store.latestDigest())?.id).toBe('2025-w11');
    expect((await store.listDigests(5)).map((d) => d.id)).toEqual(['2025-w11', '2025-w10']);
    await store.setDigestStatus('2025-w11', 'approved');
    expect((await store.getDigest('2025-w11'))?.status).toBe('approved');
    await expect(store.setDigestStatus('missing', 'sent')).rejects.toMatchObject({ code: 'DIGEST_NOT_FOUND' });
    await store.recordStories('2025-w10', ['s1', 's2']);
    await store.recordStories('2025-w11', ['s2']);
    expect(await store.storyHistory(['s1', 's2', 's3'])).toEqual(new Map([['s1', '2025-w10'], ['s2', '2025-w11']]));
  });
});

describe('subscribers', () => {
  it('changes status only from the statuses allowed, atomically (a sign-up never demotes a confirmed reader)', async () => {
    const c = await store.upsertSubscriber({ email: 'kept@example.org', status: 'confirmed' });
    const again = await store.upsertSubscriber({ email: 'kept@example.org', status: 'pending', onlyFrom: ['pending', 'unsubscribed'] });
    expect(again).toMatchObject({ id: c.id, status: 'confirmed' });
    await store.setSubscriberStatus(c.id, 'unsubscribed');
    const back = await store.upsertSubscriber({ email: 'kept@example.org', status: 'pending', onlyFrom: ['pending', 'unsubscribed'] });
    expect(back.status).toBe('pending');
    expect((await store.listSubscribers('unsubscribed')).map((s) => s.id)).not.toContain(c.id);
  });

  it('grants one confirmation slot per inbox until it expires or is released', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimMailboxSlot('mbox-hash', 150)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.claimMailboxSlot('mbox-hash', 150)).toBe(true);
    await store.releaseMailboxSlot('mbox-hash');
    expect(await store.claimMailboxSlot('mbox-hash', 60_000)).toBe(true);
  });

  it('upserts by case-insensitive, trimmed email and keeps status sets', async () => {
    const a = await store.upsertSubscriber({ email: 'Ana.Lopez@Example.org', name: 'Ana López', status: 'pending' });
    expect(a.id).toMatch(/^sub_/);
    const b = await store.upsertSubscriber({ email: '  ana.lopez@example.ORG ', status: 'confirmed' });
    expect(b.id).toBe(a.id);
    expect(b).toMatchObject({ email: 'Ana.Lopez@Example.org', name: 'Ana López', status: 'confirmed' });
    expect((await store.findByEmail('ANA.LOPEZ@example.org'))?.id).toBe(a.id);
    expect((await store.listSubscribers('confirmed')).map((s) => s.id)).toContain(a.id);
    expect((await store.listSubscribers('pending')).map((s) => s.id)).not.toContain(a.id);
    expect((await store.setSubscriberStatus(a.id, 'unsubscribed'))?.status).toBe('unsubscribed');
    expect(await store.setSubscriberStatus('sub_nope', 'confirmed')).toBeUndefined();
    expect(await store.removeSubscriber(a.id)).toBe(true);
    expect(await store.findByEmail('ana.lopez@example.org')).toBeUndefined();
    expect((await store.listSubscribers()).map((s) => s.id)).not.toContain(a.id);
    expect(await store.removeSubscriber(a.id)).toBe(false);
  });

  it('turns concurrent upserts of one address into one subscriber', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.upsertSubscriber({ email: i % 2 ? 'RACE@example.org' : 'race@example.org', status: 'pending' })),
    );
    expect(new Set(results.map((s) => s.id)).size).toBe(1);
    expect((await store.listSubscribers()).filter((s) => s.email.toLowerCase() === 'race@example.org')).toHaveLength(1);
  });
});

describe('delivery ledger', () => {
  async function confirmed(email: string) {
    return (await store.upsertSubscriber({ email, status: 'confirmed' })).id;
  }

  it('lets exactly one of 50 concurrent claims win', async () => {
    const id = await confirmed('claim@example.org');
    await store.freezeAudience('d-claim', [id]);
    // A second connection too, so the race is not just one socket's FIFO.
    const other = new Redis(server.url);
    const store2 = createRedisStore(other, 'test-store');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? store : store2).claimDelivery('d-claim', id)));
    other.disconnect();
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(results.filter((r) => !r.claimed && r.reason === 'already-claimed')).toHaveLength(49);
    expect(await store.getDelivery('d-claim', id)).toMatchObject({ state: 'sending', attempts: 1 });
  });

  it('freezes the audience once and refuses outsiders', async () => {
    const a = await confirmed('a@example.org');
    const b = await confirmed('b@example.org');
    expect(await store.freezeAudience('d-freeze', [a])).toEqual([a]);
    expect(await store.freezeAudience('d-freeze', [a, b])).toEqual([a]);
    expect(await store.audience('d-freeze')).toEqual([a]);
    expect(await store.claimDelivery('d-freeze', b)).toEqual({ claimed: false, reason: 'not-in-audience' });
    expect(await store.freezeAudience('d-empty', [])).toEqual([]);
    expect(await store.freezeAudience('d-empty', [a])).toEqual([]);
  });

  it('honours an unsubscribe up to the claim', async () => {
    const id = await confirmed('leaving@example.org');
    await store.freezeAudience('d-unsub', [id]);
    await store.setSubscriberStatus(id, 'unsubscribed');
    expect(await store.claimDelivery('d-unsub', id)).toEqual({ claimed: false, reason: 'unsubscribed', state: 'skipped' });
  });

  it('records outcomes, retries failures, suppresses bounces and counts', async () => {
    const ids = await Promise.all(['s1', 's2', 's3', 's4', 's5'].map((s) => confirmed(`${s}@example.org`)));
    const [s1, s2, s3, s4] = ids as [string, string, string, string];
    await store.freezeAudience('d-out', ids);
    for (const id of [s1, s2, s3, s4]) expect((await store.claimDelivery('d-out', id)).claimed).toBe(true);
    await store.recordOutcome('d-out', s1, { state: 'sent', messageId: '<m1@x>' });
    await store.recordOutcome('d-out', s2, { state: 'bounced', error: '550 no such user' });
    await store.recordOutcome('d-out', s3, { state: 'failed', error: '421 try later' });
    expect(await store.deliveryCounts('d-out')).toEqual({ pending: 1, sending: 1, sent: 1, failed: 1, bounced: 1, uncertain: 0, skipped: 0 });

    expect((await store.getSubscriber(s2))?.status).toBe('bounced');
    expect((await store.listSubscribers('confirmed')).map((s) => s.id)).not.toContain(s2);
    expect(await store.getDelivery('d-out', s1)).toMatchObject({ state: 'sent', messageId: '<m1@x>', attempts: 1 });

    expect(await store.claimDelivery('d-out', s1)).toEqual({ claimed: false, reason: 'already-claimed', state: 'sent' });
    // A failed delivery is retried only when a new send puts it back to pending.
    expect(await store.claimDelivery('d-out', s3)).toEqual({ claimed: false, reason: 'already-claimed', state: 'failed' });
    const replanned: string[] = [];
    expect(await store.requeuePending('d-out', async (chunk) => void replanned.push(...chunk))).toEqual({ requeued: 1, pending: 2 });
    expect(replanned.sort()).toEqual([s3, ids[4]!].sort());
    expect(await store.claimDelivery('d-out', s3)).toMatchObject({ claimed: true });
    expect(await store.getDelivery('d-out', s3)).toMatchObject({ state: 'sending', attempts: 2 });
    await store.recordOutcome('d-out', s3, { state: 'sent', messageId: '<m3@x>' });
    await store.recordOutcome('d-out', s3, { state: 'sent', messageId: '<m3@x>' }); // a retried record is a no-op
    await store.recordOutcome('d-out', s4, { state: 'uncertain', error: 'connection lost after DATA' });
    expect(await store.claimDelivery('d-out', s4)).toMatchObject({ claimed: false, reason: 'already-claimed', state: 'uncertain' });
    await expect(store.recordOutcome('d-out', s1, { state: 'failed' })).rejects.toMatchObject({ code: 'LEDGER_STATE' });
    expect(await store.deliveryCounts('d-out')).toEqual({ pending: 1, sending: 0, sent: 2, failed: 0, bounced: 1, uncertain: 1, skipped: 0 });
  });

  it('gives a claim a lease: its owner may claim again after a lost reply, an expired one becomes uncertain', async () => {
    const [a, b] = await Promise.all(['lease-a', 'lease-b'].map((s) => confirmed(`${s}@example.org`)));
    await store.freezeAudience('d-lease', [a!, b!]);
    const mine = { owner: 'w1:x', leaseMs: 60_000 };
    expect(await store.claimDelivery('d-lease', a!, mine)).toMatchObject({ claimed: true });
    expect(await store.claimDelivery('d-lease', a!, mine)).toMatchObject({ claimed: true });
    expect(await store.claimDelivery('d-lease', a!, { owner: 'w2:y', leaseMs: 60_000 })).toMatchObject({ claimed: false, state: 'sending' });
    expect(await store.claimDelivery('d-lease', b!, { owner: 'w1:z', leaseMs: 1 })).toMatchObject({ claimed: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.expireLeases('d-lease')).toBe(1);
    expect(await store.getDelivery('d-lease', b!)).toMatchObject({ state: 'uncertain', error: expect.stringContaining('lease expired') });
    expect(await store.getDelivery('d-lease', a!)).toMatchObject({ state: 'sending', leaseUntil: expect.any(String) });
    expect(await store.renewLease('d-lease', a!, { owner: 'w2:y', leaseMs: 1 })).toBe(false);
    // The sender that outlived its lease still records the truth.
    await store.recordOutcome('d-lease', b!, { state: 'sent', messageId: '<b@x>' });
    expect(await store.deliveryCounts('d-lease')).toMatchObject({ sending: 1, sent: 1, uncertain: 0 });
  });

  it('trips the breaker after a run of policy rejections, and an acceptance resets the run', async () => {
    const ids = await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5'].map((s) => confirmed(`${s}@breaker.example`)));
    await store.freezeAudience('d-brk', ids);
    const policyFail = async (id: string) => {
      await store.claimDelivery('d-brk', id);
      await store.recordOutcome('d-brk', id, { state: 'failed', error: '550 5.7.1 blocked', policy: true, tripAfter: 2 });
    };
    await policyFail(ids[0]!);
    await store.claimDelivery('d-brk', ids[1]!);
    await store.recordOutcome('d-brk', ids[1]!, { state: 'sent' });
    await policyFail(ids[2]!);
    expect(await store.sendBreaker('d-brk')).toEqual({ consecutive: 1 });
    await policyFail(ids[3]!);
    expect(await store.sendBreaker('d-brk')).toMatchObject({ consecutive: 2, trippedAt: expect.any(String), reason: '550 5.7.1 blocked' });
    expect(await store.claimDelivery('d-brk', ids[4]!)).toEqual({ claimed: false, reason: 'paused' });
    expect(await store.resumeSend('d-brk')).toBe(true);
    expect(await store.claimDelivery('d-brk', ids[4]!)).toMatchObject({ claimed: true });
  });

  it('streams the confirmed subscribers into the audience in chunks, once', async () => {
    const chunks: string[][] = [];
    const first = await store.freezeConfirmed('d-stream', async (ids) => void chunks.push(ids), { chunkSize: 2 });
    const confirmedIds = (await store.listSubscribers('confirmed')).map((s) => s.id).sort();
    expect(first).toEqual({ frozenNow: true, audience: confirmedIds.length });
    expect(chunks.flat().sort()).toEqual(confirmedIds);
    expect(await store.freezeConfirmed('d-stream', async () => expect.fail('frozen twice'))).toEqual({ frozenNow: false, audience: confirmedIds.length });
  });
});
