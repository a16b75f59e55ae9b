import type { Digest } from '../../domain/model.ts';
import { escapeHtml, safeHref } from '../../templates/escape.ts';
import { formatPeriod } from '../../templates/view-model.ts';
import { layout, type PageContext } from '../pages.ts';

/**
 * The public archive as web pages, built from the digest itself rather than the emailed HTML:
 * no reader's address, no personal unsubscribe link, no "you are receiving this" footer; the
 * same stories and sources, and a way to subscribe.
 */

export interface IssueSummary {
  id: string;
  periodLabel: string;
  periodEnd: string;
  headlines: string[];
  storyCount: number;
}

export function summarize(digest: Digest): IssueSummary {
  const stories = digest.themes.flatMap((t) => t.stories).sort((a, b) => b.score - a.score);
  return {
    id: digest.id,
    periodLabel: formatPeriod(digest.periodStart, digest.periodEnd),
    periodEnd: digest.periodEnd,
    headlines: stories.slice(0, 3).map((s) => s.headline),
    storyCount: stories.length,
  };
}

const issueUrl = (ctx: PageContext, id: string) => `${ctx.publicUrl}/archive/${encodeURIComponent(id)}`;

function subscribeBox(ctx: PageContext): string {
  return `<section aria-labelledby="subscribe-h">
<h2 id="subscribe-h">Get Frontera every week</h2>
<form method="post" action="${escapeHtml(ctx.publicUrl)}/subscribe">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254">
<div class="hp" aria-hidden="true"><label for="website">Leave this field empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>
</section>`;
}

export function archiveListPage(ctx: PageContext, issues: IssueSummary[], page: number, hasNext: boolean): string {
  const items = issues
    .map(
      (i) => `<li class="issue"><h2><a href="${escapeHtml(issueUrl(ctx, i.id))}">${escapeHtml(i.periodLabel)}</a></h2>
<ul>${i.headlines.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>
<p class="hint">${i.storyCount} ${i.storyCount === 1 ? 'story' : 'stories'}</p></li>`,
    )
    .join('\n');
  const pager = [
    page > 1 ? `<a href="${escapeHtml(ctx.publicUrl)}/archive?page=${page - 1}" rel="prev">Newer issues</a>` : '<span></span>',
    hasNext ? `<a href="${escapeHtml(ctx.publicUrl)}/archive?page=${page + 1}" rel="next">Older issues</a>` : '<span></span>',
  ].join('');
  return layout(
    ctx,
    page > 1 ? `Past issues, page ${page}` : 'Past issues',
    `<h1>Past issues</h1>
<p><a href="${escapeHtml(ctx.publicUrl)}/archive/feed.xml">Atom feed</a> of every issue.</p>
${issues.length === 0 ? '<p>No issue has been sent yet.</p>' : `<ol class="issues" style="list-style:none;padding:0">\n${items}\n</ol>`}
<nav class="pager" aria-label="Archive pages">${pager}</nav>
${subscribeBox(ctx)}`,
    { indexable: true },
  );
}

export function issuePage(ctx: PageContext, digest: Digest): string {
  const period = formatPeriod(digest.periodStart, digest.periodEnd);
  const themes = digest.themes
    .filter((t) => t.stories.length > 0)
    .map(
      (t) => `<section><h2>${escapeHtml(t.title)}</h2>
${t.stories
  .map((s) => {
    const sentences = s.summary
      .map((sen) => `${escapeHtml(sen.text)} <a href="${safeHref(sen.sources[0]?.url ?? '')}">(${escapeHtml(sen.sources[0]?.outlet ?? 'source')})</a>`)
      .join(' ');
    const sources = s.articles
      .slice(0, 6)
      .map((a) => `<a href="${safeHref(a.url)}">${escapeHtml(a.outlet)}</a>`)
      .join(' · ');
    return `<article class="story"><h3>${escapeHtml(s.headline)}</h3>
<p>${sentences}</p>
<p class="sources">Sources: ${sources}</p></article>`;
  })
  .join('\n')}</section>`,
    )
    .join('\n');
  return layout(
    ctx,
    `Frontera weekly, ${period}`,
    `<p><a href="${escapeHtml(ctx.publicUrl)}/archive">← Past issues</a></p>
<h1>Frontera weekly</h1>
<p class="hint">${escapeHtml(period)} · ${digest.articleCount} articles from ${digest.outletCount} outlets</p>
${themes || '<p>This issue had no stories.</p>'}
${subscribeBox(ctx)}`,
    { indexable: true },
  );
}
