import { describe, expect, it } from 'vitest';
import { composeDigest, formatPeriod, type ComposeInput } from '../../src/domain/digest.ts';
import type { FeedConfig, TopicConfig } from '../../src/domain/model.ts';
import { clusterStories } from '../../src/domain/stories.ts';
import { assignTheme } from '../../src/domain/themes.ts';
import { storiesRunBefore } from '../../src/pipeline/build-digest.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { BASE_TIME, fixtureArticles, makeArticle } from './article-factory.ts';

const topic: TopicConfig = {
  name: 'Mexico security',
  terms: { cartel: 2 },
  anchors: ['mexico'],
  negative: {},
  threshold: 2,
  themes: [
    { id: 'extraditions', title: 'Extraditions and transfers', terms: { 'mass transfer': 3, envio: 2, reos: 2, prisoners: 2 } },
    { id: 'trade', title: 'Tariffs and trade', terms: { tariff: 2, tariffs: 2, aranceles: 2, peso: 1 } },
    { id: 'security', title: 'Security operations', terms: { arrested: 2, captured: 2, detuvieron: 2, drones: 2, militares: 1 } },
  ],
  otherTheme: { id: 'other', title: 'Also this week' },
};

const feeds: FeedConfig[] = [
  ['reuters', 'Reuters', 'en', 'INT'],
  ['ap', 'Associated Press', 'en', 'US'],
  ['nyt', 'The New York Times', 'en', 'US'],
  ['bloomberg', 'Bloomberg', 'en', 'US'],
  ['universal', 'El Universal', 'es', 'MX'],
  ['milenio', 'Milenio', 'es', 'MX'],
  ['financiero', 'El Financiero', 'es', 'MX'],
  ['reforma', 'Reforma', 'es', 'MX'],
  ['proceso', 'Proceso', 'es', 'MX'],
  ['jornada', 'La Jornada', 'es', 'MX'],
].map(([id, name, language, country]) => ({
  id: id!, name: name!, url: `https://${id}.example/feed`, language: language as 'en' | 'es',
  country: country as 'MX' | 'US' | 'INT', weight: 1, enabled: true,
}));

function input(overrides: Partial<ComposeInput> = {}): ComposeInput {
  return {
    id: 'd_2026_47',
    articles: fixtureArticles(),
    topic,
    feeds,
    period: { start: new Date(BASE_TIME), end: new Date(BASE_TIME + 7 * 86_400_000) },
    now: new Date(BASE_TIME + 7 * 86_400_000 + 3_600_000),
    history: new Map(),
    limits: { maxStories: 10, maxPerTheme: 5 },
    ...overrides,
  };
}

