import { describe, expect, it } from 'vitest';
import type { Article, Country } from '../../src/domain/model.ts';
import { novelty, rankStories, scoreStory, storyOutlets, type RankInput, type RankOptions } from '../../src/domain/ranking.ts';
import { BASE_TIME, makeArticle, type Copies } from './article-factory.ts';

const FEEDS: Array<[string, Country]> = [
  ['reuters', 'INT'], ['ap', 'US'], ['nyt', 'US'], ['wsj', 'US'],
  ['universal', 'MX'], ['milenio', 'MX'], ['proceso', 'MX'], ['reforma', 'MX'],
];

function opts(overrides: Partial<RankOptions> = {}): RankOptions {
  return {
    now: new Date(BASE_TIME + 48 * 3_600_000),
    feedWeights: new Map(),
    feedCountries: new Map(FEEDS),
    previousStoryIds: new Set(),
    ...overrides,
  };
}

/** One article per feed id, all published at `hour`. */
function coverage(id: string, feeds: string[], hour = 40, copies: Copies = []): Article[] {
  return feeds.map((feedId, i) =>
    makeArticle({ id: `${id}-${feedId}`, feedId, outlet: feedId.toUpperCase(), hour, title: `Story ${id}`, copies: i === 0 ? copies : [] }),
  );
}

const story = (id: string, articles: Article[], extra: Partial<RankInput> = {}): RankInput => ({ id, articles, ...extra });

describe('storyOutlets', () => {
  it('lists distinct outlets, wire copies included, each with its feed id', () => {
    const articles = [...coverage('s', ['ap'], 40, [['abc', 'ABC News']]), ...coverage('t', ['ap', 'milenio'])];
    expect([...storyOutlets(articles)]).toEqual([['AP', 'ap'], ['ABC News', 'abc'], ['MILENIO', 'milenio']]);
  });
});

describe('scoreStory', () => {
  it('ranks broader coverage higher: distinct outlets, not articles', () => {
    const three = scoreStory(story('a', coverage('a', ['ap', 'nyt', 'wsj'])), opts());
    const one = scoreStory(story('b', coverage('b', ['ap'])), opts());
    expect(three).toBeGreaterThan(one);
    // Five articles from one outlet are still one outlet.
    const repeats = ['1', '2', '3', '4', '5'].map((n) => makeArticle({ id: `r${n}`, feedId: 'ap', outlet: 'AP', hour: 40, title: 'x' }));
    expect(scoreStory(story('c', repeats), opts())).toBeCloseTo(one, 6);
  });

  it('counts Mexican and US outlets both, with a bonus when both sides cover the story', () => {
    const usOnly = scoreStory(story('a', coverage('a', ['ap', 'nyt'])), opts());
    const mxOnly = scoreStory(story('b', coverage('b', ['universal', 'milenio'])), opts());
    const both = scoreStory(story('c', coverage('c', ['ap', 'universal'])), opts());
    expect(mxOnly).toBeCloseTo(usOnly, 6);
    expect(both).toBeGreaterThan(usOnly * 1.2);
  });

  it('weighs outlets by their editorial weight', () => {
    const plain = scoreStory(story('a', coverage('a', ['ap', 'nyt'])), opts());
    const weighted = scoreStory(story('a', coverage('a', ['ap', 'nyt'])), opts({ feedWeights: new Map([['nyt', 3]]) }));
    expect(weighted).toBeGreaterThan(plain);
  });

  it('prefers recent coverage, never discounting old coverage below half', () => {
    const fresh = scoreStory(story('a', coverage('a', ['ap'], 47)), opts());
    const dayAndHalf = scoreStory(story('a', coverage('a', ['ap'], 11)), opts());
    const ancient = scoreStory(story('a', coverage('a', ['ap'], -2000)), opts());
    expect(fresh).toBeGreaterThan(dayAndHalf);
    expect(dayAndHalf / fresh).toBeCloseTo(0.75 / 0.99, 1);
    expect(ancient / fresh).toBeGreaterThan(0.5);
  });
});

describe('novelty', () => {
  const articles = coverage('a', ['ap', 'nyt', 'universal', 'milenio']);
  const seen = opts({ previousStoryIds: new Set(['a']) });

  it('is 1 for a story not seen before', () => {
    expect(novelty(story('a', articles), opts())).toBe(1);
    expect(novelty(story('a', articles, { newArticles: 0 }), opts())).toBe(1);
  });

  it('ranks a continuing story lower unless it grew', () => {
    const fresh = scoreStory(story('a', articles), opts());
    const stale = scoreStory(story('a', articles, { newArticles: 0 }), seen);
    const grewSome = scoreStory(story('a', articles, { newArticles: 2 }), seen);
    const allNew = scoreStory(story('a', articles, { newArticles: 4 }), seen);
    expect(stale).toBeCloseTo(fresh / 2, 6);
    expect(grewSome).toBeGreaterThan(stale);
    expect(grewSome).toBeLessThan(fresh);
    expect(allNew).toBeCloseTo(fresh, 6);
    // Unknown growth counts as half new.
    expect(novelty(story('a', articles), seen)).toBe(0.75);
  });

  it('measures growth against the size the story had when it ran, when given', () => {
    // Weekly windows share no article, so every article is new; a big story last week that gets
    // a little follow-up still ranks lower than one whose coverage dwarfs last week's.
    const followUp = novelty(story('a', articles, { newArticles: 4, previousSize: 20 }), seen);
    const surge = novelty(story('a', articles, { newArticles: 4, previousSize: 1 }), seen);
    expect(followUp).toBeCloseTo(0.5 + 0.5 * (4 / 24), 6);
    expect(surge).toBeCloseTo(0.9, 6);
  });
});

describe('rankStories', () => {
  it('orders by score, then by id, whatever the input order', () => {
    const input = [
      story('b', coverage('b', ['ap'])),
      story('z', coverage('z', ['ap', 'universal', 'milenio'])),
      story('a', coverage('a', ['nyt'])),
    ];
    const ranked = rankStories(input, opts());
    expect(ranked.map((s) => s.id)).toEqual(['z', 'a', 'b']);
    expect(rankStories([...input].reverse(), opts())).toEqual(ranked);
  });

  it('puts a brand-new story above an equally broad one readers saw last week', () => {
    const ranked = rankStories(
      [story('old', coverage('old', ['ap', 'universal']), { newArticles: 0 }), story('new', coverage('new', ['ap', 'universal']))],
      opts({ previousStoryIds: new Set(['old']) }),
    );
    expect(ranked.map((s) => s.id)).toEqual(['new', 'old']);
  });
});
