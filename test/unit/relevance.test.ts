import { describe, expect, it } from 'vitest';
import type { TopicConfig } from '../../src/domain/model.ts';
import { scoreRelevance } from '../../src/domain/relevance.ts';
import { foldText } from '../../src/domain/text.ts';

/** Folds keys the way src/config/files.ts does, so the test topic looks like a loaded one. */
function folded(terms: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(terms).map(([k, v]) => [foldText(k), v]));
}

const topic: TopicConfig = {
  name: 'Mexico vs cartels (test)',
  threshold: 3,
  terms: folded({
    cartel: 2,
    cártel: 2,
    narcotráfico: 2,
    'drug trafficking': 2,
    fentanyl: 3,
    fentanilo: 3,
    extradition: 3,
    extradites: 3,
    extradición: 3,
    'military intervention': 3,
    'intervención militar': 3,
    tariff: 2,
    arancel: 2,
    'guardia nacional': 2,
    border: 1,
    frontera: 1,
    sovereignty: 2,
    soberanía: 2,
    'EE.UU.': 1,
    Trump: 1,
    Sheinbaum: 2,
  }),
  anchors: ['México', 'Mexico', 'Mexican', 'mexicano', 'Sheinbaum', 'Sinaloa', 'Culiacán', 'Jalisco', 'CJNG'].map(foldText),
  negative: folded({ Colombia: 3, 'Clan del Golfo': 4, OPEC: 6, OPEP: 6, Venezuela: 2, 'Tren de Aragua': 3 }),
  themes: [],
  otherTheme: { id: 'other', title: 'Also this week' },
};

const score = (title: string, summary = '') => scoreRelevance({ title, summary }, topic);

describe('scoreRelevance: realistic headlines', () => {
  it.each([
    ['Sheinbaum rechaza intervención militar de EE.UU. contra cárteles'],
    ['Mexico extradites 26 cartel figures to the US'],
    ['Trump threatens 30% tariffs on Mexican imports'],
    ['Guardia Nacional despliega 2 mil elementos en Culiacán por violencia del cártel'],
  ])('keeps %j', (title) => {
    const r = score(title);
    expect(r.relevant).toBe(true);
    expect(r.anchored).toBe(true);
    expect(r.score).toBeGreaterThanOrEqual(topic.threshold);
  });

  it.each([
    ["Colombia's Clan del Golfo cartel leader captured"],
    ['Senate debates budget; senator mentions Mexico trip'],
    ['OPEC cartel cuts output'],
  ])('drops %j', (title) => {
    const r = score(title);
    expect(r.relevant).toBe(false);
    expect(r.score).toBeLessThan(topic.threshold);
  });

  it('reports which terms and anchors matched', () => {
    const r = score('Sheinbaum rechaza intervención militar de EE.UU. contra cárteles');
    expect(r.matched).toEqual(expect.arrayContaining(['sheinbaum', 'intervencion militar', 'ee uu', 'cartel']));
    expect(r.matched).not.toContain('colombia');
  });
});

describe('scoreRelevance: Mexico must be central', () => {
  it('gives nothing without an anchor, however on-topic the words', () => {
    const r = score('Fentanyl trafficking cartel faces extradition', 'Prosecutors say the cartel moved fentanyl across the border.');
    expect(r.anchored).toBe(false);
    expect(r.score).toBe(0);
    expect(r.relevant).toBe(false);
  });

  it('drops a story about something else that mentions Mexico once in passing', () => {
    const r = score(
      'US designates Venezuelan gang Tren de Aragua a terrorist organisation',
      'The State Department said the gang smuggles migrants and fentanyl; officials also met counterparts from Mexico last month.',
    );
    expect(r.anchored).toBe(false);
    expect(r.relevant).toBe(false);
  });

  it('halves the score of a single passing mention compared with a central one', () => {
    const passing = score('Fentanyl seizures at the border hit a record', 'Agents say most of the drug is made in Mexico.');
    const central = score('Fentanyl seizures at the Mexico border hit a record', 'Agents say most of the drug is made in Mexico.');
    expect(passing.anchored).toBe(false);
    expect(central.anchored).toBe(true);
    expect(passing.score).toBeCloseTo(central.score / 2, 1);
  });

  it('counts two anchor mentions in the summary as central', () => {
    const r = score('Fentanyl seizures hit a record', 'Mexican authorities and the Sinaloa cartel are at the centre of the inquiry.');
    expect(r.anchored).toBe(true);
    expect(r.relevant).toBe(true);
  });

  it('lets negatives pull a Mexico story that is really about another country below threshold', () => {
    const r = score('Colombia and Venezuela cartel talks; Mexico observes', 'Colombia hosted the meeting on the Clan del Golfo.');
    expect(r.anchored).toBe(true);
    expect(r.relevant).toBe(false);
    expect(score('OPEC cartel meets in Mexico City').relevant).toBe(false);
  });
});

