import { describe, expect, it } from 'vitest';
import type { FeedConfig } from '../../src/domain/model.ts';
import { missingSources } from '../../src/pipeline/missing-sources.ts';
import type { FeedState } from '../../src/pipeline/ports.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { makeDigestFixture } from './digest-fixture.ts';

const from = new Date('2026-11-20T13:00:00Z');
const to = new Date('2026-11-27T13:00:00Z');
const feed = (id: string, enabled = true): FeedConfig => ({ id, name: `Outlet ${id}`, url: `https://${id}.example/rss`, language: 'es', country: 'MX', weight: 1, enabled });
const state = (feedId: string, s: Partial<FeedState>): FeedState => ({ feedId, consecutiveFailures: 0, itemsSeen: 0, articlesAdded: 0, ...s });

describe('missingSources', () => {
  it('names feeds that failed in the window and never succeeded since it began', async () => {
    const states = new Map<string, FeedState>([
      ['down', state('down', { lastSuccessAt: '2026-11-18T00:00:00Z', lastFailureAt: '2026-11-27T10:00:00Z', consecutiveFailures: 56 })],
      ['new-and-broken', state('new-and-broken', { lastFailureAt: '2026-11-25T10:00:00Z' })],
      ['recovered', state('recovered', { lastSuccessAt: '2026-11-24T00:00:00Z', lastFailureAt: '2026-11-26T00:00:00Z' })],
      ['fine', state('fine', { lastSuccessAt: '2026-11-27T12:00:00Z' })],
      ['failed-before', state('failed-before', { lastFailureAt: '2026-11-19T00:00:00Z' })],
      ['disabled', state('disabled', { lastFailureAt: '2026-11-26T00:00:00Z' })],
    ]);
    const store = { getFeedState: async (id: string) => states.get(id) };
    const feeds = [...states.keys(), 'never-tried'].map((id) => feed(id, id !== 'disabled'));
    expect(await missingSources(store, feeds, from, to)).toEqual(['Outlet down', 'Outlet new-and-broken']);
  });
});

describe('the missing-sources note in the digest', () => {
  it('names each outlet once, escaped, in the HTML and the text', async () => {
    const digest = { ...makeDigestFixture(), missingSources: ['Milenio', '<b onmouseover=x>Proceso</b> & Co'] };
    const r = await renderDigest(digest, { publicUrl: 'https://frontera.test', postalAddress: 'Apartado 1, CDMX' });
    expect(r.text).toContain('Missing this week: Milenio and <b onmouseover=x>Proceso</b> & Co. Their feeds failed every time we tried');
    expect(r.html).toContain('Missing this week: Milenio and &lt;b onmouseover=x&gt;Proceso&lt;/b&gt; &amp; Co.');
    expect(r.html).not.toContain('<b onmouseover');
    const without = await renderDigest(makeDigestFixture(), { publicUrl: 'https://frontera.test', postalAddress: 'Apartado 1, CDMX' });
    expect(without.html).not.toContain('Missing this week');
  });
});