describe('composeDigest', () => {
  it('returns undefined when no article is relevant', () => {
    expect(composeDigest(input({ articles: fixtureArticles().map((a) => ({ ...a, relevance: 1 })) }))).toBeUndefined();
    expect(composeDigest(input({ articles: [] }))).toBeUndefined();
    expect(composeDigest(input({ minRelevance: 99 }))).toBeUndefined();
  });

  it('builds a draft with themes ordered by their most important story, other last, and empty themes dropped', () => {
    const digest = composeDigest(input())!;
    expect(digest.title).toBe('Frontera weekly · 20–27 Nov 2026');
    expect(digest.status).toBe('draft');
    expect(digest.articleCount).toBe(16);
    expect(digest.themes.map((t) => t.id).sort()).toEqual(['extraditions', 'other', 'security', 'trade']);
    expect(digest.themes.at(-1)!.id).toBe('other');
    const firstScores = digest.themes.slice(0, -1).map((t) => t.stories[0]!.score);
    expect(firstScores).toEqual([...firstScores].sort((a, b) => b - a));
    // The lead: the best-ranked stories of the issue, most important first.
    const all = digest.themes.flatMap((t) => t.stories).sort((a, b) => b.score - a.score);
    expect(digest.lead!.length).toBeGreaterThanOrEqual(Math.min(3, all.length));
    expect(digest.lead!.slice(0, 3)).toEqual(all.slice(0, 3).map((s) => s.id));
    const security = digest.themes.find((t) => t.id === 'security')!;
    expect(security.stories).toHaveLength(2);
    expect(security.stories[0]!.score).toBeGreaterThanOrEqual(security.stories[1]!.score);
    const zambada = security.stories.find((s) => s.articles.some((a) => a.id === 'zambada-ap'))!;
    // Wire copies count as outlets.
    expect(zambada.outlets).toEqual(expect.arrayContaining(['Associated Press', 'ABC News', 'PBS', 'Reuters', 'El Universal', 'Milenio']));
    expect(zambada.firstPublishedAt <= zambada.lastPublishedAt).toBe(true);
    expect(zambada.continuesFrom).toBeUndefined();

    const noTrade = composeDigest(input({ articles: fixtureArticles().filter((a) => !a.id.startsWith('tariff-')) }))!;
    expect(noTrade.themes.map((t) => t.id).sort()).toEqual(['extraditions', 'other', 'security']);
  });

  it('caps stories per theme and overall, keeping the best ranked', () => {
    const perTheme = composeDigest(input({ limits: { maxStories: 10, maxPerTheme: 1 } }))!;
    for (const theme of perTheme.themes) expect(theme.stories).toHaveLength(1);
    const full = composeDigest(input())!;
    const best = full.themes.find((t) => t.id === 'security')!.stories[0]!.id;
    expect(perTheme.themes.find((t) => t.id === 'security')!.stories[0]!.id).toBe(best);

    const overall = composeDigest(input({ limits: { maxStories: 2, maxPerTheme: 5 } }))!;
    const kept = overall.themes.flatMap((t) => t.stories);
    expect(kept).toHaveLength(2);
    const topTwo = full.themes.flatMap((t) => t.stories).map((s) => s.score).sort((a, b) => b - a).slice(0, 2);
    expect(kept.map((s) => s.score).sort((a, b) => b - a)).toEqual(topTwo);
  });

  it('marks a continuing story, inheriting the earlier id, with an archive link when publicUrl is set', () => {
    const drone = clusterStories(fixtureArticles()).find((c) => c.articles.some((a) => a.id === 'drone-ap'))!;
    expect(assignTheme(drone.articles, topic)).toBe('security');
    const previousStories = [{ id: 's_from_last_week', articleIds: ['drone-ap'] }];
    const history = new Map([['s_from_last_week', 'd_2026_46']]);
    const linked = composeDigest(input({ previousStories, history, publicUrl: 'https://frontera.example/' }))!;
    const story = linked.themes.flatMap((t) => t.stories).find((s) => s.id === 's_from_last_week')!;
    expect(story.articles.map((a) => a.id)).toContain('drone-ap');
    expect(story.continuesFrom).toEqual({ digestId: 'd_2026_46', url: 'https://frontera.example/archive/d_2026_46' });

    const plain = composeDigest(input({ previousStories, history }))!;
    const again = plain.themes.flatMap((t) => t.stories).find((s) => s.id === 's_from_last_week')!;
    expect(again.continuesFrom).toEqual({ digestId: 'd_2026_46' });
  });

  it('is deterministic', () => {
    const a = composeDigest(input());
    const b = composeDigest(input({ articles: [...fixtureArticles()].reverse() }));
    expect(b).toEqual(a);
  });
});

