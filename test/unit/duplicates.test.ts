import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/domain/model.ts';
import { hammingDistance, isNearDuplicate, mergeDuplicates, simhash } from '../../src/domain/duplicates.ts';

const AP_BODY =
  'MEXICO CITY (AP) — Mexico sent 26 people linked to drug cartels to the United States on Tuesday, the second mass ' +
  'transfer this year, as the government of President Claudia Sheinbaum seeks to ease pressure from Washington over ' +
  'fentanyl trafficking and tariffs. Among those transferred were leaders of the Sinaloa and Jalisco cartels, the ' +
  'attorney general’s office said in a statement.';

const OTHER_BODY =
  'CULIACÁN, Sinaloa — Enfrentamientos entre facciones del Cártel de Sinaloa dejaron al menos doce muertos el fin de ' +
  'semana en la capital del estado, informó la fiscalía local, mientras el Ejército y la Guardia Nacional reforzaron ' +
  'los patrullajes en colonias del sur de la ciudad.';

let seq = 0;
function article(over: Partial<Article> & { title: string; summary: string; url: string; outlet?: string }): Article {
  const outlet = over.outlet ?? 'Outlet';
  const feedId = outlet.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  seq++;
  return {
    id: over.id ?? `a_${seq.toString(16).padStart(16, '0')}`,
    feedId,
    outlet,
    url: over.url,
    title: over.title,
    summary: over.summary,
    language: over.language ?? 'en',
    publishedAt: over.publishedAt ?? '2025-03-04T12:00:00.000Z',
    fetchedAt: over.fetchedAt ?? '2025-03-04T13:00:00.000Z',
    relevance: over.relevance ?? 10,
    fingerprint: over.fingerprint ?? simhash(over.title + ' ' + over.summary),
    sources: over.sources ?? [{ feedId, outlet, url: over.url }],
  };
}

describe('simhash', () => {
  it('is 16 lower-case hex digits and deterministic', () => {
    expect(simhash(AP_BODY)).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash(AP_BODY)).toBe(simhash(AP_BODY));
  });

  it('ignores case, accents, punctuation and stopwords', () => {
    expect(simhash('El Cártel de Sinaloa, en Culiacán!')).toBe(simhash('cartel sinaloa culiacan'));
  });

  it('stays close for a small edit and far for a different text', () => {
    const edited = AP_BODY.replace('on Tuesday', 'on Tuesday morning');
    const near = hammingDistance(simhash(AP_BODY), simhash(edited));
    const far = hammingDistance(simhash(AP_BODY), simhash(OTHER_BODY));
    expect(near).toBeLessThanOrEqual(12);
    expect(far).toBeGreaterThan(20);
  });

  it('gives a zero fingerprint for text without content words', () => {
    expect(simhash('')).toBe('0000000000000000');
    expect(simhash('de la the of')).toBe('0000000000000000');
  });

  it('handles texts shorter than one shingle', () => {
    expect(simhash('Sheinbaum')).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash('Sheinbaum')).not.toBe('0000000000000000');
  });
});

describe('hammingDistance', () => {
  it('counts differing bits across both halves', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(hammingDistance('00000000F0000000', '00000000f0000001')).toBe(1);
  });

  it('treats malformed fingerprints as maximally distant', () => {
    expect(hammingDistance('xyz', '0000000000000000')).toBe(64);
  });
});

describe('isNearDuplicate', () => {
  const ap = article({ title: 'Mexico sends 26 cartel figures to US', summary: AP_BODY, url: 'https://apnews.com/article/1', outlet: 'AP' });

  it('recognises a wire copy with a reworded headline and another URL', () => {
    const copy = article({
      title: 'Mexico transfers 26 alleged cartel members to the United States',
      summary: AP_BODY,
      url: 'https://www.latimes.com/world-nation/story/2025-03-04/mexico-transfers',
      outlet: 'Los Angeles Times',
    });
    expect(isNearDuplicate(ap, copy)).toBe(true);
  });

  it('recognises a copy whose body was lightly edited (dateline dropped, a word changed)', () => {
    const copy = article({
      title: 'Mexico sends 26 cartel figures to US',
      summary: AP_BODY.replace('MEXICO CITY (AP) — ', '').replace('on Tuesday', 'this week'),
      url: 'https://www.independent.co.uk/news/world/americas/mexico-cartel-x',
    });
    expect(isNearDuplicate(ap, copy)).toBe(true);
  });

  it('keeps different stories apart even on the same subject', () => {
    const other = article({
      title: 'Mexico sends 26 cartel figures to US',
      summary:
        'Security analysts in Washington questioned whether the transfer of cartel suspects will change US policy, ' +
        'noting that the White House still plans to impose tariffs on Mexican goods next month unless fentanyl seizures rise.',
      url: 'https://www.nytimes.com/2025/03/04/world/americas/analysis.html',
    });
    expect(isNearDuplicate(ap, other)).toBe(false);
    const spanish = article({ title: 'Enfrentamientos en Culiacán', summary: OTHER_BODY, url: 'https://www.proceso.com.mx/x' });
    expect(isNearDuplicate(ap, spanish)).toBe(false);
  });

  it('recognises a copy truncated at a different length', () => {
    const copy = article({ title: 'Mexico sends 26 cartel figures to US', summary: AP_BODY.slice(0, 230), url: 'https://e.com/short' });
    expect(isNearDuplicate(ap, copy)).toBe(true);
  });

  it('does not treat short boilerplate as proof of a copy', () => {
    const a = article({ title: 'Live updates', summary: 'Read more on our site.', url: 'https://e.com/1' });
    const b = article({ title: 'Live updates', summary: 'Read more on our site.', url: 'https://e.com/2' });
    expect(isNearDuplicate(a, b)).toBe(false);
  });

  it('does not match the same text published weeks apart', () => {
    const later = article({ ...ap, url: 'https://e.com/again', id: 'a_later', publishedAt: '2025-04-04T12:00:00.000Z' });
    expect(isNearDuplicate(ap, later)).toBe(false);
  });

  it('treats the same URL as the same article', () => {
    const same = article({ title: 'Updated headline', summary: 'Completely new text here.', url: ap.url });
    expect(isNearDuplicate(ap, same)).toBe(true);
  });
});

