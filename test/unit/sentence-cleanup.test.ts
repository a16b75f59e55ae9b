import { describe, expect, it } from 'vitest';
import { isFiller, stripDateline } from '../../src/domain/sentence-cleanup.ts';
import { summarizeStory } from '../../src/domain/summaries.ts';
import { makeArticle } from './article-factory.ts';

describe('stripDateline', () => {
  it.each([
    ['MEXICO CITY (AP) — Soldiers found a drug lab in the hills of Sinaloa on Tuesday.', 'Soldiers found a drug lab in the hills of Sinaloa on Tuesday.'],
    ['WASHINGTON, Nov 20 (Reuters) - The United States will send more agents to the border.', 'The United States will send more agents to the border.'],
    ['Culiacán (México), 22 nov (EFE).- Las autoridades localizaron un laboratorio en Cosalá.', 'Las autoridades localizaron un laboratorio en Cosalá.'],
    ['CIUDAD DE MÉXICO.- La presidenta anunció el envío de diez mil elementos.', 'La presidenta anunció el envío de diez mil elementos.'],
    ['Culiacán, Sin.- Hombres armados atacaron un autolavado en Las Quintas.', 'Hombres armados atacaron un autolavado en Las Quintas.'],
    ['Sheinbaum said Mexico would answer with its own measures. (Reuters)', 'Sheinbaum said Mexico would answer with its own measures.'],
    ['Washington D.C., 3 feb (EFE).- El Gobierno anunció nuevos aranceles al acero.', 'El Gobierno anunció nuevos aranceles al acero.'],
    ['MEXICO CITY, Feb. 3, 2025 (AP) — Troops began arriving at the border on Tuesday.', 'Troops began arriving at the border on Tuesday.'],
    ['Troops began arriving at the border on Tuesday. (AP Photo/Jane Doe)', 'Troops began arriving at the border on Tuesday.'],
    ['Las tropas llegaron a la frontera el martes. (Foto: EFE)', 'Las tropas llegaron a la frontera el martes.'],
  ])('%s', (input, expected) => {
    expect(stripDateline(input)).toBe(expected);
  });

  it('leaves ordinary sentences, dashes and parentheses alone', () => {
    const s = 'The U.S. and Mexico (both in the USMCA) agreed — for now — on a pause.';
    expect(stripDateline(s)).toBe(s);
    expect(stripDateline('NATO said the talks would go on.')).toBe('NATO said the talks would go on.');
    // A credit after a sentence of its own is not a dateline: the sentence before it stays.
    const two = 'Troops reached the border. Officials (AP) — and others — said more would come.';
    expect(stripDateline(two)).toBe(two);
  });
});

describe('isFiller', () => {
  it.each([
    'Mexican officials did not immediately respond to a request for comment.',
    'The White House did not respond to requests for comment on Sunday.',
    'La Fiscalía no respondió a una solicitud de comentarios.',
    'Read more: what the tariffs mean for you.',
    'Suscríbete a nuestro boletín.',
  ])('%s', (s) => expect(isFiller(s)).toBe(true));

  it('keeps news', () => {
    expect(isFiller('The army said it had responded to the attack within an hour.')).toBe(false);
  });
});

describe('summaries use clean sentences only', () => {
  it('drops datelines and filler, and states one fact once across languages', () => {
    const articles = [
      makeArticle({ id: 'en', hour: 0, outlet: 'AP', feedId: 'ap', title: 'Deportees pour into Ciudad Juárez', summary: 'CIUDAD JUAREZ, Mexico (AP) — About 1,500 deportees a week now cross the Paso del Norte bridge into Ciudad Juárez. Shelters in the city say they are full. Mexican officials did not immediately respond to a request for comment.' }),
      makeArticle({ id: 'en2', hour: 1, outlet: 'Reuters', feedId: 'reuters', title: 'Juárez shelters overflow as deportations rise', summary: 'Some 1,500 deportees each week arrive over the Paso del Norte bridge, local officials said. The state government opened a second shelter on Monday. They will likely need more.' }),
      makeArticle({ id: 'en3', hour: 2, outlet: 'NPR', feedId: 'npr', title: 'Mexico opens a second shelter for deportees in Juárez', summary: 'The Chihuahua state government opened a second shelter for deportees in Ciudad Juárez on Monday, as the first one filled up.' }),
    ];
    const summary = summarizeStory(articles);
    const texts = summary.sentences.map((s) => s.text);
    expect(texts.some((t) => /\(AP\)|CIUDAD JUAREZ/.test(t))).toBe(false);
    expect(texts.some((t) => /request for comment/.test(t))).toBe(false);
    expect(texts.filter((t) => /1,500/.test(t))).toHaveLength(1);
    // The second shelter once, though two outlets word it differently and give no figure.
    expect(texts.filter((t) => /second shelter/.test(t))).toHaveLength(1);
    // A later sentence that points back to the one before means nothing on its own.
    expect(texts.some((t) => t.startsWith('They will'))).toBe(false);
    for (const s of summary.sentences) {
      const origin = articles.find((a) => a.id === s.sources[0]!.articleId)!;
      expect(origin.summary).toContain(s.text);
    }
  });
});
