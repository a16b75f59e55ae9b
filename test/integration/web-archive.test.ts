import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/domain/model.ts';
import { PLACEHOLDERS } from '../../src/templates/personalize.ts';
import { startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';
import { HOSTILE_HEADLINE, makeDigestFixture } from '../unit/digest-fixture.ts';

/** The public archive over HTTP: listing, pages, the issue page and its Atom feed. */

let s: ReaderStack;
const week = (n: number) => new Date(Date.UTC(2026, 0, 5 + 7 * n));
const RENDERED = {
  subject: 'Frontera weekly',
  html: `<p>You are receiving this because ${PLACEHOLDERS.email} subscribed</p><a href="${PLACEHOLDERS.unsubscribeUrl}">Unsubscribe</a>`,
  text: 'x',
};

function issue(n: number, status: Digest['status']): Digest {
  const base = makeDigestFixture();
  return {
    ...base,
    id: `2026-w${String(n).padStart(2, '0')}`,
    status,
    periodStart: week(n - 1).toISOString(),
    periodEnd: week(n).toISOString(),
    createdAt: week(n).toISOString(),
    title: `Frontera weekly · ${n}`,
  };
}

beforeAll(async () => {
  s = await startReaderStack({ workers: false });
  // 12 sent issues, then one being sent, one approved (not yet out) and one draft, newest last.
  for (let n = 1; n <= 12; n++) await s.app.store.saveDigest(issue(n, 'sent'), RENDERED);
  await s.app.store.saveDigest(issue(13, 'sending'), RENDERED);
  await s.app.store.saveDigest(issue(14, 'approved'), RENDERED);
  await s.app.store.saveDigest(issue(15, 'draft'), RENDERED);
});
afterAll(async () => s?.stop());

const get = (path: string) => fetch(`${s.base}${path}`);

describe('/archive', () => {
  it('lists sent issues newest first, ten a page, with date ranges and top headlines, never drafts', async () => {
    const res = await get('/archive');
    expect(res.status).toBe(200);
    const page = await res.text();
    const ids = [...page.matchAll(/\/archive\/(2026-w\d\d)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['2026-w13', '2026-w12', '2026-w11', '2026-w10', '2026-w09', '2026-w08', '2026-w07', '2026-w06', '2026-w05', '2026-w04']);
    expect(page).toMatch(/\d+–\d+ March 2026/);
    expect(page).toContain('Mexico sends 26 cartel suspects');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('rel="next"');
    const second = await (await get('/archive?page=2')).text();
    expect([...second.matchAll(/\/archive\/(2026-w\d\d)"/g)].map((m) => m[1])).toEqual(['2026-w03', '2026-w02', '2026-w01']);
    expect(second).toContain('rel="prev"');
    expect(second).not.toContain('rel="next"');
  });

  it('answers bad page numbers with 400 and a reason, and a page past the end with 404', async () => {
    for (const q of ['page=0', 'page=abc', 'page=1&page=2', 'page=-1', 'page=999999']) {
      const res = await get(`/archive?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.text()).toContain('whole number');
    }
    expect((await get('/archive?page=9')).status).toBe(404);
  });

  it('serves an issue page with no personal data, a clean footer, safe links and a subscribe form', async () => {
    const res = await get('/archive/2026-w12');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain('%%FRONTERA');
    expect(page).not.toContain('You are receiving this');
    expect(page).not.toMatch(/>Unsubscribe</);
    expect(page).toContain('<form method="post" action="' + s.base + '/subscribe">');
    expect(page).toContain('name="website"');
    // One date range in the title, not the title and the range both.
    const title = /<title>([^<]*)<\/title>/.exec(page)![1]!;
    expect(title.match(/2026/g)).toHaveLength(1);
    expect(page).not.toContain('javascript:');
    expect(page).toContain(HOSTILE_HEADLINE.replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;'));
    expect(page).toContain('href="https://www.milenio.com/policia/nota-1?a=1&amp;b=2"');
    expect((await get('/archive/2026-w14')).status).toBe(200);
    expect((await get('/archive/2026-w15')).status).toBe(404);
    expect((await get('/archive/nope')).status).toBe(404);
    expect((await get(`/archive/${'a'.repeat(81)}`)).status).toBe(404);
    expect((await get('/archive/a%2E%2E%2Fb')).status).toBe(404);
  });

  it('publishes an Atom feed of the issues that a feed reader parses', async () => {
    const res = await get('/archive/feed.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await res.text();
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('Frontera weekly');
    expect(feed.items).toHaveLength(13);
    expect(feed.items[0]!.link).toBe(`${s.base}/archive/2026-w13`);
    expect(feed.items.map((i) => i.link)).not.toContain(`${s.base}/archive/2026-w15`);
    expect(xml).not.toContain('<script>');
  });

  it('links the latest issue from the sign-up page as a sample', async () => {
    const home = await (await get('/')).text();
    expect(home).toContain(`See a sample: <a href="${s.base}/archive/2026-w13">`);
  });
});
