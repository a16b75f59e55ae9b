import { describe, expect, it } from 'vitest';
import { escapeHtml, safeHref } from '../../src/templates/escape.ts';
import { personalize, preparePersonalization } from '../../src/templates/personalize.ts';
import { PLACEHOLDERS, renderDigest, type RenderedDigest } from '../../src/templates/render.ts';
import { formatPeriod, outletsLine, toViewModel } from '../../src/templates/view-model.ts';
import { HOSTILE_HEADLINE, makeDigestFixture, makeLargeDigest, makeStory } from './digest-fixture.ts';

const ctx = { publicUrl: 'https://frontera.example/', postalAddress: 'Frontera, Apartado Postal 123, 06700 Ciudad de México, MX' };
const values = { unsubscribeUrl: 'https://frontera.example/unsubscribe?token=v1.YWJj.xyz&list=weekly', email: 'ana+news@example.com' };

let cached: RenderedDigest | undefined;
async function rendered(): Promise<RenderedDigest> {
  cached ??= await renderDigest(makeDigestFixture(), ctx);
  return cached;
}

describe('escape', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('allows only http(s) links', () => {
    expect(safeHref('https://ex.com/a?b=1&c="2"')).toBe('https://ex.com/a?b=1&amp;c=&quot;2&quot;');
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,x', '//evil.example', '/relative', 'vbscript:x']) {
      expect(safeHref(bad)).toBe('#');
    }
  });
});

describe('view model', () => {
  it('labels the period, reading a midnight end as exclusive', () => {
    expect(formatPeriod('2025-05-12T00:00:00Z', '2025-05-19T00:00:00Z')).toBe('12–18 May 2025');
    expect(formatPeriod('2025-04-28T00:00:00Z', '2025-05-04T23:59:59Z')).toBe('28 April – 4 May 2025');
    expect(formatPeriod('2025-12-29T00:00:00Z', '2026-01-05T00:00:00Z')).toBe('29 December 2025 – 4 January 2026');
  });

  it('summarises outlets in one short line', () => {
    expect(outletsLine(['Reuters'])).toBe('Reported by Reuters');
    expect(outletsLine(['Reuters', 'Milenio', 'Proceso'])).toBe('Reported by Reuters, Milenio and Proceso');
    expect(outletsLine(['Reuters', 'Milenio', 'A', 'B', 'C'])).toBe('Reported by Reuters, Milenio and 3 more');
  });

  it('counts, numbers sources per story and drops unsafe URLs', () => {
    const view = toViewModel(makeDigestFixture(), ctx);
    expect(view.countsLine).toBe('6 stories from 8 outlets');
    expect(view.viewInBrowserUrl).toBe('https://frontera.example/archive/2025-W20');
    const [security, relations] = view.themes;
    const hostile = security?.stories[1];
    expect(hostile?.sources.map((s) => [s.n, s.url])).toEqual([
      [1, undefined],
      [2, 'https://www.milenio.com/policia/nota-1?a=1&b=2'],
    ]);
    expect(security?.stories[2]?.singleSource).toBe(true);
    expect(relations?.stories[0]?.continuing?.url).toBe('https://frontera.example/archive/2025-W19');
  });
});

