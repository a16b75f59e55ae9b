import { describe, expect, it } from 'vitest';
import type { Article, Digest, TopicConfig } from '../../src/domain/model.ts';
import { buildDigest, MAX_HTML_BYTES, renderWithinLimit, type BuildDeps } from '../../src/pipeline/build-digest.ts';
import type { RenderedMail } from '../../src/pipeline/ports.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { BASE_TIME, makeArticle, type Copies } from './article-factory.ts';
import { makeStory } from './digest-fixture.ts';

/**
 * Gmail clips HTML past ~102 KB and hides the footer (unsubscribe link included), so a build must
 * never store an issue over the limit. Rendering is MJML only, so this needs no services.
 */

const ctx = { publicUrl: 'https://frontera.example', postalAddress: 'Apartado Postal 123, CDMX' };
const bytes = (html: string): number => Buffer.byteLength(html, 'utf8');
const storiesOf = (digest: Digest) => digest.themes.flatMap((t) => t.stories);

/** 30 stories whose every sentence cites 40 outlets: far over the limit when all are kept. */
function oversizedDigest(): Digest {
  const themes = ['security', 'relations', 'trade'].map((id, t) => ({
    id,
    title: `Theme ${id}`,
    stories: Array.from({ length: 10 }, (_, i) => makeStory(t * 10 + i, { theme: id, score: 1000 - (t * 10 + i) * 7 - (i % 3) })),
  }));
  const manySources = (story: Digest['themes'][number]['stories'][number]) => ({
    ...story,
    summary: story.summary.map((s) => ({
      ...s,
      sources: Array.from({ length: 40 }, (_, k) => ({
        articleId: `${story.id}-${k}`,
        outlet: `Outlet number ${k}`,
        url: `https://outlet-${k}.example/mexico/seguridad/${story.id}/una-nota-con-un-slug-largo-sobre-el-tema-${k}?utm_source=rss`,
      })),
    })),
  });
  return {
    id: 'd_size',
    title: 'Frontera weekly',
    periodStart: '2026-11-20T00:00:00.000Z',
    periodEnd: '2026-11-27T00:00:00.000Z',
    createdAt: '2026-11-27T06:00:00.000Z',
    status: 'draft',
    articleCount: 900,
    outletCount: 40,
    themes: themes.map((t) => ({ ...t, stories: t.stories.map(manySources) })),
  };
}

describe('renderWithinLimit', () => {
  it('leaves a digest that fits untouched', async () => {
    const digest = oversizedDigest();
    const small = { ...digest, themes: [{ ...digest.themes[0]!, stories: digest.themes[0]!.stories.slice(0, 2) }] };
    const out = await renderWithinLimit(small, ctx, MAX_HTML_BYTES);
    expect(out.digest).toBe(small);
    expect(out.htmlBytes).toBe(bytes(out.rendered.html));
  });

  it('drops the lowest-ranked stories, as few as needed, until the HTML fits', async () => {
    const digest = oversizedDigest();
    const full = await renderDigest(digest, ctx);
    expect(bytes(full.html)).toBeGreaterThan(2 * MAX_HTML_BYTES);

    const out = await renderWithinLimit(digest, ctx, MAX_HTML_BYTES);
    expect(out.htmlBytes).toBeLessThanOrEqual(MAX_HTML_BYTES);
    expect(bytes(out.rendered.html)).toBe(out.htmlBytes);
    // The footer (unsubscribe link) is in what is stored.
    expect(out.rendered.html).toContain('Unsubscribe');

    const kept = storiesOf(out.digest);
    const byRank = storiesOf(digest).sort((a, b) => b.score - a.score);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.map((s) => s.id).sort()).toEqual(byRank.slice(0, kept.length).map((s) => s.id).sort());
    // Minimal: keeping the next story in rank would not fit.
    const oneMore = { ...digest, themes: digest.themes.map((t) => ({ ...t, stories: t.stories.filter((s) => byRank.slice(0, kept.length + 1).includes(s)) })) };
    expect(bytes((await renderDigest(oneMore, ctx)).html)).toBeGreaterThan(MAX_HTML_BYTES);
    // Themes keep their order; emptied ones disappear.
    expect(out.digest.themes.every((t) => t.stories.length > 0)).toBe(true);
  });

  it('refuses a digest whose top story alone is over the limit', async () => {
    await expect(renderWithinLimit(oversizedDigest(), ctx, 4_000)).rejects.toThrow(/top story alone/);
  });
});

const topic: TopicConfig = {
  name: 'test',
  terms: { cartel: 2 },
  anchors: ['mexico'],
  negative: {},
  threshold: 2,
  themes: [{ id: 'security', title: 'Security', terms: { cartel: 1 } }],
  otherTheme: { id: 'other', title: 'Also this week' },
};

// Made-up names, so no two stories share a word the clustering could link them by.
const SYLLABLES = ['ka', 'lo', 'mi', 'tu', 're', 'sa', 'no', 'vi', 'de', 'pu', 'ze', 'gor'];
function name(n: number, salt: number): string {
  const s = (k: number) => SYLLABLES[(n * 7 + k * 5 + salt * 3) % SYLLABLES.length]!;
  return `${s(0)}${s(1)}${s(n % 5)}${SYLLABLES[n % SYLLABLES.length]}${n}x${salt}`;
}

