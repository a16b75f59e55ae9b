import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/domain/sentences.ts';

describe('splitSentences', () => {
  it('splits plain prose and keeps punctuation', () => {
    expect(splitSentences('Troops arrived. The mayor fled! Who ordered it?')).toEqual([
      'Troops arrived.',
      'The mayor fled!',
      'Who ordered it?',
    ]);
  });

  it('does not split after titles that precede names', () => {
    expect(splitSentences('Gen. Luis Rodríguez met Dr. Smith and Mr. Jones. Sra. López y el Lic. Pérez no asistieron.')).toEqual([
      'Gen. Luis Rodríguez met Dr. Smith and Mr. Jones.',
      'Sra. López y el Lic. Pérez no asistieron.',
    ]);
  });

  it('keeps U.S., U.N., EE.UU. inside a sentence but splits when a new sentence clearly starts', () => {
    expect(splitSentences('The U.S. Ambassador met U.N. officials. They spoke.')).toEqual([
      'The U.S. Ambassador met U.N. officials.',
      'They spoke.',
    ]);
    expect(splitSentences('Sheinbaum habló con EE.UU. El acuerdo sigue.')).toEqual([
      'Sheinbaum habló con EE.UU.',
      'El acuerdo sigue.',
    ]);
    expect(splitSentences('Relations with the U.S. The talks resume Monday.')).toEqual([
      'Relations with the U.S.',
      'The talks resume Monday.',
    ]);
  });

  it('handles times, numbers and initials', () => {
    expect(splitSentences('The raid began at 5 a.m. Eastern time and ended by 2 p.m. The army said 3.5 tons were seized.')).toEqual([
      'The raid began at 5 a.m. Eastern time and ended by 2 p.m.',
      'The army said 3.5 tons were seized.',
    ]);
    expect(splitSentences('Ismael "El Mayo" Zambada and Joaquín J. Guzmán appeared. Case No. 24 was heard.')).toEqual([
      'Ismael "El Mayo" Zambada and Joaquín J. Guzmán appeared.',
      'Case No. 24 was heard.',
    ]);
    expect(splitSentences('He said no. Then he left.')).toEqual(['He said no.', 'Then he left.']);
  });

  it('keeps closing quotes with their sentence', () => {
    expect(splitSentences('"We will not negotiate." The president was firm. He called it “a red line.” Talks stalled.')).toEqual([
      '"We will not negotiate."',
      'The president was firm.',
      'He called it “a red line.”',
      'Talks stalled.',
    ]);
  });

  it('lets Spanish sentences start with ¿ and ¡ and does not split before lower case', () => {
    expect(splitSentences('La Marina actuó. ¿Quién dio la orden? ¡Nadie lo sabe! dijo un vecino.')).toEqual([
      'La Marina actuó.',
      '¿Quién dio la orden?',
      '¡Nadie lo sabe! dijo un vecino.',
    ]);
  });

  it('treats ellipses by what follows', () => {
    expect(splitSentences('The talks... stalled again. Then… Nothing happened.')).toEqual([
      'The talks... stalled again.',
      'Then…',
      'Nothing happened.',
    ]);
  });

  it('splits at blank lines and ignores empty input', () => {
    expect(splitSentences('Cartel leader held\n\nThe arrest came Tuesday.')).toEqual([
      'Cartel leader held',
      'The arrest came Tuesday.',
    ]);
    expect(splitSentences('   ')).toEqual([]);
    expect(splitSentences('No final period here')).toEqual(['No final period here']);
  });
});
