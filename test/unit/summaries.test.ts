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

  it('gives two or three sentences when the material allows, even if one long sentence ranks first', () => {
    const long =
      'Mexican marines and soldiers arrested the regional leader of the cartel in a pre-dawn raid on a ranch outside Culiacán on Thursday, ' +
      'seizing rifles, grenades, armoured trucks and several kilograms of fentanyl pills, according to a statement from the security cabinet that was released hours later ' +
      'by the office of the president in Mexico City, where officials described the operation as a major blow to the group.';
    const a = makeArticle({
      id: 'long-1', title: 'Marines arrest cartel leader near Culiacán',
      summary: `${long} The detainee was flown by helicopter to a federal prison in the State of Mexico. Prosecutors said they will seek charges of organised crime and arms trafficking.`,
    });
    const b = makeArticle({
      id: 'long-2', feedId: 'ap', outlet: 'AP', title: 'Cartel leader arrested in Sinaloa',
      summary: `${long} Officials in Washington had sought his arrest and extradition for more than five years.`,
    });
    const summary = check([a, b]);
    // No other sentence fits next to it within 70 words, but two of the others fit together.
    expect(words(long)).toBeGreaterThan(58);
    expect(summary.sentences.length).toBeGreaterThanOrEqual(2);
    expect(summary.sentences.length).toBeLessThanOrEqual(3);
  });

  it('keeps the sentences it takes from one article in the article’s order', () => {
    // Here ranking alone would put the article's last sentence first and its first one last.
    const a = makeArticle({
      id: 'order-1', hour: 0, title: 'Mexico deploys troops to the northern border',
      summary: 'Officials said patrols would begin at once. Washington welcomed the deployment as a sign of cooperation. The troops will search vehicles for fentanyl at ports of entry. National Guard troops reached 18 border cities, officials said.',
    });
    const b = makeArticle({
      id: 'order-2', hour: 1, feedId: 'ap', outlet: 'AP', title: 'National Guard troops reach the US border',
      summary: 'Washington welcomed the deployment as a sign of cooperation. Officials said patrols would begin at once.',
    });
    const c = makeArticle({
      id: 'order-3', hour: 2, feedId: 'nyt', outlet: 'NYT', title: 'US welcomes Mexican troop deployment',
      summary: 'Mexico sent 10,000 National Guard troops to its northern border on Tuesday.',
    });
    const summary = check([a, b, c]);
    const positions = summary.sentences
      .filter((s) => s.sources[0]!.articleId === 'order-1')
      .map((s) => a.summary.indexOf(s.text));
    expect(positions.length).toBeGreaterThanOrEqual(2);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
  });

  it('leaves out a summary that opens by pointing back at a headline the digest does not show', () => {
    const lead = makeArticle({
      id: 'lead', hour: 0, title: 'Mexico and the US agree on border security plan',
      summary: 'Officials said the inspections would start in March. The plan adds inspections at ports of entry.',
    });
    const echo = makeArticle({
      id: 'echo', hour: 1, feedId: 'ap', outlet: 'AP', title: 'US and Mexico sign border security plan',
      summary: 'Mexico and the United States agreed on a border security plan on Monday.',
    });
    // "Several" are the governments of this article's own headline, which the digest does not show.
    const aside = makeArticle({
      id: 'aside', hour: 2, feedId: 'nyt', outlet: 'NYT', title: 'Latin American governments react to the border plan',
      summary: 'Several said the plan would slow trade at ports of entry where inspections start in March.',
    });
    const summary = check([lead, echo, aside]);
    expect(summary.headline).not.toBe(aside.title);
    expect(summary.sentences.map((s) => s.text)).not.toContain(aside.summary);
  });

  it('never picks two sentences that say nearly the same thing (MMR)', () => {
    const variants = [
      'Mexico transferred 26 cartel members to the United States on Tuesday, the attorney general said.',
      'Mexico transferred 26 cartel members to the United States on Tuesday, the attorney general said in a statement.',
      'On Tuesday Mexico transferred 26 cartel members to the United States, the attorney general said.',
    ];
    const outlets: Array<[string, string]> = [['reuters', 'Reuters'], ['ap', 'AP'], ['nyt', 'NYT']];
    const articles = variants.map((v, i) =>
      makeArticle({
        id: `v${i}`, feedId: outlets[i]![0], outlet: outlets[i]![1], hour: i, title: `Transfer story ${i}`,
        summary: `${v} ${['Defence lawyers said the transfer ignored extradition rules.', 'The group includes CJNG operators wanted in Texas.', 'It was the second such transfer this year.'][i]}`,
      }),
    );
    const summary = check(articles);
    expect(summary.sentences.filter((s) => variants.includes(s.text))).toHaveLength(1);
    // The repeated sentence is supported by all three outlets.
    expect(summary.sentences.find((s) => variants.includes(s.text))!.sources.map((s) => s.outlet).sort()).toEqual(['AP', 'NYT', 'Reuters']);
  });

  it('cites only the outlets whose text says the same, a headline included', () => {
    const a = makeArticle({
      id: 's1', title: 'Mexico extradites Caro Quintero associates',
      summary: 'Mexico extradited four associates of Rafael Caro Quintero to Texas on Friday. The weather in Mexico City was mild that day.',
    });
    const b = makeArticle({ id: 's2', feedId: 'ap', outlet: 'AP', hour: 1, title: 'Four Caro Quintero associates extradited to Texas on Friday' });
    const c = makeArticle({ id: 's3', feedId: 'nyt', outlet: 'NYT', hour: 2, title: 'Caro Quintero associates sent north', summary: 'Football fans packed the stadium in Monterrey for the final.' });
    const summary = check([a, b, c]);
    const extradited = summary.sentences.find((s) => s.text.startsWith('Mexico extradited four'))!;
    expect(extradited.sources.map((s) => s.outlet)).toEqual(['Reuters', 'AP']);
  });

  it('writes a mixed-language story in the language most outlets used, and only in it', () => {
    // Three English articles from one outlet against two Spanish outlets: Spanish wins by outlets.
    const en = ['1', '2', '3'].map((n) =>
      makeArticle({
        id: `en${n}`, hour: Number(n), title: `Drone attack kills soldiers in Michoacán, update ${n}`,
        summary: 'Eight Mexican soldiers were killed by explosives dropped from drones in Michoacán. Officials blamed the CJNG.',
      }),
    );
    const es = story('drone-').filter((a) => a.language === 'es');
    expect(new Set(es.map((a) => a.outlet)).size).toBe(2);
    const summary = check([...en, ...es]);
    expect(summary.language).toBe('es');
    expect(es.map((a) => a.title)).toContain(summary.headline);
    for (const sentence of summary.sentences) {
      expect(sentence.language).toBe('es');
      expect(es.some((a) => a.summary.includes(sentence.text))).toBe(true);
    }
    // Wire copies count for every outlet that carried them: now English has three outlets.
    const wire = makeArticle({ ...en[0]!, id: 'wire', copies: [['abc', 'ABC News'], ['pbs', 'PBS']] });
    const english = check([wire, ...es]);
    expect(english.language).toBe('en');
    expect(english.sentences.every((s) => s.language === 'en' && wire.summary.includes(s.text))).toBe(true);
  });
});
