import type { IssueSummary } from './pages.ts';

/** XML text and attribute escaping (Atom is XML: HTML entities such as &nbsp; are not allowed). */
function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** An Atom 1.0 feed (RFC 4287) of the newest issues: each entry links its archive page. */
export function atomFeed(publicUrl: string, issues: (IssueSummary & { updated: string })[]): string {
  const self = `${publicUrl}/archive/feed.xml`;
  const updated = issues[0]?.updated ?? new Date(0).toISOString();
  const entries = issues
    .map((i) => {
      const url = `${publicUrl}/archive/${encodeURIComponent(i.id)}`;
      const summary = i.headlines.length > 0 ? i.headlines.join(' · ') : `${i.storyCount} stories`;
      return `<entry>
<id>${xml(url)}</id>
<title>${xml(`Frontera weekly, ${i.periodLabel}`)}</title>
<link rel="alternate" type="text/html" href="${xml(url)}"/>
<updated>${xml(i.updated)}</updated>
<summary>${xml(summary)}</summary>
</entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xml(self)}</id>
<title>Frontera weekly</title>
<subtitle>Mexico’s strategy against the cartels and US–Mexico relations, once a week</subtitle>
<link rel="self" type="application/atom+xml" href="${xml(self)}"/>
<link rel="alternate" type="text/html" href="${xml(`${publicUrl}/archive`)}"/>
<author><name>Frontera</name></author>
<updated>${xml(updated)}</updated>
${entries}
</feed>
`;
}