describe('scoreRelevance: matching rules', () => {
  it('is accent- and case-insensitive', () => {
    const a = score('EXTRADICIÓN DE LÍDER DEL CÁRTEL DE SINALOA');
    const b = score('extradicion de lider del cartel de sinaloa');
    expect(a.score).toBe(b.score);
    expect(a.relevant).toBe(true);
  });

  it('matches whole words only', () => {
    // "cartelera" is a cinema listing, "Mexicali" is not "Mexico".
    expect(score('Cartelera de cine en Mexicali', 'Estrenos de la semana').score).toBe(0);
  });

  it('treats plurals as the configured singular', () => {
    expect(score('México y los cárteles').matched).toContain('cartel');
    expect(score('Mexico hit by new tariffs').matched).toContain('tariff');
    expect(score('México responde a los aranceles').matched).toContain('arancel');
  });

  it('matches multi-word terms only as adjacent phrases', () => {
    expect(score('México: la Guardia Nacional en Sinaloa').matched).toContain('guardia nacional');
    expect(score('México: la Guardia Costera y la seguridad nacional').matched).not.toContain('guardia nacional');
  });

  it('weighs a term in the title more than the same term in the summary', () => {
    const inTitle = score('Mexico fentanyl report', 'A report was published.');
    const inSummary = score('Mexico report', 'A report on fentanyl was published.');
    expect(inTitle.score).toBeGreaterThan(inSummary.score);
  });

  it('saturates repeated terms so one word cannot carry an article', () => {
    const once = score('Mexico news', 'The cartel said.');
    const tenTimes = score('Mexico news', 'cartel '.repeat(10));
    expect(tenTimes.score).toBeGreaterThan(once.score);
    expect(tenTimes.score).toBeLessThanOrEqual(once.score * 2);
    // Two different on-topic terms beat one term repeated ten times.
    const varied = score('Mexico news', 'The cartel moved fentanyl.');
    expect(varied.score).toBeGreaterThan(tenTimes.score);
  });

  it('gives the same answer on repeated calls with the same topic (cached index)', () => {
    const first = score('Mexico extradites 26 cartel figures to the US');
    const second = score('Mexico extradites 26 cartel figures to the US');
    expect(second).toEqual(first);
  });

  it('copes with empty input', () => {
    expect(score('', '')).toEqual({ score: 0, relevant: false, matched: [], anchored: false, topical: 0, elsewhere: false });
  });
});

describe('scoreRelevance: whose story the headline says it is', () => {
  const withElsewhere: TopicConfig = { ...topic, elsewhere: ['china', 'chinese', 'canada'] };

  it('a headline about another country is not anchored by Mexico in its summary, however often', () => {
    const r = scoreRelevance(
      { title: 'Tariff of 10% on China takes effect at midnight', summary: 'Mexico was spared the tariff; Mexico and its border were not part of the tariff deadline.' },
      withElsewhere,
    );
    expect(r.anchored).toBe(false);
    expect(r.score).toBe(0);
    // It names Mexico, so its story may still pull it in (story-relevance.ts), unlike one that never does.
    expect(r.elsewhere).toBe(false);
    expect(r.topical).toBeGreaterThan(0);
  });

  it('the same summary under a headline naming Mexico counts in full', () => {
    const r = scoreRelevance(
      { title: 'Tariff of 10% on Mexico and China takes effect at midnight', summary: 'Mexico was not spared the tariff.' },
      withElsewhere,
    );
    expect(r.anchored).toBe(true);
    expect(r.relevant).toBe(true);
  });
});
