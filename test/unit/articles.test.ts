import { describe, expect, it } from 'vitest';
import { cleanHeadline, detectLanguage, normalizeItem } from '../../src/domain/articles.ts';
import { simhash } from '../../src/domain/duplicates.ts';
import { Article, type FeedConfig, type TopicConfig } from '../../src/domain/model.ts';
import type { RawItem } from '../../src/pipeline/ports.ts';
import { scoreRelevance } from '../../src/domain/relevance.ts';
import { urlHash } from '../../src/domain/urls.ts';

const topic: TopicConfig = {
  name: 'test',
  threshold: 3,
  terms: { cartel: 2, extradites: 3, extradicion: 3, fentanyl: 3, 'guardia nacional': 2 },
  anchors: ['mexico', 'sinaloa', 'culiacan'],
  negative: { opec: 6 },
  themes: [],
  otherTheme: { id: 'other', title: 'Also this week' },
};

const feed: FeedConfig = {
  id: 'reuters-world',
  name: 'Reuters',
  url: 'https://feeds.example.com/reuters/world.xml',
  language: 'en',
  country: 'INT',
  weight: 1,
  enabled: true,
};

const fetchedAt = new Date('2025-03-04T18:00:00.000Z');
const ctx = { fetchedAt, topic };

describe('normalizeItem', () => {
  const raw: RawItem = {
    title: 'Mexico extradites 26 <b>cartel</b> figures to the US',
    link: 'https://www.reuters.com/world/americas/mexico-extradites-26/?utm_source=rss&utm_medium=feed#top',
    guid: 'urn:reuters:2025-03-04:123',
    summary: '<p>Mexico sent 26 cartel figures to the United States on Tuesday, officials said.</p><script>track()</script>',
    content: '<p>Full body</p>',
    publishedAt: 'Tue, 04 Mar 2025 15:30:00 GMT',
  };

  it('builds a valid article from a typical item', () => {
    const a = normalizeItem(raw, feed, ctx)!;
    expect(Article.parse(a)).toEqual(a);
    const url = 'https://www.reuters.com/world/americas/mexico-extradites-26/';
    expect(a.url).toBe(url);
    expect(a.id).toBe('a_' + urlHash(url));
    expect(a.feedId).toBe('reuters-world');
    expect(a.outlet).toBe('Reuters');
    expect(a.guid).toBe('urn:reuters:2025-03-04:123');
    expect(a.title).toBe('Mexico extradites 26 cartel figures to the US');
    expect(a.summary).toBe('Mexico sent 26 cartel figures to the United States on Tuesday, officials said.');
    expect(a.language).toBe('en');
    expect(a.publishedAt).toBe('2025-03-04T15:30:00.000Z');
    expect(a.fetchedAt).toBe('2025-03-04T18:00:00.000Z');
    expect(a.relevance).toBe(scoreRelevance({ title: a.title, summary: a.summary }, topic).score);
    expect(a.relevance).toBeGreaterThanOrEqual(topic.threshold);
    expect(a.fingerprint).toBe(simhash(a.title + ' ' + a.summary));
    expect(a.sources).toEqual([{ feedId: 'reuters-world', outlet: 'Reuters', url }]);
  });

  it('gives the same id to the same story reached through a tracking link', () => {
    const plain = normalizeItem({ ...raw, link: 'https://www.reuters.com/world/americas/mexico-extradites-26/' }, feed, ctx)!;
    expect(plain.id).toBe(normalizeItem(raw, feed, ctx)!.id);
  });

  it('rejects items without a usable link or title', () => {
    expect(normalizeItem({ ...raw, link: undefined, guid: undefined }, feed, ctx)).toBeUndefined();
    expect(normalizeItem({ ...raw, link: 'javascript:void(0)', guid: '12345' }, feed, ctx)).toBeUndefined();
    expect(normalizeItem({ ...raw, title: undefined }, feed, ctx)).toBeUndefined();
    expect(normalizeItem({ ...raw, title: '<img src=x><script>x</script>  ' }, feed, ctx)).toBeUndefined();
  });

  it('falls back to a GUID that is a URL, and resolves relative links against the base URL', () => {
    const fromGuid = normalizeItem({ ...raw, link: undefined, guid: 'https://www.reuters.com/a?id=1' }, feed, ctx)!;
    expect(fromGuid.url).toBe('https://www.reuters.com/a?id=1');
    const relative = normalizeItem({ ...raw, link: '/nota/1' }, feed, { ...ctx, baseUrl: 'https://www.milenio.com/rss' })!;
    expect(relative.url).toBe('https://www.milenio.com/nota/1');
    const againstFeed = normalizeItem({ ...raw, link: 'nota/2' }, feed, ctx)!;
    expect(againstFeed.url).toBe('https://feeds.example.com/reuters/nota/2');
  });

  it('caps the title at 300 characters and keeps it on one line', () => {
    const a = normalizeItem({ ...raw, title: '<h1>Line one</h1><p>' + 'palabra '.repeat(100) + '</p>' }, feed, ctx)!;
    expect(a.title.length).toBeLessThanOrEqual(300);
    expect(a.title).not.toContain('\n');
    expect(a.title.startsWith('Line one palabra')).toBe(true);
    expect(a.title.endsWith('…')).toBe(true);
  });

  it('uses the content when the summary is missing or only repeats the title', () => {
    const body = '<p>La Guardia Nacional llegó a Culiacán, Sinaloa, tras una semana de enfrentamientos.</p>';
    const googleNews: RawItem = {
      title: 'Guardia Nacional llega a Culiacán - El Universal',
      link: 'https://www.eluniversal.com.mx/estados/x',
      summary: '<a href="https://www.eluniversal.com.mx/estados/x">Guardia Nacional llega a Culiacán</a>&nbsp;&nbsp;<font color="#6f6f6f">El Universal</font>',
      content: body,
    };
    const a = normalizeItem(googleNews, feed, ctx)!;
    expect(a.summary).toBe('La Guardia Nacional llegó a Culiacán, Sinaloa, tras una semana de enfrentamientos.');
    const missing = normalizeItem({ ...googleNews, summary: undefined }, feed, ctx)!;
    expect(missing.summary).toBe(a.summary);
    const nothing = normalizeItem({ ...googleNews, content: undefined }, feed, ctx)!;
    expect(nothing.summary).toBe('');
  });

  it('caps the summary at about 600 characters', () => {
    const a = normalizeItem({ ...raw, summary: '<p>' + 'Sinaloa cartel violence continues. '.repeat(60) + '</p>' }, feed, ctx)!;
    expect(a.summary.length).toBeLessThanOrEqual(600);
    expect(a.summary.length).toBeGreaterThan(500);
    expect(a.summary.endsWith('…')).toBe(true);
  });

  it('uses fetchedAt for missing, invalid or implausibly old dates', () => {
    for (const publishedAt of [undefined, '', 'not a date', 'Thu, 01 Jan 1970 00:00:00 GMT']) {
      expect(normalizeItem({ ...raw, publishedAt }, feed, ctx)!.publishedAt).toBe(fetchedAt.toISOString());
    }
  });

  it('clamps dates more than five minutes in the future, tolerating small clock skew', () => {
    expect(normalizeItem({ ...raw, publishedAt: '2025-03-05T18:00:00Z' }, feed, ctx)!.publishedAt).toBe(fetchedAt.toISOString());
    expect(normalizeItem({ ...raw, publishedAt: '2025-03-04T18:04:00Z' }, feed, ctx)!.publishedAt).toBe('2025-03-04T18:04:00.000Z');
  });

  it('parses ISO dates with offsets and Spanish month names', () => {
    expect(normalizeItem({ ...raw, publishedAt: '2025-03-04T09:15:00-06:00' }, feed, ctx)!.publishedAt).toBe('2025-03-04T15:15:00.000Z');
    expect(normalizeItem({ ...raw, publishedAt: 'mar, 04 mar 2025 09:15:00 -0600' }, feed, ctx)!.publishedAt).toBe('2025-03-04T15:15:00.000Z');
  });

  it('detects a Spanish item in an English feed', () => {
    const a = normalizeItem(
      {
        title: 'Sheinbaum descarta que la extradición de capos sea una concesión a Trump',
        link: 'https://www.reuters.com/es/mexico-extradicion',
        summary: 'La presidenta dijo que el envío de los 26 detenidos a Estados Unidos fue una decisión de su gobierno.',
      },
      feed,
      ctx,
    )!;
    expect(a.language).toBe('es');
  });
});

