import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopic } from '../../src/config/files.ts';
import type { Article } from '../../src/domain/model.ts';
import { scoreRelevance } from '../../src/domain/relevance.ts';
import { selectRelevant } from '../../src/domain/story-relevance.ts';
import { makeArticle } from './article-factory.ts';

const topic = loadTopic(join(resolve(import.meta.dirname, '../..'), 'config/topic.yaml'));

/** As collection stores it: the article's own score. */
function scored(spec: Parameters<typeof makeArticle>[0]): Article {
  const a = makeArticle(spec);
  return { ...a, relevance: scoreRelevance(a, topic).score };
}

// Invented reports of one invented week: a levy on Mexican steel, told from both sides, with
// market and explainer pieces that never say Mexico, Canada's side of it, and unrelated news.
const week = [
  scored({ id: 'core-1', hour: 0, outlet: 'A', feedId: 'a', title: 'Washington imposes 40% tariffs on Mexican steel and cement', summary: 'The levies on Mexico take effect on Monday, the commerce secretary said.' }),
  scored({ id: 'core-2', hour: 2, outlet: 'B', feedId: 'b', title: 'Mexico vows to answer new US tariffs on steel and cement', summary: 'Mexico said the 40% tariffs break the trade agreement and promised a measured response.' }),
  scored({ id: 'core-3', hour: 3, outlet: 'C', feedId: 'c', language: 'es', title: 'México responderá a los aranceles de 40% al acero y al cemento', summary: 'El gobierno de México dijo que los aranceles violan el acuerdo comercial.' }),
  scored({ id: 'market', hour: 5, outlet: 'D', feedId: 'd', title: 'Steel and cement shares slide as 40% tariffs take effect', summary: 'Builders warned that the tariffs on steel and cement would raise costs.' }),
  scored({ id: 'canada', hour: 6, outlet: 'E', feedId: 'e', title: 'Canada weighs its own answer to the 40% steel tariffs', summary: 'Ottawa said Canadian steel and cement producers would be hit by the tariffs.' }),
  scored({ id: 'elsewhere-tariff', hour: 4, outlet: 'F', feedId: 'f', title: 'Brewers brace for tariffs on aluminium cans', summary: 'Industry groups said a levy on aluminium would raise the price of beer.' }),
  scored({ id: 'passing', hour: 4, outlet: 'G', feedId: 'g', title: 'Film festival opens with a record audience', summary: 'The jury includes a director from Mexico.' }),
];

describe('selectRelevant: relevance at the level of the story', () => {
  it('pulls in coverage of a story anchored in Mexico whose own headline does not say Mexico', () => {
    expect(scoreRelevance(week.find((a) => a.id === 'market')!, topic).relevant).toBe(false);
    const { reasons } = selectRelevant(week, topic);
    expect(reasons.get('core-1')).toBe('core');
    expect(reasons.get('core-3')).toBe('core');
    expect(reasons.get('market')).toBe('story');
  });

  it("leaves out another country's side of the story, a different story on the subject, and a passing mention", () => {
    const { reasons, relevant } = selectRelevant(week, topic);
    expect(reasons.get('canada')).toBe('out');
    expect(reasons.get('elsewhere-tariff')).toBe('out');
    expect(reasons.get('passing')).toBe('out');
    expect(relevant.map((a) => a.id).sort()).toEqual(['core-1', 'core-2', 'core-3', 'market']);
  });

  it('does not pull in a piece whose only subject words are generic ones (deportations, troops) that fill other news too', () => {
    // A border story anchored in Mexico, and in the same hours a piece on deportations inside the
    // US that shares its words ("Trump", "deportation", "migrants") but never Mexico or the border.
    const border = [
      scored({ id: 'border-1', hour: 0, outlet: 'A', feedId: 'a', title: 'Mexico braces for deportations as Trump orders troops to the border', summary: 'Mexico readied shelters for migrants deported under Trump orders.' }),
      scored({ id: 'border-2', hour: 1, outlet: 'B', feedId: 'b', title: 'Trump orders troops to the Mexico border and vows mass deportations', summary: 'Migrants in Mexico waited as the deportation orders took effect.' }),
      scored({ id: 'border-3', hour: 2, outlet: 'C', feedId: 'c', language: 'es', title: 'México prepara albergues ante deportaciones ordenadas por Trump', summary: 'El gobierno de México recibirá a migrantes deportados.' }),
    ];
    const domestic = scored({ id: 'domestic', hour: 3, outlet: 'D', feedId: 'd', title: 'Bishops condemn Trump mass deportation plan', summary: 'Church leaders said deportations of migrants would split families across the country.' });
    const { reasons } = selectRelevant([...border, domestic], topic);
    expect(reasons.get('border-1')).toBe('core');
    expect(reasons.get('domestic')).toBe('out');
  });

  it('pulls nothing in without a core: subject words alone never make a story Mexican', () => {
    const { relevant } = selectRelevant(week.filter((a) => !a.id.startsWith('core-')), topic);
    expect(relevant).toEqual([]);
  });
});

describe('scoreRelevance: context anchors and other countries', () => {
  it('takes "the border" of a story about Trump and asylum as the US–Mexico border', () => {
    const r = scoreRelevance({ title: 'Trump sends troops to the border and ends asylum', summary: 'The orders declare a national emergency at the southern border.' }, topic);
    expect(r.anchored).toBe(true);
    expect(r.relevant).toBe(true);
  });

  it('does not when the text is about another border', () => {
    const r = scoreRelevance({ title: 'Trump says troops will guard the border with Canada', summary: 'Canadian officials said the border would stay open.' }, topic);
    expect(r.relevant).toBe(false);
    expect(r.elsewhere).toBe(true);
  });
});
