import { describe, expect, it } from 'vitest';
import { loadTopic } from '../../src/config/files.ts';
import type { TopicConfig } from '../../src/domain/model.ts';
import { assignTheme, themeScores } from '../../src/domain/themes.ts';
import { makeArticle } from './article-factory.ts';

const topic: TopicConfig = {
  name: 'test',
  terms: {},
  anchors: [],
  negative: {},
  threshold: 1,
  themes: [
    { id: 'trade', title: 'Trade', terms: { tariff: 2, aranceles: 2, peso: 1, 't mec': 2 } },
    { id: 'extraditions', title: 'Extraditions', terms: { extradition: 2, 'mass transfer': 3, envio: 1 } },
    { id: 'security', title: 'Security', terms: { drones: 2, 'drone attack': 2, tariff: 1 } },
  ],
  otherTheme: { id: 'other', title: 'Also this week' },
};

const article = (id: string, title: string, summary = '') => makeArticle({ id, title, summary });

describe('assignTheme', () => {
  it('scores the articles taken together: one theme term per article adds up across the story', () => {
    const story = [
      article('a', 'Mexico and US talk again', 'Officials met on Tuesday.'),
      article('b', 'Extradition request filed', 'Lawyers object.'),
      article('c', 'Drones seen over Culiacán'),
    ];
    // No single article decides it: extradition 4 vs drones 4 (headline terms count twice) ties, the first listed theme wins …
    expect(themeScores(story, topic)).toEqual([0, 4, 4]);
    expect(assignTheme(story, topic)).toBe('extraditions');
    // … and one more security article tips the story.
    expect(assignTheme([...story, article('d', 'Drone attack on a patrol')], topic)).toBe('security');
  });

  it('counts a term once per article however often it repeats', () => {
    const verbose = article('v', 'Tariff, tariff, tariff', 'The tariff news: tariff after tariff.');
    expect(themeScores([verbose], topic)).toEqual([4, 0, 2]);
    expect(themeScores([verbose, article('w', 'New tariff')], topic)).toEqual([8, 0, 4]);
  });

  it('matches whole words and phrases only, on folded text (accents, case, punctuation)', () => {
    expect(themeScores([article('a', 'Tariffs rise')], topic)).toEqual([0, 0, 0]);
    expect(themeScores([article('b', 'Los ARANCELES del T-MEC')], topic)).toEqual([8, 0, 0]);
    expect(themeScores([article('c', 'Segundo envío masivo')], topic)).toEqual([0, 2, 0]);
    // A phrase needs its words in order and adjacent.
    expect(themeScores([article('d', 'A mass of prisoners; transfer later')], topic)).toEqual([0, 0, 0]);
    expect(themeScores([article('e', 'A mass transfer.')], topic)).toEqual([0, 6, 0]);
    // A phrase at the very end of the text, and one whose first word also starts another phrase.
    expect(themeScores([article('f', 'The drone', 'Drone attack')], topic)).toEqual([0, 0, 2]);
  });

  it('counts a term in the headline twice: the headline states the subject, the summary adds details', () => {
    expect(themeScores([article('h', 'Tariff talks', 'Officials also discussed drones.')], topic)).toEqual([4, 0, 4]);
    expect(themeScores([article('s', 'Officials met', 'Tariff talks')], topic)).toEqual([2, 0, 1]);
  });

  it('sends a story that fits no theme, or fits too weakly, to the other section', () => {
    expect(assignTheme([article('a', 'World Cup stadium ready')], topic)).toBe('other');
    expect(assignTheme([article('b', 'The peso fell')], topic)).toBe('trade');
    expect(assignTheme([article('b', 'The peso fell')], topic, { minScore: 3 })).toBe('other');
  });

  it('compiles each topic separately (no stale cache across topics)', () => {
    const story = [article('a', 'Extradition and tariff')];
    const other: TopicConfig = { ...topic, themes: [{ id: 'law', title: 'Law', terms: { extradition: 5 } }] };
    expect(assignTheme(story, topic)).toBe('trade');
    expect(assignTheme(story, other)).toBe('law');
    expect(assignTheme(story, topic)).toBe('trade');
  });

  it('uses the sections of config/topic.yaml', () => {
    const real = loadTopic('config/topic.yaml');
    expect(real.otherTheme.id).toBeTruthy();
    const ids = new Set(real.themes.map((t) => t.id));
    const unrelated = assignTheme([article('x', 'Weather is nice', 'Sunny skies all week.')], real);
    expect(unrelated).toBe(real.otherTheme.id);
    const tariff = assignTheme([makeArticle({ id: 't', title: 'Trump amenaza con aranceles de 30% a México', language: 'es' })], real);
    expect(ids.has(tariff)).toBe(true);
  });
});
