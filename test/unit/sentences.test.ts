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

  it('keeps dated wire copy together ("on Nov. 27", "starting Jan. 1")', () => {
    expect(
      splitSentences('Trump said he would impose a 30% tariff starting Jan. 1 unless flows fall. The ambush on Nov. 27 killed six. El ataque del 3 de dic. fue en Jalisco.'),
    ).toEqual([
      'Trump said he would impose a 30% tariff starting Jan. 1 unless flows fall.',
      'The ambush on Nov. 27 killed six.',
      'El ataque del 3 de dic. fue en Jalisco.',
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

  it('handles Sr., Sen., Rep., Ms., Gral. and a.m. before a name or a new sentence', () => {
    expect(splitSentences('El Sr. Pérez llegó a las 9 a.m. El juez lo escuchó.')).toEqual(['El Sr. Pérez llegó a las 9 a.m.', 'El juez lo escuchó.']);
    expect(splitSentences('Sen. Ted Cruz said the U.S. must act. Rep. Smith disagreed. Ms. Sheinbaum spoke.')).toEqual([
      'Sen. Ted Cruz said the U.S. must act.',
      'Rep. Smith disagreed.',
      'Ms. Sheinbaum spoke.',
    ]);
    expect(splitSentences('He met Sr. Guzmán’s lawyer in the U.S. Attorney’s office.')).toEqual(['He met Sr. Guzmán’s lawyer in the U.S. Attorney’s office.']);
    expect(splitSentences('El operativo inició a las 5 a.m. y terminó a las 2 p.m. del martes.')).toHaveLength(1);
    expect(splitSentences('La FGR informó que el Gral. Trevilla asistió. ¡Es un hecho histórico!')).toEqual([
      'La FGR informó que el Gral. Trevilla asistió.',
      '¡Es un hecho histórico!',
    ]);
    expect(splitSentences('The U.S.-Mexico border is long. It spans 3,000 km. The cartel earned $1.5 million.')).toEqual([
      'The U.S.-Mexico border is long.',
      'It spans 3,000 km.',
      'The cartel earned $1.5 million.',
    ]);
  });

  it('keeps Spanish quotes and inverted marks inside their sentence', () => {
    expect(splitSentences('Sheinbaum dijo: «No habrá intervención.» Luego se fue.')).toEqual([
      'Sheinbaum dijo: «No habrá intervención.»',
      'Luego se fue.',
    ]);
    expect(splitSentences('«¿Quién autorizó el operativo?», preguntó el diputado. Nadie respondió.')).toEqual([
      '«¿Quién autorizó el operativo?», preguntó el diputado.',
      'Nadie respondió.',
    ]);
    expect(splitSentences('“Mexico will not be subordinated,” she said. Trump said: "We will act!" He did not elaborate.')).toEqual([
      '“Mexico will not be subordinated,” she said.',
      'Trump said: "We will act!"',
      'He did not elaborate.',
    ]);
  });
});