describe('renderDigest', () => {
  it('shows hostile feed text as text and never as markup', async () => {
    const { html } = await rendered();
    expect(html).toContain(escapeHtml(HOSTILE_HEADLINE));
    expect(html).toContain('&lt;mj-include path=&quot;/etc/passwd&quot; /&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<mj-/);
    expect(html).not.toMatch(/root:x:0:0/);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('[Evil &lt;Feed&gt;]');
    expect(html).toContain('A summary that cites &lt;b&gt;bold&lt;/b&gt; &amp; a hostile link.');
  });

  it('escapes a hostile top story in the preview text too', async () => {
    const d = makeDigestFixture();
    d.themes[0]!.stories[1]!.score = 1000;
    const r = await renderDigest(d, ctx);
    expect(r.html).not.toMatch(/<script|<mj-/i);
    expect(r.subject).toContain('<script>alert(1)</script>');
  });

  it('marks Spanish text, single sources and continuing stories', async () => {
    const { html } = await rendered();
    expect(html).toMatch(/<h3 lang="es"><a href="[^"]+">México entrega/);
    expect(html).toMatch(/<p class="s" lang="es">La presidenta/);
    expect(html).toContain('Single source');
    expect(html).toContain('href="https://frontera.example/archive/2025-W19">Continuing from an earlier issue');
    expect(html).toContain('href="https://frontera.example/archive/2025-W20">View in browser');
    expect(html).toContain(ctx.postalAddress);
  });

  it('keeps placeholders intact through MJML for personalize to fill', async () => {
    const r = await rendered();
    expect(r.html).toContain(`href="${PLACEHOLDERS.unsubscribeUrl}"`);
    expect(r.html).toContain(PLACEHOLDERS.email);
    expect(r.text).toContain(PLACEHOLDERS.unsubscribeUrl);
  });

  it('builds a capped subject from the top story', async () => {
    const r = await rendered();
    expect(r.subject).toBe('Frontera weekly: Mexico sends 26 cartel suspects to the US in second mass transfer (0) and 5 more stories');
    const long = makeDigestFixture();
    const first = long.themes[0]!.stories[0]!;
    long.themes[0]!.stories[0] = { ...first, headline: `Very long\nheadline ${'word '.repeat(40)}`, score: 1000 };
    const s = (await renderDigest(long, ctx)).subject;
    expect(s.length).toBeLessThanOrEqual(110);
    expect(s).toMatch(/^Frontera weekly: Very long headline word .*… and 5 more stories$/);
  });

  it('writes a plain-text part with numbered sources', async () => {
    const { text } = await rendered();
    expect(text).toContain('IN THIS ISSUE');
    expect(text).toContain('  Otra frase con una fuente legítima. [2]');
    expect(text).toContain('  [2] Milenio: https://www.milenio.com/policia/nota-1?a=1&b=2');
    expect(text).toContain('  [1] Evil <Feed>: (link unavailable)');
    expect(text).not.toContain('javascript:');
  });

  it('keeps a 24-story, 3-sentence digest under 90 KB so Gmail does not clip it', async () => {
    const big = makeLargeDigest();
    expect(big.themes.flatMap((t) => t.stories)).toHaveLength(24);
    const { html } = await renderDigest(big, ctx);
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(90 * 1024);
  });

  it('renders a digest with no stories', async () => {
    const empty = { ...makeDigestFixture(), themes: [{ id: 'x', title: 'X', stories: [] }] };
    const r = await renderDigest(empty, ctx);
    expect(r.html).toContain('No stories this week.');
    expect(r.subject).toBe('Frontera weekly: 12–18 May 2025');
  });
});

describe('personalize', () => {
  it('fills every placeholder, escaped in HTML and raw in text', async () => {
    const r = await rendered();
    const out = personalize(r, values);
    expect(out.html).toContain('href="https://frontera.example/unsubscribe?token=v1.YWJj.xyz&amp;list=weekly"');
    expect(out.html).toContain('ana+news@example.com subscribed');
    expect(out.text).toContain(`Unsubscribe: ${values.unsubscribeUrl}`);
    expect(out.text).toContain('https://www.reuters.com/');
    for (const token of Object.values(PLACEHOLDERS)) {
      expect(out.html).not.toContain(token);
      expect(out.text).not.toContain(token);
    }
  });

  it('escapes a hostile address and refuses a non-http unsubscribe link', async () => {
    const fill = preparePersonalization(await rendered());
    expect(fill({ ...values, email: '"><script>x</script>@example.com' }).html).not.toContain('<script>');
    expect(() => fill({ ...values, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(/unsubscribeUrl/);
  });

  it('gives each subscriber their own values from one prepared digest', async () => {
    const fill = preparePersonalization(await renderDigest({ ...makeDigestFixture(), themes: [{ id: 'a', title: 'A', stories: [makeStory(9)] }] }, ctx));
    const a = fill({ unsubscribeUrl: 'https://f.example/u?t=a', email: 'a@example.com' });
    const b = fill({ unsubscribeUrl: 'https://f.example/u?t=b', email: 'b@example.com' });
    expect(a.html).toContain('u?t=a');
    expect(a.html).not.toContain('b@example.com');
    expect(b.text).toContain('u?t=b');
  });
});
