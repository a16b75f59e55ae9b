import { describe, expect, it } from 'vitest';
import { renderDigest, renderEditions } from '../../src/templates/render.ts';
import { toViewModel } from '../../src/templates/view-model.ts';
import { makeDigestFixture, makeLargeDigest, makeStory } from './digest-fixture.ts';

const ctx = { publicUrl: 'https://frontera.example/', postalAddress: 'Frontera, Apartado Postal 123, 06700 Ciudad de México, MX' };
const MAX_HTML_BYTES = 90 * 1024;

describe('the bilingual edition', () => {
  it('renders the Spanish edition in Spanish: interface, dates, section names', async () => {
    const digest = makeDigestFixture();
    digest.themes[0]!.titleEs = 'Seguridad y cárteles';
    const es = await renderDigest({ ...digest, lead: ['story-0'], missingSources: ['Milenio', 'Proceso'] }, ctx, 'es');
    expect(es.html).toContain('Faltan esta semana: Milenio y Proceso.');
    expect(es.html).toContain('<html lang="es"');
    for (const text of ['Lo más importante', 'En este número', 'Ver en el navegador', 'Cancelar suscripción', '12–18 de mayo de 2025', 'Seguridad y cárteles']) {
      expect(es.html).toContain(text);
    }
    expect(es.subject.startsWith('Frontera semanal: ')).toBe(true);
    expect(es.text).toContain('LO MÁS IMPORTANTE');
    const en = await renderDigest({ ...digest, lead: ['story-0'] }, ctx, 'en');
    expect(en.html).toContain('Top stories');
    expect(en.html).not.toContain('Lo más importante');
  });

  it("tells each story from outlets in the reader's language when it has them, and marks it otherwise", () => {
    const both = makeStory(0); // English, with a Spanish version from Milenio
    const englishOnly = makeStory(5, { alternateLanguage: false });
    const digest = { ...makeDigestFixture(), themes: [{ id: 's', title: 'S', stories: [both, englishOnly] }] };
    const es = toViewModel(digest, ctx, 'es').themes[0]!.stories;
    expect(es[0]!.headline).toBe(both.alternate!.headline);
    expect(es[0]!.language).toBe('es');
    expect(es[0]!.languageNote).toBeUndefined();
    expect(es[0]!.sentences.every((s) => s.language === 'es')).toBe(true);
    expect(es[1]!.headline).toBe(englishOnly.headline);
    expect(es[1]!.languageNote).toBe('En inglés');
    const en = toViewModel(digest, ctx, 'en').themes[0]!.stories;
    expect(en[0]!.headline).toBe(both.headline);
    expect(en[1]!.languageNote).toBeUndefined();
  });

  it('keeps both editions of a full issue within 90 KB', async () => {
    const editions = await renderEditions(makeLargeDigest(), ctx);
    for (const lang of ['en', 'es'] as const) expect(Buffer.byteLength(editions[lang].html, 'utf8')).toBeLessThanOrEqual(MAX_HTML_BYTES);
  });
});

describe('story presentation', () => {
  it('links the headline and every outlet it credits', async () => {
    const story = makeStory(0, { outletCount: 3 });
    const { html, text } = await renderDigest({ ...makeDigestFixture(), themes: [{ id: 's', title: 'S', stories: [story] }] }, ctx);
    expect(html).toContain(`<h3><a href="${story.headlineUrl!.replace(/&/g, '&amp;')}">`);
    for (const o of story.outletLinks!) expect(html).toContain(`<a href="${o.url.replace(/&/g, '&amp;')}">${o.outlet}</a>`);
    expect(text).toContain(story.headlineUrl!);
  });

  it('shows coverage by country as a bar of coloured table cells, and says when one side of the border only covered it', async () => {
    const mexicoOnly = makeStory(0, { coverage: { MX: 3, US: 0, INT: 1 } });
    const both = makeStory(2, { id: 'both', coverage: { MX: 2, US: 2, INT: 0 } });
    const { html, text } = await renderDigest({ ...makeDigestFixture(), themes: [{ id: 's', title: 'S', stories: [mexicoOnly, both] }] }, ctx);
    expect(html).toMatch(/<td width="75%" bgcolor="#[0-9a-f]{6}"[^>]*>&nbsp;<\/td><td width="25%" bgcolor/);
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('Coverage: 3 Mexican · 1 international · <strong>Covered by Mexican outlets only</strong>');
    expect(html).toContain('Coverage: 2 Mexican · 2 US</p>');
    expect(text).toContain('Coverage: 3 Mexican · 1 international · Covered by Mexican outlets only');
  });

  it('opens with the lead stories and does not repeat them in their sections', () => {
    const digest = makeLargeDigest();
    const view = toViewModel(digest, ctx);
    expect(view.lead.map((s) => s.id)).toEqual(digest.lead);
    const inSections = view.themes.flatMap((t) => t.stories.map((s) => s.id));
    for (const id of digest.lead!) expect(inSections).not.toContain(id);
    expect(view.storyCount).toBe(24);
  });
});
