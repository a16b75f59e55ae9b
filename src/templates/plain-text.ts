import { PLACEHOLDERS } from './personalize.ts';
import type { DigestView, StoryView } from './view-model.ts';

/**
 * The text/plain part. Readers who see it (plain-text clients, screen readers set that way,
 * spam filters scoring the part) get the same content: sentences carry [n] references and each
 * story ends with its numbered sources, like footnotes. No HTML escaping here; nothing interprets it.
 */

const RULE = '='.repeat(60);

function storyText(story: StoryView): string {
  const lines = [`* ${story.headline}`];
  const meta = [story.outletsLine];
  if (story.singleSource) meta.push('single source');
  if (story.continuing) meta.push(`continuing from an earlier issue: ${story.continuing.url}`);
  lines.push(`  ${meta.join(' · ')}`);
  lines.push('');
  for (const s of story.sentences) {
    const refs = s.refs.map((r) => `[${r.n}]`).join('');
    lines.push(`  ${s.text} ${refs}`);
  }
  lines.push('');
  for (const ref of story.sources) lines.push(`  [${ref.n}] ${ref.outlet}: ${ref.url ?? '(link unavailable)'}`);
  return lines.join('\n');
}

export function renderPlainText(view: DigestView): string {
  const out: string[] = [view.title.toUpperCase(), `Weekly digest · ${view.periodLabel}`, view.countsLine, ''];
  out.push(`View in browser: ${view.viewInBrowserUrl}`, '');
  if (view.editorNote) out.push(view.editorNote, '');
  if (view.themes.length === 0) out.push('No stories this week.', '');
  else {
    out.push('IN THIS ISSUE');
    for (const t of view.themes) out.push(`- ${t.title} (${t.stories.length})`);
    out.push('');
  }
  for (const theme of view.themes) {
    out.push(RULE, theme.title.toUpperCase(), RULE, '');
    for (const story of theme.stories) out.push(storyText(story), '');
  }
  if (view.missingSourcesNote) out.push(view.missingSourcesNote, '');
  out.push(
    '-- ',
    `You are receiving this because ${PLACEHOLDERS.email} subscribed to the Frontera weekly digest.`,
    `Unsubscribe: ${PLACEHOLDERS.unsubscribeUrl}`,
    `Themes, pause, language: ${PLACEHOLDERS.preferencesUrl}`,
    `Past issues: ${view.archiveUrl}`,
    view.postalAddress,
    '',
  );
  return out.join('\n');
}