describe('mergeDuplicates', () => {
  it('folds wire copies into the earliest article and lists every outlet once', () => {
    const reuters = article({
      title: 'Mexico sends 26 cartel figures to US',
      summary: AP_BODY,
      url: 'https://www.usnews.com/news/world/articles/2025-03-04/mexico-sends',
      outlet: 'US News',
      publishedAt: '2025-03-04T15:00:00.000Z',
    });
    const ap = article({
      title: 'Mexico sends 26 people linked to cartels to the US',
      summary: AP_BODY,
      url: 'https://apnews.com/article/mexico-cartels-26',
      outlet: 'AP',
      publishedAt: '2025-03-04T14:00:00.000Z',
    });
    const other = article({ title: 'Enfrentamientos en Culiacán', summary: OTHER_BODY, url: 'https://www.proceso.com.mx/x', outlet: 'Proceso' });
    const abc = article({
      title: 'Mexico transfers 26 cartel suspects to United States',
      summary: AP_BODY,
      url: 'https://abcnews.go.com/International/wireStory/mexico-sends-26',
      outlet: 'ABC News',
      publishedAt: '2025-03-04T16:00:00.000Z',
      // A copy that already absorbed one outlet, including the AP URL itself.
      sources: [
        { feedId: 'abc-news', outlet: 'ABC News', url: 'https://abcnews.go.com/International/wireStory/mexico-sends-26' },
        { feedId: 'ap', outlet: 'AP', url: 'https://apnews.com/article/mexico-cartels-26' },
      ],
    });

    const merged = mergeDuplicates([reuters, other, ap, abc]);
    expect(merged).toHaveLength(2);
    // The kept articles stay in input order: the AP copy replaces the group at its own position.
    expect(merged.map((a) => a.outlet)).toEqual(['Proceso', 'AP']);
    const wire = merged[1]!;
    expect(wire.id).toBe(ap.id);
    expect(wire.title).toBe(ap.title);
    expect(wire.sources.map((s) => s.outlet)).toEqual(['AP', 'US News', 'ABC News']);
    expect(new Set(wire.sources.map((s) => s.url)).size).toBe(wire.sources.length);
    // Inputs are not mutated.
    expect(ap.sources).toHaveLength(1);
  });

  it('compares copies with the kept article only, so similarity does not chain', () => {
    const words = Array.from({ length: 60 }, (_, i) => `palabra${i}`);
    const base = words.join(' ');
    // b shares ~85 % of shingles with a, c ~85 % with b but far less with a.
    const a = article({ title: 'Nota', summary: base, url: 'https://e.com/a', publishedAt: '2025-03-01T00:00:00Z' });
    const b = article({ title: 'Nota', summary: words.slice(4).join(' ') + ' extra1 extra2 extra3', url: 'https://e.com/b', publishedAt: '2025-03-01T01:00:00Z' });
    const c = article({
      title: 'Nota',
      summary: words.slice(8).join(' ') + ' extra1 extra2 extra3 extra4 extra5 extra6 extra7',
      url: 'https://e.com/c',
      publishedAt: '2025-03-01T02:00:00Z',
    });
    expect(isNearDuplicate(a, b)).toBe(true);
    expect(isNearDuplicate(b, c)).toBe(true);
    expect(isNearDuplicate(a, c)).toBe(false);
    const merged = mergeDuplicates([a, b, c]);
    expect(merged.map((x) => x.url)).toEqual(['https://e.com/a', 'https://e.com/c']);
    expect(merged[0]!.sources.map((s) => s.url)).toEqual(['https://e.com/a', 'https://e.com/b']);
  });

  it('returns distinct articles unchanged and handles an empty batch', () => {
    expect(mergeDuplicates([])).toEqual([]);
    const x = article({ title: 'Enfrentamientos en Culiacán', summary: OTHER_BODY, url: 'https://e.com/x' });
    const y = article({ title: 'Mexico sends 26 cartel figures to US', summary: AP_BODY, url: 'https://e.com/y' });
    const out = mergeDuplicates([x, y]);
    expect(out).toEqual([x, y]);
    expect(out[0]).toBe(x);
  });

  it('finds every copy in a large batch without comparing all pairs', () => {
    const batch: Article[] = [];
    for (let i = 0; i < 2000; i++) {
      const words = Array.from({ length: 40 }, (_, j) => `w${i}x${j}`).join(' ');
      batch.push(article({ title: `Story ${i}`, summary: words, url: `https://e.com/${i}` }));
    }
    const original = batch[1234]!;
    batch.push(article({ title: 'Another headline entirely', summary: original.summary, url: 'https://copy.example/1234', outlet: 'Copycat' }));
    const merged = mergeDuplicates(batch);
    expect(merged).toHaveLength(2000);
    expect(merged[1234]!.sources.map((s) => s.url)).toEqual(['https://e.com/1234', 'https://copy.example/1234']);
  });
});
