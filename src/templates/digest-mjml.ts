import { PLACEHOLDERS } from './personalize.ts';
import { escapeHtml as e, safeHref } from './escape.ts';
import type { CoverageView, DigestView, OutletLink, SentenceView, SourceRef, StoryView, ThemeView } from './view-model.ts';

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
h3 a{color:${INK};text-decoration:none}
.c{margin:0 0 6px;color:${MUTED};font-size:12px}
`;

// Coverage bar colours: one per country of the outlets (Mexico, United States, international).
const BAR = { MX: '#0b5d57', US: '#3b6ea5', INT: '#b8b2a4' } as const;

/** `lang` only where the text differs from the edition's language, as screen readers need. */
function langAttr(language: string, edition: string): string {
  return language === edition ? '' : ` lang="${e(language)}"`;
}

function outletHtml(link: OutletLink): string {
  return link.url ? `<a href="${safeHref(link.url)}">${e(link.outlet)}</a>` : e(link.outlet);
}

/** "Reported by <a>Reuters</a>, <a>Milenio</a> and 3 more", every named outlet a link. */
function outletsHtml(story: StoryView, view: DigestView): string {
  const names = story.outletLinks.map(outletHtml);
  if (names.length === 0) return '';
  const t = view.text;
  if (story.moreOutlets > 0) return `${e(t.reportedBy)} ${names.join(', ')} ${e(t.and)} ${e(t.more(story.moreOutlets))}`;
  if (names.length === 1) return `${e(t.reportedBy)} ${names[0]}`;
  return `${e(t.reportedBy)} ${names.slice(0, -1).join(', ')} ${e(t.and)} ${names[names.length - 1]}`;
}

/**
 * Outlets by country as a bar of table cells with background colours: no images, so it shows in
 * clients that block them, and tables are what every client lays out the same way.
 */
function coverageHtml(c: CoverageView, view: DigestView): string {
  const cells = (['MX', 'US', 'INT'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `<td width="${Math.max(1, Math.round((100 * c[k]) / c.total))}%" bgcolor="${BAR[k]}" style="background:${BAR[k]};height:6px;font-size:0;line-height:0">&nbsp;</td>`)
    .join('');
  const note = c.oneSide ? ` · <strong>${e(c.oneSide)}</strong>` : '';
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:2px 0 4px"><tr>${cells}</tr></table>
<p class="c">${e(view.text.coverage)}: ${e(c.label)}${note}</p>`;
}

function refHtml(ref: SourceRef): string {
  const label = `[${e(ref.outlet)}]`;
  if (!ref.url) return `<span class="r">${label}</span>`;
  return `<a class="r" href="${safeHref(ref.url)}">${label}</a>`;
}

function sentenceHtml(s: SentenceView, edition: string): string {
  const refs = s.refs.map(refHtml).join(' ');
  // One paragraph per sentence: a reference then plainly belongs to the sentence before it.
  return `<p class="s"${langAttr(s.language, edition)}>${e(s.text)} ${refs}</p>`;
}

function storyMjml(story: StoryView, view: DigestView): string {
  const t = view.text;
  const meta = [outletsHtml(story, view)];
  if (story.languageNote) meta.push(`<span class="t">${e(story.languageNote)}</span>`);
  if (story.singleSource) meta.push(`<span class="t">${e(t.singleSource)}</span>`);
  if (story.continuing) meta.push(`<a href="${safeHref(story.continuing.url)}">${e(t.continuing)}</a>`);
  const headline = story.headlineUrl ? `<a href="${safeHref(story.headlineUrl)}">${e(story.headline)}</a>` : e(story.headline);
  return `<mj-text padding="14px 24px 10px"><h3${langAttr(story.language, view.lang)}>${headline}</h3>
<p class="m">${meta.join(' · ')}</p>
${story.coverage ? coverageHtml(story.coverage, view) : ''}
${story.sentences.map((s) => sentenceHtml(s, view.lang)).join('\n')}</mj-text>`;
}

function sectionMjml(anchor: string, title: string, stories: StoryView[], view: DigestView): string {
  return `<mj-section padding="20px 0 10px"><mj-column>
<mj-text padding="0 24px"><h2 id="${e(anchor)}">${e(title)}</h2></mj-text>
${stories.map((s) => storyMjml(s, view)).join('\n')}
</mj-column></mj-section>`;
}

function themeMjml(theme: ThemeView, view: DigestView): string {
  return sectionMjml(theme.anchor, theme.title, theme.stories, view);
}

const LEAD_ANCHOR = 'top-stories';

function headerMjml(view: DigestView): string {
  return `<mj-section padding="24px 0 8px"><mj-column>
<mj-text padding="0 24px" font-size="13px" color="${MUTED}" align="right"><a href="${safeHref(view.viewInBrowserUrl)}">${e(view.text.viewInBrowser)}</a></mj-text>
<mj-text padding="4px 24px 0"><h1 style="margin:0;font-size:28px;line-height:1.2;color:${INK}">${e(view.title)}</h1>
<p class="m" style="margin-top:4px">${e(view.text.weeklyDigest)} · ${e(view.periodLabel)} · ${e(view.countsLine)}</p></mj-text>
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
  const entries = [
    ...(view.lead.length > 0 ? [{ anchor: LEAD_ANCHOR, title: view.text.topStories, count: view.lead.length }] : []),
    ...view.themes.map((t) => ({ anchor: t.anchor, title: t.title, count: t.stories.length })),
  ];
  const items = entries
    .map((t) => `<li><a href="#${e(t.anchor)}">${e(t.title)}</a> <span class="r">(${t.count})</span></li>`)
    .join('');
  return `<mj-section padding="8px 0"><mj-column>
<mj-text padding="12px 24px" container-background-color="#f6f4ef"><strong>${e(view.text.inThisIssue)}</strong><ul style="margin:6px 0 0;padding-left:20px">${items}</ul></mj-text>
</mj-column></mj-section>`;
}

function missingMjml(view: DigestView): string {
  if (!view.missingSourcesNote) return '';
  return `<mj-section padding="4px 0"><mj-column><mj-text padding="8px 24px" font-size="13px" color="${MUTED}"><p class="m">${e(view.missingSourcesNote)}</p></mj-text></mj-column></mj-section>`;
}

function footerMjml(view: DigestView): string {
  const publicHost = hostOf(view.publicUrl);
  return `<mj-section padding="16px 0 28px" background-color="#f3f1ec"><mj-column>
<mj-text padding="0 24px" font-size="13px" color="${MUTED}"><p class="m">${view.text.receiving(PLACEHOLDERS.email, e(publicHost))}</p>
<p class="m"><a href="${PLACEHOLDERS.unsubscribeUrl}">${e(view.text.unsubscribe)}</a> · <a href="${PLACEHOLDERS.preferencesUrl}">${e(view.text.preferencesShort)}</a> · <a href="${safeHref(view.viewInBrowserUrl)}">${e(view.text.viewInBrowser)}</a> · <a href="${safeHref(view.archiveUrl)}">${e(view.text.pastIssues)}</a></p>
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
  const lead = view.lead.length > 0 ? sectionMjml(LEAD_ANCHOR, view.text.topStories, view.lead, view) : '';
  const body =
    view.themes.length || view.lead.length
      ? `${contentsMjml(view)}\n${lead}\n${view.themes.map((t) => themeMjml(t, view)).join('\n')}`
      : `<mj-section><mj-column><mj-text padding="12px 24px">${e(view.text.noStories)}</mj-text></mj-column></mj-section>`;
  return `<mjml lang="${e(view.lang)}">
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
