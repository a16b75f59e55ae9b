import { foldText } from './text.ts';

/**
 * Function words of English and Spanish (folded: lower-case, no accents). They carry no topic, so
 * relevance, fingerprints, clustering and summaries all drop them.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    // English
    'a about above after again against all also am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how ' +
    'i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own ' +
    'same she should so some such than that the their theirs them themselves then there these they this those through to too under until ' +
    'up very was we were what when where which while who whom why will with would you your yours yourself yourselves says said say new ' +
    'after amid over says via its it\'s us ' +
    // Spanish
    'al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en entre era erais ' +
    'eran eras eres es esa esas ese eso esos esta estaba estado estan estar estas este esto estos fue fueron ha habia han hasta hay la las le ' +
    'les lo los mas me mi mis mucho muy nada ni no nos nosotros o os otra otro para pero poco por porque que quien se sea ser si sido sin ' +
    'sobre son su sus tambien te tiene tienen todo todos tu tus un una uno unos y ya yo dijo dice segun tras asi aun cada'
  ).split(/\s+/).filter(Boolean),
);

/** Folded content words of a text, in order: stopwords, single letters and bare numbers dropped. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const token of foldText(text).split(' ')) {
    if (token.length < 2 || STOPWORDS.has(token) || /^\d{1,3}$/.test(token)) continue;
    out.push(token);
  }
  return out;
}
