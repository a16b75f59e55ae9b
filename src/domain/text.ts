/**
 * Folds text for matching: lower-case, accents removed (so "cártel" matches "cartel" and
 * "EXTRADICIÓN" matches "extradicion"), punctuation turned into single spaces.
 */
export function foldText(input: string): string {
  return input
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Feed HTML is hostile (megabytes of markup, unclosed tags, stray quotes), so htmlToText is a
// hand-written single-pass scanner: every character is visited a bounded number of times, and the
// only regexes it uses have no nested or overlapping quantifiers.

/** Elements whose content is never reader-visible text: dropped whole, content included. */
const DROP_CONTENT = new Set([
  'script', 'style', 'iframe', 'noscript', 'svg', 'head', 'template', 'object', 'math', 'canvas',
  'video', 'audio', 'select', 'textarea', 'button', 'frameset',
]);

/** Elements that end a line of text. */
const BLOCK = new Set([
  'p', 'br', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'blockquote',
  'section', 'article', 'header', 'footer', 'aside', 'nav', 'figure', 'figcaption', 'hr', 'pre', 'dd',
  'dt', 'dl', 'main', 'address', 'caption', 'center', 'form', 'fieldset', 'body', 'html',
]);

/** Inline elements that still separate words ("<td>a</td><td>b</td>" is "a b", not "ab"). */
const SPACED = new Set(['td', 'th', 'img', 'input', 'label', 'option', 'dd', 'wbr', 'source']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ensp: ' ', emsp: ' ', thinsp: ' ',
  shy: '', zwnj: '', zwj: '', lrm: '', rlm: '',
  aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', yacute: 'ý',
  Aacute: 'Á', Eacute: 'É', Iacute: 'Í', Oacute: 'Ó', Uacute: 'Ú', Yacute: 'Ý',
  agrave: 'à', egrave: 'è', igrave: 'ì', ograve: 'ò', ugrave: 'ù',
  Agrave: 'À', Egrave: 'È', Igrave: 'Ì', Ograve: 'Ò', Ugrave: 'Ù',
  acirc: 'â', ecirc: 'ê', icirc: 'î', ocirc: 'ô', ucirc: 'û',
  Acirc: 'Â', Ecirc: 'Ê', Icirc: 'Î', Ocirc: 'Ô', Ucirc: 'Û',
  auml: 'ä', euml: 'ë', iuml: 'ï', ouml: 'ö', uuml: 'ü', yuml: 'ÿ',
  Auml: 'Ä', Euml: 'Ë', Iuml: 'Ï', Ouml: 'Ö', Uuml: 'Ü',
  atilde: 'ã', otilde: 'õ', ntilde: 'ñ', Atilde: 'Ã', Otilde: 'Õ', Ntilde: 'Ñ',
  ccedil: 'ç', Ccedil: 'Ç', aring: 'å', Aring: 'Å', aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø',
  szlig: 'ß', iexcl: '¡', iquest: '¿', laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›',
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', sbquo: '‚', bdquo: '„', prime: '′', Prime: '″',
  ndash: '–', mdash: '—', hellip: '…', middot: '·', bull: '•', sect: '§', para: '¶', dagger: '†',
  copy: '©', reg: '®', trade: '™', deg: '°', ordm: 'º', ordf: 'ª', plusmn: '±', times: '×', divide: '÷',
  euro: '€', cent: '¢', pound: '£', yen: '¥', dollar: '$', percnt: '%', frac12: '½', frac14: '¼',
  frac34: '¾', sup2: '²', sup3: '³', micro: 'µ', num: '#', excl: '!', quest: '?', colon: ':',
  semi: ';', comma: ',', period: '.', lpar: '(', rpar: ')', sol: '/', bsol: '\\', ast: '*',
};

// Feeds written on Windows often send &#146; for ’ (cp1252 code points in the C1 control range).
const CP1252: Record<number, string> = {
  128: '€', 130: '‚', 131: 'ƒ', 132: '„', 133: '…', 134: '†', 135: '‡', 136: 'ˆ', 137: '‰', 138: 'Š',
  139: '‹', 140: 'Œ', 142: 'Ž', 145: '‘', 146: '’', 147: '“', 148: '”', 149: '•', 150: '–', 151: '—',
  152: '˜', 153: '™', 154: 'š', 155: '›', 156: 'œ', 158: 'ž', 159: 'Ÿ',
};

function decodeCodePoint(code: number): string {
  if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return '\ufffd';
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  if (code >= 128 && code <= 159) return CP1252[code] ?? '';
  return String.fromCodePoint(code);
}

/** Decodes character references; unknown names are left as written ("&foo;" stays). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));/g, (whole, dec, hex, name) => {
    if (dec !== undefined) return decodeCodePoint(Number.parseInt(dec, 10));
    if (hex !== undefined) return decodeCodePoint(Number.parseInt(hex, 16));
    return NAMED_ENTITIES[name as string] ?? NAMED_ENTITIES[(name as string).toLowerCase()] ?? whole;
  });
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isNameChar(code: number): boolean {
  return isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 45 || code === 58 || code === 95;
}

/**
 * Strips markup in one left-to-right pass, returning raw (undecoded) text with "\n" where a block
 * element was. Unterminated constructs drop the rest of the input, as a browser would hide it.
 */
function stripTags(html: string): string {
  const out: string[] = [];
  const n = html.length;
  let pos = 0;
  // After one quoted attribute ran to the end of the input, quote-aware scanning can only ever do
  // that again; plain indexOf keeps the whole pass linear on "<a title=" repeated a million times.
  let quotesUnreliable = false;

  while (pos < n) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      out.push(html.slice(pos));
      break;
    }
    if (lt > pos) out.push(html.slice(pos, lt));
    const next = html.charCodeAt(lt + 1);

    if (next === 33 /* ! */) {
      if (html.startsWith('<!--', lt)) {
        const end = html.indexOf('-->', lt + 4);
        if (end < 0) break;
        pos = end + 3;
      } else if (html.startsWith('<![CDATA[', lt)) {
        const end = html.indexOf(']]>', lt + 9);
        out.push(end < 0 ? html.slice(lt + 9) : html.slice(lt + 9, end));
        if (end < 0) break;
        pos = end + 3;
      } else {
        const end = html.indexOf('>', lt + 2);
        if (end < 0) break;
        pos = end + 1;
      }
      continue;
    }
    if (next === 63 /* ? */) {
      const end = html.indexOf('>', lt + 2);
      if (end < 0) break;
      pos = end + 1;
      continue;
    }

    const closing = next === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isAsciiLetter(html.charCodeAt(nameStart))) {
      // "a < b", "<3", "</ >": not a tag, keep the character as text.
      out.push('<');
      pos = lt + 1;
      continue;
    }
    let nameEnd = nameStart + 1;
    while (nameEnd < n && isNameChar(html.charCodeAt(nameEnd))) nameEnd++;
    const name = html.slice(nameStart, nameEnd).toLowerCase();

    let end = -1;
    if (!quotesUnreliable) {
      let quote = 0;
      for (let i = nameEnd; i < n; i++) {
        const c = html.charCodeAt(i);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 34 || c === 39) {
          quote = c;
        } else if (c === 62 /* > */) {
          end = i;
          break;
        }
      }
      if (end < 0 && n > nameEnd) quotesUnreliable = true;
    }
    if (end < 0) end = html.indexOf('>', nameEnd);
    if (end < 0) break;
    pos = end + 1;

    if (!closing && DROP_CONTENT.has(name) && html.charCodeAt(end - 1) !== 47 /* self-closing */) {
      pos = skipElementContent(html, name, pos);
      out.push(' ');
      continue;
    }
    if (BLOCK.has(name)) out.push('\n');
    else if (SPACED.has(name)) out.push(' ');
  }
  return out.join('');
}

