import { describe, expect, it } from 'vitest';
import { applyEdits, NO_EDITS, updateEdits } from '../../src/domain/editing.ts';
import { suggest } from '../../src/cli/suggest.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { makeDigestFixture } from './digest-fixture.ts';

const themes = [
  { id: 'security', title: 'Security strategy & the cartels' },
  { id: 'relations', title: 'US–Mexico relations' },
  { id: 'border', title: 'The border' },
];

describe('editor changes to a draft', () => {
  const base = makeDigestFixture();
  const [first, second] = [base.themes[0]!.stories[0]!, base.themes[1]!.stories[2]!];

  it('drops and restores a story, dropping a theme left empty', () => {
    let edits = updateEdits(base, NO_EDITS, { kind: 'drop', storyId: first.id }, themes);
    expect(applyEdits(base, edits, themes).themes.flatMap((t) => t.stories.map((s) => s.id))).not.toContain(first.id);
    edits = updateEdits(base, edits, { kind: 'restore', storyId: first.id }, themes);
    expect(applyEdits(base, edits, themes)).toMatchObject({ themes: base.themes.map((t) => ({ id: t.id })) });
  });

  it('pins a story first in the issue, moves it and retitles it, without touching the base', () => {
    let edits = updateEdits(base, NO_EDITS, { kind: 'move', storyId: second.id, themeId: 'border' }, themes);
    edits = updateEdits(base, edits, { kind: 'pin', storyId: second.id }, themes);
    edits = updateEdits(base, edits, { kind: 'headline', storyId: second.id, text: '  A   new\nheadline ' }, themes);
    const out = applyEdits(base, edits, themes);
    expect(out.themes[0]).toMatchObject({ id: 'border', title: 'The border' });
    expect(out.themes[0]!.stories[0]).toMatchObject({ id: second.id, headline: 'A new headline', theme: 'border' });
    expect(Math.max(...out.themes.flatMap((t) => t.stories.map((s) => s.score)))).toBe(out.themes[0]!.stories[0]!.score);
    expect(base.themes[1]!.stories[2]!.headline).toBe(second.headline);
  });

  it('adds and removes the note, and refuses unknown stories, themes and empty headlines', () => {
    const withNote = updateEdits(base, NO_EDITS, { kind: 'note', text: 'Hello' }, themes);
    expect(applyEdits(base, withNote, themes).editorNote).toBe('Hello');
    expect(applyEdits(base, updateEdits(base, withNote, { kind: 'note', text: ' ' }, themes), themes).editorNote).toBeUndefined();
    expect(() => updateEdits(base, NO_EDITS, { kind: 'pin', storyId: 'nope' }, themes)).toThrow(/no story nope/);
    expect(() => updateEdits(base, NO_EDITS, { kind: 'move', storyId: first.id, themeId: 'mars' }, themes)).toThrow(/no theme mars/);
    expect(() => updateEdits(base, NO_EDITS, { kind: 'headline', storyId: first.id, text: '   ' }, themes)).toThrow(/cannot be empty/);
  });
});

describe('editing a headline per edition', () => {
  const fixture = makeDigestFixture();
  const story = fixture.themes[0]!.stories[0]!;
  // The story as the bilingual build gives it: English outlets' version first, Spanish outlets' beside it.
  const withAlternate = { ...story, language: 'en' as const, alternate: { language: 'es' as const, headline: 'Titular de los medios en español', summary: story.summary } };
  const base = { ...fixture, themes: [{ ...fixture.themes[0]!, stories: [withAlternate, ...fixture.themes[0]!.stories.slice(1)] }, ...fixture.themes.slice(1)] };
  const ctx = { publicUrl: 'https://frontera.example', postalAddress: 'Apartado Postal 123, CDMX' };

  it('changes the Spanish edition\'s headline with lang es, and leaves the English one alone', async () => {
    const edits = updateEdits(base, NO_EDITS, { kind: 'headline', storyId: story.id, text: 'Titular corregido por la editora', lang: 'es' }, themes);
    const out = applyEdits(base, edits, themes);
    const edited = out.themes[0]!.stories.find((s) => s.id === story.id)!;
    expect(edited.headline).toBe(story.headline);
    expect(edited.alternate?.headline).toBe('Titular corregido por la editora');
    const [es, en] = [await renderDigest(out, ctx, 'es'), await renderDigest(out, ctx, 'en')];
    expect(es.html).toContain('Titular corregido por la editora');
    expect(en.html).not.toContain('Titular corregido por la editora');
  });

  it('lang naming the story\'s own language edits the main headline; a language it has no version in is refused', () => {
    const edits = updateEdits(base, NO_EDITS, { kind: 'headline', storyId: story.id, text: 'Fixed', lang: 'en' }, themes);
    expect(applyEdits(base, edits, themes).themes[0]!.stories[0]!.headline).toBe('Fixed');
    // A story told in English only: its Spanish edition shows the English headline, marked as such.
    const { alternate: _a, ...englishOnly } = { ...fixture.themes[1]!.stories[0]!, language: 'en' as const };
    const single = { ...base, themes: [base.themes[0]!, { ...base.themes[1]!, stories: [englishOnly] }] };
    expect(() => updateEdits(single, NO_EDITS, { kind: 'headline', storyId: englishOnly.id, text: 'X', lang: 'es' }, themes)).toThrow(/has no es version/);
  });
});

describe('did you mean', () => {
  it('finds one typo, a swapped pair and a unique prefix, and nothing for unrelated words', () => {
    const commands = ['collect', 'build', 'send', 'status', 'stop', 'subscribers'];
    expect(suggest('colect', commands)).toBe('collect');
    expect(suggest('sned', commands)).toBe('send');
    expect(suggest('subs', commands)).toBe('subscribers');
    expect(suggest('xyz', commands)).toBeUndefined();
  });
});
