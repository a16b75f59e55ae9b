import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/domain/model.ts';
import { clusterStories } from '../../src/domain/stories.ts';
import { summarizeStory } from '../../src/domain/summaries.ts';
import { fixtureArticles, makeArticle } from './article-factory.ts';

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function check(articles: Article[]): ReturnType<typeof summarizeStory> {
  const summary = summarizeStory(articles);
  const byId = new Map(articles.map((a) => [a.id, a]));
  expect(summary.sentences.length).toBeGreaterThanOrEqual(1);
  expect(summary.sentences.reduce((n, s) => n + words(s.text), 0)).toBeLessThanOrEqual(70);
  for (const sentence of summary.sentences) {
    expect(sentence.sources.length).toBeGreaterThanOrEqual(1);
    const origin = byId.get(sentence.sources[0]!.articleId)!;
    // Extractive: the sentence is copied from the article it cites first.
    expect(`${origin.title} ${origin.summary}`).toContain(sentence.text);
    for (const source of sentence.sources) expect(byId.has(source.articleId)).toBe(true);
    expect(new Set(sentence.sources.map((s) => s.outlet)).size).toBe(sentence.sources.length);
  }
  return summary;
}

describe('summarizeStory', () => {
  const clusters = clusterStories(fixtureArticles());
  const story = (prefix: string): Article[] =>
    clusters.find((c) => c.articles.some((a) => a.id.startsWith(prefix)))!.articles;

  it('extracts sentences from the story own articles, each with a source, within 70 words', () => {
    for (const cluster of clusters) check(cluster.articles);
  });

  it('keeps an all-Spanish story in Spanish', () => {
    const spanish = story('drone-').filter((a) => a.language === 'es');
    const summary = check(spanish);
    expect(summary.language).toBe('es');
    expect(summary.sentences.every((s) => s.language === 'es')).toBe(true);
    expect(spanish.map((a) => a.title)).toContain(summary.headline);
  });

  it('uses the cleaned title of a representative article as headline', () => {
    const summary = check(story('zambada-'));
    expect(summary.headline).not.toMatch(/ - Reuters$/);
    expect(summary.language).toBe('en');
  });

  it('skips a sentence that repeats the headline and does not repeat itself', () => {
    const a = makeArticle({
      id: 'h1', title: 'Mexico sends 26 cartel prisoners to the United States',
      summary: 'Mexico sends 26 cartel prisoners to the United States. The transfer was the second this year, officials said.',
    });
    const b = makeArticle({
      id: 'h2', feedId: 'ap', outlet: 'AP', title: 'Mexico transfers 26 prisoners to US',
      summary: 'The transfer was the second this year, officials said on Tuesday. Prosecutors in Texas will handle most cases.',
    });
    const summary = check([a, b]);
    expect(summary.sentences.map((s) => s.text)).not.toContain('Mexico sends 26 cartel prisoners to the United States.');
    const second = summary.sentences.find((s) => s.text.startsWith('The transfer was the second this year'));
    // The other article says the same thing, so it is cited as support.
    expect(second?.sources.map((s) => s.outlet).sort()).toEqual(['AP', 'Reuters']);
    expect(summary.sentences.filter((s) => s.text.startsWith('The transfer was')).length).toBe(1);
  });

  it('counts wire copies as supporting outlets', () => {
    const summary = check(story('zambada-'));
    const outlets = summary.sentences.flatMap((s) => s.sources.map((x) => x.outlet));
    const fromAp = summary.sentences.some((s) => s.sources[0]!.articleId === 'zambada-ap');
    if (fromAp) expect(outlets).toEqual(expect.arrayContaining(['ABC News', 'PBS']));
  });

  it('falls back to the headline when no article has a usable summary sentence', () => {
    const bare = [makeArticle({ id: 'x', title: 'Cártel de Sinaloa: detienen a operador en Culiacán', language: 'es' })];
    const summary = summarizeStory(bare);
    expect(summary.sentences).toEqual([
      {
        text: 'Cártel de Sinaloa: detienen a operador en Culiacán',
        language: 'es',
        sources: [{ articleId: 'x', outlet: 'Reuters', url: 'https://reuters.example/x' }],
      },
    ]);
  });

  it('respects maxSentences and maxWords and is independent of input order', () => {
    const articles = story('tariff-');
    const short = summarizeStory(articles, { maxSentences: 1, maxWords: 30 });
    expect(short.sentences).toHaveLength(1);
    expect(words(short.sentences[0]!.text)).toBeLessThanOrEqual(30);
    expect(summarizeStory([...articles].reverse())).toEqual(summarizeStory(articles));
  });
});