/** Position just after `</name ...>`, or the end of the input when the element never closes. */
function skipElementContent(html: string, name: string, from: number): number {
  let pos = from;
  for (;;) {
    const idx = html.indexOf('</', pos);
    if (idx < 0) return html.length;
    const after = idx + 2 + name.length;
    if (html.slice(idx + 2, after).toLowerCase() === name && !isNameChar(html.charCodeAt(after))) {
      const gt = html.indexOf('>', after);
      return gt < 0 ? html.length : gt + 1;
    }
    pos = idx + 2;
  }
}

/**
 * Removes control and invisible characters and collapses whitespace: runs of spaces become one
 * space, line breaks (with the spaces around them) become one "\n".
 */
function tidyWhitespace(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u000b\u000c\u0085]/g, '\n')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]/g, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n[ \n]*/g, '\n')
    .trim();
}

// Some feeds escape their HTML twice, so after one decode the text still reads "<p>…</p>".
const LOOKS_LIKE_TAG = /<\/?[A-Za-z][A-Za-z0-9]*[\s/>]/;

/**
 * Turns feed HTML into plain text: invisible elements dropped with their content, block elements
 * turned into line breaks, other tags removed, entities decoded, whitespace collapsed, control
 * characters removed, and the result capped at a word boundary with "…".
 */
export function htmlToText(html: string, maxChars: number): string {
  if (!html) return '';
  let text = tidyWhitespace(decodeEntities(stripTags(html)));
  if (LOOKS_LIKE_TAG.test(text)) text = tidyWhitespace(decodeEntities(stripTags(text)));
  return truncateWords(text, maxChars);
}

/**
 * Caps text at maxChars (the "…" included), cutting at the last space when there is one in the
 * second half of the allowance; a single very long word is cut mid-word instead.
 */
export function truncateWords(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars <= 0) return '';
  if (maxChars === 1) return '…';
  let cut = text.slice(0, maxChars - 1);
  // Never leave half of a surrogate pair (an emoji) at the end.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  const nextIsBreak = /\s/.test(text.charAt(maxChars - 1));
  if (!nextIsBreak) {
    const space = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\n'));
    if (space >= Math.floor((maxChars - 1) / 2)) cut = cut.slice(0, space);
  }
  let end = cut.length;
  while (end > 0 && TRAILING_JUNK.has(cut.charAt(end - 1))) end--;
  return cut.slice(0, end) + '…';
}

/** Punctuation that reads badly right before the ellipsis. */
const TRAILING_JUNK = new Set([' ', '\n', '\t', ',', ';', ':', '.', '-', '–', '—', '(', '[', '"', '“', '«', '¿', '¡']);
