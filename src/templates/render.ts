import type mjml2htmlType from 'mjml';
import type { Digest, Language } from '../domain/model.ts';
import { buildDigestMjml } from './digest-mjml.ts';
import { renderPlainText } from './plain-text.ts';
import { toViewModel, type DigestView, type ViewContext } from './view-model.ts';

export { PLACEHOLDERS } from './personalize.ts';

/** One digest rendered once; per-subscriber values are still PLACEHOLDERS (see personalize.ts). */
export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

const SUBJECT_MAX = 110;

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  // Break at a word when one is near, so the subject does not end mid-word.
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')}…`;
}

/**
 * "Frontera weekly: <top headline> and N more stories", at most 110 characters (longer subjects are
 * cut by most inboxes anyway). Control characters are removed because the subject becomes a
 * header and feed text must never add a header line.
 */
export function digestSubject(view: DigestView): string {
  const prefix = view.text.subjectPrefix;
  const headline = (view.topHeadline ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (!headline) return `${prefix}${view.periodLabel}`;
  const more = view.storyCount - 1;
  const tail = more > 0 ? view.text.andMoreStories(more) : '';
  return `${prefix}${truncate(headline, SUBJECT_MAX - prefix.length - tail.length)}${tail}`;
}

/** Every edition the digest is rendered in; English is the one stored and shown by default. */
export const EDITIONS: readonly Language[] = ['en', 'es'];

export type RenderedEditions = Record<Language, RenderedDigest>;

/** The issue rendered once per edition language (built once, rendered in each). */
export async function renderEditions(digest: Digest, ctx: ViewContext): Promise<RenderedEditions> {
  const [en, es] = await Promise.all(EDITIONS.map((lang) => renderDigest(digest, ctx, lang)));
  return { en: en!, es: es! };
}

// Loaded on first render: mjml (with juice, cheerio and undici behind it) costs ~0.6 s to import,
// which `send`, `worker` start-up and every other command that never renders would pay.
let mjmlModule: Promise<typeof mjml2htmlType> | undefined;
const loadMjml = (): Promise<typeof mjml2htmlType> => (mjmlModule ??= import('mjml').then((m) => m.default));

export async function renderDigest(digest: Digest, ctx: ViewContext, lang: Language = 'en'): Promise<RenderedDigest> {
  const view = toViewModel(digest, ctx, lang);
  // 'strict': the MJML is ours and feed text is escaped, so any validation error is a template bug;
  // 'soft' would still emit HTML and we would mail a broken issue to everyone.
  // fonts: {} keeps MJML from adding Google Fonts <link>s (we use system fonts; no tracking fetch).
  // ignoreIncludes is mjml 5's default already; stated so a default change cannot read files.
  const mjml2html = await loadMjml();
  let result: Awaited<ReturnType<typeof mjml2htmlType>>;
  try {
    result = await mjml2html(buildDigestMjml(view), {
      validationLevel: 'strict',
      keepComments: false,
      fonts: {},
      ignoreIncludes: true,
      beautify: false,
      minify: false,
    });
  } catch (err) {
    throw new Error(`digest ${digest.id}: MJML rendering failed: ${(err as Error).message}`, { cause: err });
  }
  if (result.errors.length > 0) {
    const detail = result.errors.map((err) => `line ${err.line}: ${err.message}`).join('; ');
    throw new Error(`digest ${digest.id}: MJML validation failed: ${detail}`);
  }
  return { subject: digestSubject(view), html: compactHtml(result.html), text: renderPlainText(view) };
}

/**
 * MJML's output is indented for humans, about a fifth of its bytes. Stripping leading whitespace
 * from each line changes nothing a client renders (the newline still separates, and HTML collapses
 * whitespace; the digest has no <pre>), and needs none of the minifier that crashes on Node 20.
 */
export function compactHtml(html: string): string {
  return html.replace(/\n[ \t]+/g, '\n').replace(/\n{2,}/g, '\n');
}