describe('composeDigest: sources, languages and novelty', () => {
  const stories = (d: ReturnType<typeof composeDigest>) => d!.themes.flatMap((t) => t.stories);

  it('marks a story reported by a single outlet, in the data and in the rendered email', async () => {
    const digest = composeDigest(input())!;
    const single = stories(digest).filter((s) => s.outlets.length === 1);
    expect(single.map((s) => s.outlets[0]).sort()).toEqual(['El Universal', 'The New York Times']);
    for (const story of single) for (const sentence of story.summary) expect(sentence.sources.map((x) => x.outlet)).toEqual(story.outlets);
    const { html } = await renderDigest(digest, { publicUrl: 'https://frontera.example', postalAddress: 'CDMX' });
    expect(html.split('Single source').length - 1).toBe(single.length);
  });

  it('keeps every summary sentence sourced and in its story language', () => {
    for (const story of stories(composeDigest(input()))) {
      expect(story.summary.length).toBeGreaterThanOrEqual(1);
      expect(story.summary.length).toBeLessThanOrEqual(3);
      expect(story.summary.reduce((n, s) => n + s.text.split(/\s+/).length, 0)).toBeLessThanOrEqual(70);
      for (const sentence of story.summary) {
        expect(sentence.language).toBe(story.language);
        expect(sentence.sources.length).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('ranks a story readers saw last week lower unless it grew', () => {
    const drone = (d: ReturnType<typeof composeDigest>) => stories(d).find((s) => s.articles.some((a) => a.id === 'drone-ap'))!;
    const fresh = drone(composeDigest(input()));
    const all = fresh.articles.map((a) => a.id);
    const history = new Map([['s_drone', 'd_2026_46']]);
    const unchanged = drone(composeDigest(input({ previousStories: [{ id: 's_drone', articleIds: all }], history })));
    expect(unchanged.id).toBe('s_drone');
    expect(unchanged.score).toBeCloseTo(fresh.score / 2, 2);
    // Two new articles against a story of five last week: 2/7 of the coverage is new.
    const grew = drone(composeDigest(input({ previousStories: [{ id: 's_drone', articleIds: ['drone-ap', 'w1', 'w2', 'w3', 'w4'] }], history })));
    expect(grew.score).toBeCloseTo(fresh.score * (0.5 + 0.5 * (2 / 7)), 2);
  });

  it('recognises a story continuing into a week that shares no article with the last one', () => {
    const lastWeek = composeDigest(input({ id: 'd_2026_46' }))!;
    const { history, previousStories } = storiesRunBefore([lastWeek]);
    const zambadaId = stories(lastWeek).find((s) => s.articles.some((a) => a.id === 'zambada-ap'))!.id;
    const followUps = [
      makeArticle({
        id: 'zambada2-reuters', hour: 180, feedId: 'reuters', outlet: 'Reuters',
        title: 'Judge orders Ismael Zambada Sicairos held after Culiacán arrest',
        summary: 'A federal judge ordered Ismael Zambada Sicairos, son of Sinaloa cartel co-founder Ismael "El Mayo" Zambada, held pending trial after his arrest in Culiacán.',
      }),
      makeArticle({
        id: 'zambada2-milenio', hour: 182, feedId: 'milenio', outlet: 'Milenio', language: 'es',
        title: 'Vinculan a proceso a Ismael Zambada Sicairos, hijo de "El Mayo"',
        summary: 'Un juez federal vinculó a proceso a Ismael Zambada Sicairos, detenido en Culiacán, Sinaloa.',
      }),
    ];
    const next = composeDigest(input({ id: 'd_2026_47', articles: followUps, history, previousStories }))!;
    const story = stories(next)[0]!;
    expect(story.id).toBe(zambadaId);
    expect(story.continuesFrom).toEqual({ digestId: 'd_2026_46' });
  });
});

describe('formatPeriod', () => {
  it('shortens shared month and year', () => {
    expect(formatPeriod(new Date('2026-11-28T00:00Z'), new Date('2026-12-05T00:00Z'))).toBe('28 Nov – 5 Dec 2026');
    expect(formatPeriod(new Date('2026-12-29T00:00Z'), new Date('2027-01-05T00:00Z'))).toBe('29 Dec 2026 – 5 Jan 2027');
  });
});
