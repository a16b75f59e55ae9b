import { describe, expect, it } from 'vitest';
import { clusterStories, clusterTerms, matchPreviousStories, storyId } from '../../src/domain/stories.ts';
import { FIXTURE_EVENTS, fixtureArticles, makeArticle } from './article-factory.ts';

/** Cluster membership as sorted lists of article ids, sorted, so order changes do not matter. */
function groupsOf(clusters: { articles: { id: string }[] }[]): string[][] {
  return clusters.map((c) => c.articles.map((a) => a.id).sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

// Related but different events: they share "tariffs", "CJNG", "Mexico" with the fixture's events.
const nearMisses = [
  makeArticle({
    id: 'noise-steel', hour: 50, feedId: 'bloomberg', outlet: 'Bloomberg',
    title: 'US extends steel tariffs to Canada and Mexico',
    summary: 'The Commerce Department said steel tariffs of 25% would apply to Canada and Mexico from next month.',
  }),
  makeArticle({
    id: 'noise-cjng-finance', hour: 100, feedId: 'reuters', outlet: 'Reuters',
    title: 'Mexico arrests CJNG finance chief in Jalisco',
    summary: 'Mexican authorities arrested a man described as the finance chief of the CJNG in Guadalajara, Jalisco.',
  }),
];

describe('clusterStories', () => {
  const articles = [...fixtureArticles(), ...nearMisses];

  it('groups each event across outlets and languages, and leaves unrelated items alone', () => {
    const groups = groupsOf(clusterStories(articles));
    for (const event of FIXTURE_EVENTS) {
      const expected = articles.filter((a) => a.id.startsWith(`${event}-`)).map((a) => a.id).sort();
      expect(groups).toContainEqual(expected);
    }
    for (const noise of articles.filter((a) => a.id.startsWith('noise-'))) {
      expect(groups).toContainEqual([noise.id]);
    }
  });

  it('joins a Spanish and an English report of one arrest through shared names and numbers', () => {
    const pair = articles.filter((a) => a.id === 'zambada-reuters' || a.id === 'zambada-universal');
    expect(clusterStories(pair)).toHaveLength(1);
  });

  it('keeps the same text apart when published further apart than the gap', () => {
    const first = makeArticle({ id: 'a', hour: 0, title: 'Marines seize fentanyl lab in Sinaloa', summary: 'Marines seized a fentanyl lab near Culiacán.' });
    const later = makeArticle({ id: 'b', hour: 240, title: 'Marines seize fentanyl lab in Sinaloa', summary: 'Marines seized a fentanyl lab near Culiacán.' });
    expect(clusterStories([first, later])).toHaveLength(2);
    expect(clusterStories([first, later], { maxGapHours: 300 })).toHaveLength(1);
  });

  it('is deterministic whatever the input order, with ids from the earliest article', () => {
    const once = clusterStories(articles);
    const reversed = clusterStories([...articles].reverse());
    expect(reversed.map((c) => [c.id, c.articles.map((a) => a.id)])).toEqual(once.map((c) => [c.id, c.articles.map((a) => a.id)]));
    for (const cluster of once) {
      const times = cluster.articles.map((a) => a.publishedAt);
      expect([...times].sort()).toEqual(times);
      expect(cluster.id).toBe(storyId(cluster.articles[0]!.id));
    }
    expect(new Set(once.map((c) => c.id)).size).toBe(once.length);
  });

  it('returns nothing for nothing and ignores duplicate ids', () => {
    expect(clusterStories([])).toEqual([]);
    const one = fixtureArticles()[0]!;
    expect(clusterStories([one, one])).toEqual([{ id: storyId(one.id), articles: [one] }]);
  });
});

describe('matchPreviousStories', () => {
  const articles = fixtureArticles();
  const clusters = clusterStories(articles);
  const zambada = clusters.find((c) => c.articles.some((a) => a.id === 'zambada-ap'))!;
  const tariff = clusters.find((c) => c.articles.some((a) => a.id === 'tariff-nyt'))!;

  it('lets a cluster inherit the id of an earlier story it shares an article with', () => {
    const matches = matchPreviousStories(clusters, [
      { id: 's_last_week', articleIds: ['zambada-ap', 'some-old-article'] },
      { id: 's_unrelated', articleIds: ['gone'] },
    ]);
    expect(matches.get(zambada.id)).toBe('s_last_week');
    expect(matches.size).toBe(1);
  });

  it('gives each earlier story to one cluster only, the one sharing most articles', () => {
    const matches = matchPreviousStories(clusters, [{ id: 's_old', articleIds: ['tariff-nyt', 'tariff-reforma', 'zambada-ap'] }]);
    expect(matches.get(tariff.id)).toBe('s_old');
    expect(matches.has(zambada.id)).toBe(false);
  });

  it('recognises a continuing story with all-new articles by its stored terms', () => {
    const followUp = [
      makeArticle({
        id: 'zambada-week2', hour: 200, title: 'Ismael Zambada Sicairos appears before judge after Culiacán arrest',
        summary: 'Ismael Zambada Sicairos, son of Sinaloa cartel co-founder "El Mayo" Zambada, appeared before a federal judge.',
      }),
    ];
    const next = clusterStories(followUp);
    const terms = clusterTerms(zambada.articles);
    expect(terms).toContain('zambada');
    const matches = matchPreviousStories(next, [{ id: zambada.id, articleIds: zambada.articles.map((a) => a.id), terms }]);
    expect(matches.get(next[0]!.id)).toBe(zambada.id);
    expect(matchPreviousStories(next, [{ id: 's_x', articleIds: [], terms: ['tariff', 'peso', 'aranceles', 'trump'] }]).size).toBe(0);
  });

  it('is stable across runs', () => {
    const previous = [{ id: 's_prev', articleIds: ['drone-ap'] }];
    const a = matchPreviousStories(clusterStories(articles), previous);
    const b = matchPreviousStories(clusterStories([...articles].reverse()), previous);
    expect([...a]).toEqual([...b]);
  });
});
