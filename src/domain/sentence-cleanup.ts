/**
 * What a summary sentence must not carry: the dateline and wire credit that open agency copy
 * ("MEXICO CITY (AP) —", "WASHINGTON, Nov 20 (Reuters) -", "Culiacán (México), 22 nov (EFE).-"),
 * and sentences that say nothing about the event ("did not immediately respond to a request for
 * comment", "Read more", "Suscríbete"). Stripping only ever removes a prefix or suffix, so the
 * sentence left is still a verbatim piece of the article: summaries stay extractive.
 */

const WIRES = [
  'AP', 'Reuters', 'AFP', 'EFE', 'Bloomberg', 'dpa', 'DPA', 'Xinhua', 'UPI', 'Europa Press', 'Notimex', 'NTX', 'apro',
  'Prensa Latina', 'ANSA', 'Sputnik', 'AP Photo', 'CNN', 'NYT', 'Infobae', 'El Universal', 'La Jornada',
].map((w) => w.replace(/ /g, '\\s+')).join('|');

// A place (optionally "(Country)"), an optional date, then the agency in parentheses and the dash.
// Dots of abbreviations ("Washington D.C.", "Feb. 3") belong to it; a dot followed by a capitalised
// word ends a sentence, and a dateline never spans two.
const CREDIT_DATELINE = new RegExp(
  `^\\s*(?:[^.!?()\\n]|\\.(?!\\s+\\p{Lu}\\p{Ll})|\\([^()\\n]{1,25}\\)){0,80}?\\((?:${WIRES})\\)\\s*\\.?\\s*(?:[-—–]{1,2}|:)\\s*`,
  'u',
);
// "MEXICO CITY —", "CIUDAD DE MÉXICO.-", "WASHINGTON, Nov. 20 —": a place in capitals and a dash.
const CAPS_DATELINE = /^\s*\p{Lu}[\p{Lu}\s.'’-]{2,40}(?:,\s*[\p{L}\d.\s]{2,25})?\s*\.?\s*[—–]\s*|^\s*\p{Lu}[\p{Lu}\s'’]{2,40}\.\s*-\s*/u;
// "Culiacán, Sin.-", "Tijuana, B.C. —": a place, a state abbreviation, and ".-" or a dash.
const STATE_DATELINE = /^\s*\p{Lu}[\p{L}\s]{2,30},\s*(?:\p{Lu}[\p{L}]{0,5}\.){1,3}\s*(?:-|—|–)\s*/u;
// "(AP)", "[Reuters]", and photo credits: "(AP Photo/Eduardo Verdugo)", "(Foto: EFE)".
const TRAILING_CREDIT = new RegExp(`\\s*[(\\[](?:(?:Fotos?|Photo|Imagen):\\s*)?(?:${WIRES})(?:\\s+Photos?)?(?:\\s*\\/[^()\\[\\]\\n]{1,60})?[)\\]]\\s*$`, 'u');

/** The sentence without an opening dateline or wire credit, or a closing credit. */
export function stripDateline(text: string): string {
  let out = text;
  for (const pattern of [CREDIT_DATELINE, CAPS_DATELINE, STATE_DATELINE]) {
    const m = pattern.exec(out);
    // Only a prefix that leaves a sentence behind: never reduce a sentence to its dateline.
    if (m && m[0].length > 0 && out.length - m[0].length >= 20) {
      out = out.slice(m[0].length);
      break;
    }
  }
  out = out.replace(TRAILING_CREDIT, '');
  // A stripped dateline can leave the sentence starting in lower case ("— the army said"): keep it.
  return out.trim();
}

const FILLER = [
  /\b(?:did|does|has|have|had) not (?:immediately )?(?:respond|reply|responded|replied)(?: immediately)? to (?:a |an |multiple |several )?(?:requests?|emails?|messages?|calls?|inquir(?:y|ies))\b/i,
  /\b(?:could not|couldn't|cannot|can't) (?:immediately )?be reached for comment\b/i,
  /\bdeclined (?:to comment|requests? for comment)\b/i,
  /\bno (?:respondi[oó]|respondieron|contest[oó]|contestaron)(?: de inmediato)? (?:a )?(?:una |las |la )?(?:solicitud|solicitudes|petici[oó]n|peticiones) de (?:comentarios?|entrevista)/i,
  /\b(?:declin[oó]|declinaron|se neg[oó] a|se negaron a) (?:hacer )?comentarios?\b/i,
  /\bno (?:quiso|quisieron) (?:hacer )?comentarios?\b/i,
  /\b(?:click|tap) here\b|\bsign up (?:for|to)\b|\bsubscribe (?:to|for|now)\b|\bread more\b|\bcontinue reading\b|\bwatch the video\b/i,
  /\blee (?:también|más|la nota)\b|\bte puede interesar\b|\bsuscr[ií]bete\b|\bsigue leyendo\b|\bhaz clic\b/i,
  /\b(?:this|the) (?:story|article|post) (?:has been|was|is being) updated\b|\bcontributed (?:to )?this report\b|\bappeared first on\b/i,
  /\ball rights reserved\b|\btodos los derechos reservados\b|\bcopyright\b|©/i,
];

/** True for a sentence that carries no news: comment requests, calls to action, credits. */
export function isFiller(text: string): boolean {
  return FILLER.some((re) => re.test(text));
}