/** One article per event, carried by 40 outlets, with three summary sentences of ~20 words each. */
function oversizedArticles(events: number): Article[] {
  return Array.from({ length: events }, (_, n) => {
    const copies: Copies = Array.from({ length: 40 }, (_, k) => [`wire-${k}`, `Wire outlet ${k}`]);
    const [a, b, c] = [name(n, 1), name(n, 2), name(n, 3)];
    return makeArticle({
      id: `event-${n}-with-a-long-identifier-for-a-long-url-path`,
      hour: 100 + (n % 40),
      relevance: 5 + (n % 7),
      copies,
      title: `Mexico ${a} ${b} operation in ${c}`,
      // Each event in words of its own: events that shared a template's wording would be one
      // story to the clustering, and this suite is about size, not grouping.
      summary: [0, 1, 2]
        .map((k) => Array.from({ length: 20 }, (_, w) => name(n, 5 + k * 20 + w)).join(' ') + '.')
        .join(' '),
    });
  });
}

function fakeDeps(articles: Article[], overrides: Partial<BuildDeps> = {}) {
  const saved: Array<{ digest: Digest; rendered: RenderedMail }> = [];
  const recorded: string[][] = [];
  const logs: Array<{ msg: string; obj: Record<string, unknown> }> = [];
  const log = (obj: Record<string, unknown>, msg: string) => logs.push({ msg, obj });
  const unused = () => Promise.reject(new Error('not used by buildDigest'));
  const deps: BuildDeps = {
    store: {
      saveDigest: async (digest, rendered) => void saved.push({ digest, rendered }),
      getDigest: async () => undefined,
      getRendered: unused,
      latestDigest: unused,
      listDigests: async () => [],
      setDigestStatus: unused,
      transitionDigest: unused,
      getDigestBase: unused,
      saveDigestBase: unused,
      storyHistory: unused,
      recordStories: async (_id, ids) => void recorded.push(ids),
      getFeedState: unused,
      putFeedState: unused,
      saveArticles: unused,
      articlesBetween: async () => articles,
      getArticle: unused,
    },
    clock: { now: () => new Date(BASE_TIME + 7 * 86_400_000) },
    logger: { info: log, warn: log, error: log, debug: log },
    topic,
    feeds: [],
    windowDays: 7,
    limits: { maxStories: 40, maxPerTheme: 40 },
    publicUrl: ctx.publicUrl,
    postalAddress: ctx.postalAddress,
    ...overrides,
  };
  return { deps, saved, recorded, logs };
}

describe('buildDigest size guarantee', () => {
  it('never stores an issue over the limit: drops the lowest-ranked stories and logs it', async () => {
    const { deps, saved, recorded, logs } = fakeDeps(oversizedArticles(30));
    const result = await buildDigest(deps);
    expect(result.status).toBe('built');
    expect(saved).toHaveLength(1);
    const { digest, rendered } = saved[0]!;
    expect(bytes(rendered.html)).toBeLessThanOrEqual(MAX_HTML_BYTES);
    const kept = storiesOf(digest);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(30);
    // What is recorded as having run, and reported, is what was kept.
    expect(recorded).toEqual([kept.map((s) => s.id)]);
    expect(result.status === 'built' && result.stories).toBe(kept.length);
    const trimmed = logs.find((l) => l.msg === 'digest.trimmed');
    expect(trimmed?.obj).toMatchObject({ stories: kept.length, dropped: 30 - kept.length, maxHtmlBytes: MAX_HTML_BYTES });
    // Both editions are stored and both fit: the larger one is what the log reports.
    const spanish = rendered.byLanguage!.es!;
    expect(bytes(spanish.html)).toBeLessThanOrEqual(MAX_HTML_BYTES);
    expect(spanish.html).toContain('<html lang="es"');
    expect(logs.find((l) => l.msg === 'digest.built')?.obj.htmlBytes).toBe(Math.max(bytes(rendered.html), bytes(spanish.html)));
  });

  it('takes the limit from its deps', async () => {
    const { deps, saved, logs } = fakeDeps(oversizedArticles(12), { maxHtmlBytes: 40_000 });
    await buildDigest(deps);
    expect(bytes(saved[0]!.rendered.html)).toBeLessThanOrEqual(40_000);
    expect(logs.some((l) => l.msg === 'digest.trimmed')).toBe(true);
  });

  it('does not trim or warn when the issue fits', async () => {
    const { deps, saved, logs } = fakeDeps(oversizedArticles(12), { limits: { maxStories: 2, maxPerTheme: 2 } });
    await buildDigest(deps);
    expect(storiesOf(saved[0]!.digest)).toHaveLength(2);
    expect(logs.some((l) => l.msg === 'digest.trimmed')).toBe(false);
  });

  it('stores nothing when even the top story does not fit', async () => {
    const { deps, saved } = fakeDeps(oversizedArticles(3), { maxHtmlBytes: 5_000 });
    await expect(buildDigest(deps)).rejects.toThrow(/over the 5000-byte limit/);
    expect(saved).toHaveLength(0);
  });
});
