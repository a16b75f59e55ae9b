import { FrontError } from '../domain/errors.ts';
import type { ArticleExtractor } from '../pipeline/ports.ts';

/** Stored beside the teaser; the lede and a few paragraphs are what a summary draws on. */
export const FULL_TEXT_MAX = 12_000;
/** Pages with more elements than this are refused (Readability's CPU grows with them). */
const MAX_ELEMENTS = 30_000;
/** Less text than this is a stub, a paywall or a cookie wall, not an article. */
const MIN_ARTICLE_CHARS = 250;

const BLOCK = new Set(['P', 'DIV', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'TR', 'FIGCAPTION', 'SECTION', 'ARTICLE', 'BR', 'HR', 'TABLE', 'UL', 'OL', 'DL', 'DT', 'DD']);
// Readability strips these already; skipping them again costs nothing if a later version doesn't.
const NEVER_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'FORM', 'BUTTON', 'SELECT', 'TEXTAREA']);

type DomNode = { nodeType: number; nodeName: string; textContent: string | null; childNodes: ArrayLike<DomNode> };

/**
 * Main text of an article page: @mozilla/readability over linkedom (no script runs, nothing is
 * fetched: linkedom has no network or script engine), reduced to plain text with paragraph
 * breaks, control characters removed, and capped. Markup never leaves this function.
 */
export function createArticleExtractor(): ArticleExtractor {
  return {
    async extractText(html, url) {
      // Readability's own maxElemsToParse counts getElementsByTagName('*'), which linkedom answers
      // with 0; so start tags are counted here, before any DOM is built for a hostile page.
      const elements = countStartTags(html);
      if (elements > MAX_ELEMENTS) {
        throw new FrontError('PAGE_NO_ARTICLE', `${url}: page too complex to read (more than ${MAX_ELEMENTS} elements)`, { permanent: true });
      }
      // Loaded on first use: linkedom costs ~0.2 s to import, which every CLI command would pay.
      const [{ parseHTML }, { Readability }] = await Promise.all([import('linkedom'), import('@mozilla/readability')]);
      const { document } = parseHTML(html);
      let article: ReturnType<InstanceType<typeof Readability>['parse']>;
      try {
        article = new Readability(document as unknown as Document, { keepClasses: false }).parse();
      } catch (err) {
        throw new FrontError('PAGE_NO_ARTICLE', `${url}: page too complex to read (${(err as Error).message.slice(0, 80)})`, { permanent: true, cause: err });
      }
      if (!article?.content) throw new FrontError('PAGE_NO_ARTICLE', `${url}: no article found on the page`, { permanent: true });
      const { document: content } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
      const text = plainText(content.body as unknown as DomNode);
      if (text.length < MIN_ARTICLE_CHARS) {
        throw new FrontError('PAGE_NO_ARTICLE', `${url}: no article found on the page (${text.length} characters of text)`, { permanent: true });
      }
      return capText(text, FULL_TEXT_MAX);
    },
  };
}

function countStartTags(html: string): number {
  let n = 0;
  const re = /<[A-Za-z]/g;
  while (re.exec(html) && n <= MAX_ELEMENTS) n++;
  return n;
}

function plainText(root: DomNode): string {
  const parts: string[] = [];
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) parts.push(node.textContent ?? '');
    if (node.nodeType !== 1) return;
    const tag = node.nodeName.toUpperCase();
    if (NEVER_TEXT.has(tag)) return;
    const block = BLOCK.has(tag);
    if (block) parts.push('\n');
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) parts.push('\n');
  };
  walk(root);
  return parts
    .join('')
    // Control and format characters (bidi overrides, zero-width) have no place in a summary.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n[\n ]*/g, '\n')
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean)
    .join('\n\n');
}

/** Cuts at the last sentence end before the cap, so no summary sentence is a fragment. */
function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const end = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'), head.lastIndexOf('? '), head.lastIndexOf('! '));
  return end > max / 2 ? head.slice(0, end + 1) : head;
}
