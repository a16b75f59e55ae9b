import { PLACEHOLDERS } from './personalize.ts';
import type { DigestView, StoryView } from './view-model.ts';

/**
 * The text/plain part. Readers who see it (plain-text clients, screen readers set that way,
 * spam filters scoring the part) get the same content: sentences carry [n] references and each
 * story ends with its numbered sources, like footnotes. No HTML escaping here; nothing interprets it.
 */

const RULE = '='.repeat(60);

function storyText(story: StoryView, view: DigestView): string {
  const t = view.text;
  const lines = [`* ${story.headline}`];
  if (story.headlineUrl) lines.push(`  ${story.headlineUrl}`);
  const meta = [story.outletsLine];
  if (story.languageNote) meta.push(story.languageNote);
  if (story.singleSource) meta.push(t.singleSource.toLowerCase());
  if (story.continuing) meta.push(`${t.continuing.toLowerCase()}: ${story.continuing.url}`);
  lines.push(`  ${meta.join(' · ')}`);
  if (story.coverage) lines.push(`  ${t.coverage}: ${story.coverage.label}${story.coverage.oneSide ? ` · ${story.coverage.oneSide}` : ''}`);
  lines.push('');
  for (const s of story.sentences) {
    const refs = s.refs.map((r) => `[${r.n}]`).join('');
    lines.push(`  ${s.text} ${refs}`);
  }
  lines.push('');
  for (const ref of story.sources) lines.push(`  [${ref.n}] ${ref.outlet}: ${ref.url ?? '(link unavailable)'}`);
  // Outlets the credit line names that no sentence cites still get their link.
  const cited = new Set(story.sources.map((r) => r.outlet.toLowerCase()));
  for (const o of story.outletLinks) if (o.url && !cited.has(o.outlet.toLowerCase())) lines.push(`  ${o.outlet}: ${o.url}`);
  return lines.join('\n');
}

export function renderPlainText(view: DigestView): string {
  const t = view.text;
  const out: string[] = [view.title.toUpperCase(), `${t.weeklyDigest} · ${view.periodLabel}`, view.countsLine, ''];
  out.push(`${t.viewInBrowser}: ${view.viewInBrowserUrl}`, '');
  if (view.editorNote) out.push(view.editorNote, '');
  if (view.themes.length === 0 && view.lead.length === 0) out.push(t.noStories, '');
  else {
    out.push(t.inThisIssue.toUpperCase());
    if (view.lead.length > 0) out.push(`- ${t.topStories} (${view.lead.length})`);
    for (const theme of view.themes) out.push(`- ${theme.title} (${theme.stories.length})`);
    out.push('');
  }
  const sections = [...(view.lead.length > 0 ? [{ title: t.topStories, stories: view.lead }] : []), ...view.themes];
  for (const section of sections) {
    out.push(RULE, section.title.toUpperCase(), RULE, '');
    for (const story of section.stories) out.push(storyText(story, view), '');
  }
  if (view.missingSourcesNote) out.push(view.missingSourcesNote, '');
  out.push(
    '-- ',
    t.receiving(PLACEHOLDERS.email, new URL(view.publicUrl).host),
    `${t.unsubscribe}: ${PLACEHOLDERS.unsubscribeUrl}`,
    `${t.preferences}: ${PLACEHOLDERS.preferencesUrl}`,
    `${t.pastIssues}: ${view.archiveUrl}`,
    view.postalAddress,
    '',
  );
  return out.join('\n');
}
