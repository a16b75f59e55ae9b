import { PLACEHOLDERS } from './personalize.ts';
import { escapeHtml as e, safeHref } from './escape.ts';
import type { DigestView, SentenceView, SourceRef, StoryView, ThemeView } from './view-model.ts';

/**
 * The MJML source for one issue. Every string from the view model goes through `e()` (text) or
 * `safeHref()` (links) before it is concatenated, so MJML's parser never sees a feed-supplied tag.
 *
 * Size is by design, not by minifier (mjml 5's minify crashes on Node 20): one column; each story is
 * one mj-text (each MJML block costs ~600 bytes of table scaffolding, so blocks per sentence would
 * not fit); repeated styling lives in one mj-style block as classes instead of inline on every
 * link. Clients that drop <style> (rare now) still get readable default headings and links.
 */

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const INK = '#1f2328';
const MUTED = '#5b6168';
const ACCENT = '#0b5d57';

const STYLE = `
a{color:${ACCENT}}
.r{color:${MUTED};font-size:13px;text-decoration:none;white-space:nowrap}
.m{margin:0 0 8px;color:${MUTED};font-size:14px;line-height:1.4}
.t{display:inline-block;padding:0 6px;border:1px solid #c9c2b2;border-radius:3px;font-size:12px;color:${MUTED}}
.s{margin:0 0 6px}
h2{margin:0;padding:0 0 6px;border-bottom:2px solid ${ACCENT};font-size:20px;line-height:1.3;color:${INK}}
h3{margin:0 0 4px;font-size:18px;line-height:1.3;color:${INK}}
`;

/** `lang` only where the text differs from the document's English, as screen readers need. */
function langAttr(language: string): string {
  return language === 'en' ? '' : ` lang="${e(language)}"`;
}

function refHtml(ref: SourceRef): string {
  const label = `[${e(ref.outlet)}]`;
  if (!ref.url) return `<span class="r">${label}</span>`;
  return `<a class="r" href="${safeHref(ref.url)}">${label}</a>`;
}

function sentenceHtml(s: SentenceView): string {
  const refs = s.refs.map(refHtml).join(' ');
  // One paragraph per sentence: a reference then plainly belongs to the sentence before it.
  return `<p class="s"${langAttr(s.language)}>${e(s.text)} ${refs}</p>`;
}

function storyMjml(story: StoryView): string {
  const meta = [e(story.outletsLine)];
  if (story.singleSource) meta.push('<span class="t">Single source</span>');
  if (story.continuing) meta.push(`<a href="${safeHref(story.continuing.url)}">Continuing from an earlier issue</a>`);
  return `<mj-text padding="14px 24px 10px"><h3${langAttr(story.language)}>${e(story.headline)}</h3>
<p class="m">${meta.join(' · ')}</p>
${story.sentences.map(sentenceHtml).join('\n')}</mj-text>`;
}

function themeMjml(theme: ThemeView): string {
  return `<mj-section padding="20px 0 10px"><mj-column>
<mj-text padding="0 24px"><h2 id="${e(theme.anchor)}">${e(theme.title)}</h2></mj-text>
${theme.stories.map(storyMjml).join('\n')}
</mj-column></mj-section>`;
}

function headerMjml(view: DigestView): string {
  return `<mj-section padding="24px 0 8px"><mj-column>
<mj-text padding="0 24px" font-size="13px" color="${MUTED}" align="right"><a href="${safeHref(view.viewInBrowserUrl)}">View in browser</a></mj-text>
<mj-text padding="4px 24px 0"><h1 style="margin:0;font-size:28px;line-height:1.2;color:${INK}">${e(view.title)}</h1>
<p class="m" style="margin-top:4px">Weekly digest · ${e(view.periodLabel)} · ${e(view.countsLine)}</p></mj-text>
</mj-column></mj-section>`;
}

/** Paragraphs of the editors' note; escaped like feed text, since it is typed into a form. */
function noteMjml(view: DigestView): string {
  if (!view.editorNote) return '';
  const paragraphs = view.editorNote.split(/\n{2,}/).map((p) => `<p style="margin:0 0 8px">${e(p).replace(/\n/g, '<br>')}</p>`).join('');
  return `<mj-section padding="4px 0"><mj-column>
<mj-text padding="8px 24px"><div class="note" style="border-left:3px solid ${MUTED};padding-left:12px">${paragraphs}</div></mj-text>
</mj-column></mj-section>`;
}

function contentsMjml(view: DigestView): string {
  const items = view.themes
    .map((t) => `<li><a href="#${e(t.anchor)}">${e(t.title)}</a> <span class="r">(${t.stories.length})</span></li>`)
    .join('');
  return `<mj-section padding="8px 0"><mj-column>
<mj-text padding="12px 24px" container-background-color="#f6f4ef"><strong>In this issue</strong><ul style="margin:6px 0 0;padding-left:20px">${items}</ul></mj-text>
</mj-column></mj-section>`;
}

function missingMjml(view: DigestView): string {
  if (!view.missingSourcesNote) return '';
  return `<mj-section padding="4px 0"><mj-column><mj-text padding="8px 24px" font-size="13px" color="${MUTED}"><p class="m">${e(view.missingSourcesNote)}</p></mj-text></mj-column></mj-section>`;
}

function footerMjml(view: DigestView): string {
  const publicHost = hostOf(view.publicUrl);
  return `<mj-section padding="16px 0 28px" background-color="#f3f1ec"><mj-column>
<mj-text padding="0 24px" font-size="13px" color="${MUTED}"><p class="m">You are receiving this because ${PLACEHOLDERS.email} subscribed to the Frontera weekly digest at ${e(publicHost)}.</p>
<p class="m"><a href="${PLACEHOLDERS.unsubscribeUrl}">Unsubscribe</a> · <a href="${PLACEHOLDERS.preferencesUrl}">Preferences</a> · <a href="${safeHref(view.viewInBrowserUrl)}">View in browser</a> · <a href="${safeHref(view.archiveUrl)}">Past issues</a></p>
<p class="m">${e(view.postalAddress)}</p></mj-text>
</mj-column></mj-section>`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function buildDigestMjml(view: DigestView): string {
  const preview = view.topHeadline ? `${view.countsLine}: ${view.topHeadline}` : view.countsLine;
  const body = view.themes.length
    ? `${contentsMjml(view)}\n${view.themes.map(themeMjml).join('\n')}`
    : `<mj-section><mj-column><mj-text padding="12px 24px">No stories this week.</mj-text></mj-column></mj-section>`;
  return `<mjml lang="en">
<mj-head>
<mj-title>${e(view.title)} · ${e(view.periodLabel)}</mj-title>
<mj-preview>${e(preview)}</mj-preview>
<mj-breakpoint width="480px" />
<mj-attributes>
<mj-all font-family="${FONT}" />
<mj-text font-size="16px" line-height="1.5" color="${INK}" />
<mj-section background-color="#ffffff" />
</mj-attributes>
<mj-style>${STYLE}</mj-style>
</mj-head>
<mj-body background-color="#f3f1ec" width="600px">
${headerMjml(view)}
${noteMjml(view)}
${body}
${missingMjml(view)}
${footerMjml(view)}
</mj-body>
</mjml>`;
}
