import { describe, expect, it } from 'vitest';
import { isBackgroundPiece } from '../../src/domain/background-pieces.ts';

const piece = (title: string, summary = '') => isBackgroundPiece({ title, summary });

describe('isBackgroundPiece', () => {
  it('recognises explainers and effects pieces in English and Spanish', () => {
    expect(piece('Steel tariffs explained in charts')).toBe(true);
    expect(piece('What is a water treaty, and who pays for it?')).toBe(true);
    expect(piece('Border fees could raise prices for shoppers')).toBe(true);
    expect(piece('Stocks slide after the announcement')).toBe(true);
    expect(piece('Aranceles: lo que hay que saber')).toBe(true);
    expect(piece('Así afectarán los aranceles a los precios, según EXPERTOS')).toBe(true);
    expect(piece('¿Qué es una organización terrorista extranjera?')).toBe(true);
  });

  it('does not take a report, a reaction or an analysis of the news for one', () => {
    expect(piece('Mexico and Washington both claim victory in water standoff')).toBe(false);
    expect(piece('Sheinbaum announces deal with Washington', 'The deal ends the dispute, she said.')).toBe(false);
    expect(piece('Sheinbaum anuncia acuerdo con Washington')).toBe(false);
  });

  it('matches whole words only', () => {
    // "down" is not the Dow, "jobless" and "marketing" are not cues, "pricey" is not "price".
    expect(piece('Talks break down over a marketing campaign', 'A pricey jobless claim.')).toBe(false);
  });
});