describe('detectLanguage', () => {
  it('tells Spanish from English by function words', () => {
    expect(detectLanguage('El gobierno de México anunció que los detenidos serán enviados a Estados Unidos')).toBe('es');
    expect(detectLanguage('The government of Mexico said that the detainees would be sent to the United States')).toBe('en');
  });

  it('keeps the fallback when the evidence is thin or mixed', () => {
    expect(detectLanguage('Sheinbaum, Harfuch y García', 'en')).toBe('en');
    expect(detectLanguage('Cártel de Sinaloa', 'en')).toBe('en');
    expect(detectLanguage('Mexico City', 'es')).toBe('es');
    expect(detectLanguage('')).toBe('en');
  });

  it('is not flipped by a Spanish name inside an English sentence', () => {
    expect(detectLanguage('The Cártel de Jalisco Nueva Generación said it was not behind the attack on the base')).toBe('en');
  });
});

describe('cleanHeadline', () => {
  it.each([
    ['Mexico extradites 26 cartel figures to the US - Reuters', 'Mexico extradites 26 cartel figures to the US'],
    ['Trump threatens tariffs on Mexican imports | AP', 'Trump threatens tariffs on Mexican imports'],
    ['Sheinbaum rechaza intervención militar de EE UU — El País', 'Sheinbaum rechaza intervención militar de EE UU'],
    ['Ataque armado en Culiacán deja cinco muertos - Proceso', 'Ataque armado en Culiacán deja cinco muertos'],
    ['Cae operador del CJNG en Jalisco – CNN en Español', 'Cae operador del CJNG en Jalisco'],
    ['Mexico sends troops to border - The New York Times', 'Mexico sends troops to border'],
  ])('%j → %j', (input, expected) => {
    expect(cleanHeadline(input)).toBe(expected);
  });

  it.each([
    ['Sheinbaum: cooperación sí, subordinación no - dice la presidenta'],
    ['US-Mexico security talks resume'],
    ['Mexico - Reuters'],
    ['Cartels and the border - what we know so far about the new deal'],
  ])('leaves %j alone', (input) => {
    expect(cleanHeadline(input)).toBe(input);
  });
});
