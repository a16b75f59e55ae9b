/**
 * Sentence splitting for English and Spanish news prose. Feed summaries are short and messy, so
 * this is a rule set, not a model: a terminator ends a sentence only when what follows looks like
 * the start of one (capital letter, digit, ¿, ¡ or an opening quote), and never after a title
 * such as "Gen." or "Sra." that always precedes a name.
 */

// Titles and forms that precede a name or number: the next capitalised word never starts a sentence.
const NEVER_ENDS = new Set(
  (
    'mr mrs ms dr drs prof gen gral lt col cap capt cmdr sgt cpl adm gov gob pres sen sens rep reps ' +
    'sr sra srta sres lic ing arq mtro mtra dip secc st ste mt ft av avda jr sto sta vs approx aprox ' +
    'tel ext dept depto'
  ).split(' '),
);

// "No. 2", "Art. 19", "on Nov. 27", "starting Jan. 1": abbreviations only when a number follows
// ("He said no. Then…" still splits). Month abbreviations (EN and ES) are a wire-copy staple.
const BEFORE_NUMBER = new Set(
  'no nos nº núm num art arts fig vol op jan feb mar apr jun jul aug sep sept oct nov dec ene abr ago dic'.split(' '),
);

// Abbreviations that also end sentences ("... for the U.S. The talks ..."): split only when the
// next word is a capitalised function word, which a name or a noun phrase rarely starts with.
const MAY_END = new Set(
  ('etc inc corp ltd co bros esq cía hnos sa cv am pm us uu un ue eeuu onu ee').split(' '),
);

// Capitalised function words that start sentences after a MAY_END abbreviation.
const SENTENCE_STARTERS = new Set(
  (
    'the a an in on at it this that these those he she they we i but and or so if when while after ' +
    'before as for with there his her their its our since though although yet then meanwhile however ' +
    'el la los las un una en con por para pero y o si cuando mientras tras ante este esta estos estas ' +
    'ese esa eso ello ellos ellas su sus al del de no sin embargo según segun desde hasta aunque también'
  ).split(' '),
);

const CLOSERS = `"'”’»)]`;
const OPENERS = `"'“‘«([¿¡`;
// A run of terminators, any closing quotes/brackets after it, then whitespace or end of text.
const BOUNDARY = new RegExp(`([.!?…]+)([${escapeClass(CLOSERS)}]*)(?=\\s|$)`, 'gu');

function escapeClass(chars: string): string {
  return chars.replace(/[\]\\^-]/g, '\\$&');
}

/** The abbreviation-like word ending right before a period at `end`, lower-cased, dots removed. */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && /[\p{L}\p{N}.]/u.test(text[start - 1] ?? '')) start--;
  return text.slice(start, end).toLowerCase().replace(/\./g, '');
}

function isDottedInitials(text: string, end: number): boolean {
  // "U.S", "a.m", "EE.UU", "J": letters separated by dots, or one capital letter (an initial).
  let start = end;
  while (start > 0 && /[\p{L}.]/u.test(text[start - 1] ?? '')) start--;
  const word = text.slice(start, end);
  return /^(?:\p{L}{1,2}\.)+\p{L}{1,2}$/u.test(word) || /^\p{Lu}$/u.test(word);
}

function looksLikeStart(next: string): boolean {
  const first = next[0];
  if (first === undefined) return true;
  if (OPENERS.includes(first)) {
    // An opening quote or ¿/¡ counts only if what it opens is not lower-case prose.
    const inner = next.slice(1).replace(new RegExp(`^[${escapeClass(OPENERS)}]+`, 'u'), '');
    return inner.length === 0 || !/^\p{Ll}/u.test(inner);
  }
  return /^[\p{Lu}\p{N}]/u.test(first);
}

function firstWord(next: string): string {
  const match = /^[^\p{L}]*(\p{L}+)/u.exec(next);
  return (match?.[1] ?? '').toLowerCase();
}

function isBoundary(text: string, dotsAt: number, terminators: string, after: number): boolean {
  const next = text.slice(after).trimStart();
  if (next.length === 0) return true;
  if (!looksLikeStart(next)) return false;
  if (terminators !== '.') return true; // "?", "!", "...", "…" followed by a capital: a new sentence
  const word = wordBefore(text, dotsAt);
  if (NEVER_ENDS.has(word)) return false;
  if (BEFORE_NUMBER.has(word) && /^\p{N}/u.test(next)) return false;
  if (MAY_END.has(word) || isDottedInitials(text, dotsAt)) {
    // A single capital letter before the dot is an initial ("J. Smith") unless a sentence clearly starts.
    return SENTENCE_STARTERS.has(firstWord(next));
  }
  return true;
}

function splitParagraph(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of paragraph.matchAll(BOUNDARY)) {
    const dotsAt = match.index;
    const end = dotsAt + match[0].length;
    if (!isBoundary(paragraph, dotsAt, match[1] ?? '', end)) continue;
    const sentence = paragraph.slice(start, end).trim();
    if (sentence.length > 0) out.push(sentence);
    start = end;
  }
  const rest = paragraph.slice(start).trim();
  if (rest.length > 0) out.push(rest);
  return out;
}

/** Splits prose into sentences, keeping each sentence's own punctuation and quotes. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  // A blank line always ends a sentence, even a headline-like one without a period.
  for (const paragraph of text.split(/\n\s*\n/)) {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    if (flat.length > 0) out.push(...splitParagraph(flat));
  }
  return out;
}
