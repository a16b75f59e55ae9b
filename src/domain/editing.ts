import { z } from 'zod';
import type { Digest, Language, Story } from './model.ts';

/**
 * An editor's changes to a draft, kept apart from what the build composed so each one can be
 * undone (restore, unpin) and so a rebuild of the same window keeps them. Applying is pure:
 * base digest + edits → the digest that is rendered and sent.
 */
export const DigestEdits = z.object({
  dropped: z.array(z.string()).default([]),
  pinned: z.array(z.string()).default([]),
  headlines: z.record(z.string(), z.string()).default({}),
  /** Headlines for a story's version in its other language (`alternate`), shown in that edition. */
  alternateHeadlines: z.record(z.string(), z.string()).default({}),
  /** story id → theme id */
  moves: z.record(z.string(), z.string()).default({}),
  note: z.string().optional(),
});
export type DigestEdits = z.infer<typeof DigestEdits>;

export const NO_EDITS: DigestEdits = { dropped: [], pinned: [], headlines: {}, alternateHeadlines: {}, moves: {} };
export const MAX_HEADLINE = 200;
export const MAX_NOTE = 1200;

export type EditAction =
  | { kind: 'drop' | 'restore' | 'pin' | 'unpin'; storyId: string }
  /** `lang`: the edition whose headline changes; unset, the story's own language. */
  | { kind: 'headline'; storyId: string; text: string; lang?: Language }
  | { kind: 'move'; storyId: string; themeId: string }
  | { kind: 'note'; text: string };

export class EditError extends Error {
  override name = 'EditError';
}

export function storyIds(digest: Digest): string[] {
  return digest.themes.flatMap((t) => t.stories.map((s) => s.id));
}

/** Validates an action against the base digest and the themes it may move to, then records it. */
export function updateEdits(base: Digest, edits: DigestEdits, action: EditAction, themes: { id: string }[]): DigestEdits {
  const next: DigestEdits = structuredClone(edits);
  if (action.kind === 'note') {
    const text = action.text.trim();
    if (text.length > MAX_NOTE) throw new EditError(`the note is ${text.length} characters; at most ${MAX_NOTE}`);
    if (text) next.note = text;
    else delete next.note;
    return next;
  }
  if (!storyIds(base).includes(action.storyId)) throw new EditError(`digest ${base.id} has no story ${action.storyId}`);
  const id = action.storyId;
  const without = (list: string[]) => list.filter((x) => x !== id);
  switch (action.kind) {
    case 'drop':
      next.dropped = [...without(next.dropped), id];
      next.pinned = without(next.pinned);
      break;
    case 'restore':
      next.dropped = without(next.dropped);
      break;
    case 'pin':
      next.pinned = [...without(next.pinned), id];
      next.dropped = without(next.dropped);
      break;
    case 'unpin':
      next.pinned = without(next.pinned);
      break;
    case 'headline': {
      const text = action.text.replace(/\s+/g, ' ').trim();
      if (!text) throw new EditError('a headline cannot be empty');
      if (text.length > MAX_HEADLINE) throw new EditError(`the headline is ${text.length} characters; at most ${MAX_HEADLINE}`);
      const story = base.themes.flatMap((t) => t.stories).find((s) => s.id === id)!;
      if (!action.lang || action.lang === story.language) {
        next.headlines[id] = text;
      } else if (story.alternate?.language === action.lang) {
        // The other edition shows the story as its outlets in that language told it.
        next.alternateHeadlines[id] = text;
      } else {
        throw new EditError(`story ${id} has no ${action.lang} version: its ${action.lang} edition shows the ${story.language} headline, so edit that one`);
      }
      break;
    }
    case 'move':
      if (!themes.some((t) => t.id === action.themeId)) {
        throw new EditError(`no theme ${action.themeId}; themes: ${themes.map((t) => t.id).join(', ')}`);
      }
      next.moves[id] = action.themeId;
      break;
  }
  return next;
}

/**
 * Drops, moves and retitles stories, then puts pinned stories first: their score rises above
 * every other story's, so the "top story" line, the order and any trimming for size all favour
 * them. Themes left empty disappear; a theme that gained its first story appears.
 */
export function applyEdits(base: Digest, edits: DigestEdits, themes: { id: string; title: string }[]): Digest {
  const all = base.themes.flatMap((t) => t.stories.map((s) => ({ story: s, themeId: t.id })));
  const top = Math.max(0, ...all.map((x) => x.story.score));
  const titles = new Map([...themes.map((t) => [t.id, t.title] as const), ...base.themes.map((t) => [t.id, t.title] as const)]);
  const order = base.themes.map((t) => t.id);
  for (const themeId of Object.values(edits.moves)) if (!order.includes(themeId)) order.push(themeId);
  const byTheme = new Map<string, Story[]>(order.map((id) => [id, []]));
  for (const { story, themeId } of all) {
    if (edits.dropped.includes(story.id)) continue;
    const pin = edits.pinned.indexOf(story.id);
    const edited: Story = {
      ...story,
      headline: edits.headlines[story.id] ?? story.headline,
      ...(story.alternate && edits.alternateHeadlines[story.id] ? { alternate: { ...story.alternate, headline: edits.alternateHeadlines[story.id]! } } : {}),
      theme: edits.moves[story.id] ?? story.theme,
      // Earlier pins stay above later ones.
      score: pin >= 0 ? top + edits.pinned.length - pin : story.score,
    };
    byTheme.get(edits.moves[story.id] ?? themeId)!.push(edited);
  }
  const ranked = [...byTheme]
    .map(([id, stories]) => ({ id, title: titles.get(id) ?? id, stories: stories.sort((a, b) => b.score - a.score) }))
    .filter((t) => t.stories.length > 0);
  // A theme holding a pinned story leads; otherwise the build's order stands.
  const pinnedRank = (t: { stories: Story[] }) => Math.min(...t.stories.map((s) => (edits.pinned.includes(s.id) ? edits.pinned.indexOf(s.id) : Infinity)));
  const themesOut = ranked
    .map((t, i) => ({ t, i, p: pinnedRank(t) }))
    .sort((a, b) => (a.p === b.p ? a.i - b.i : a.p - b.p))
    .map((x) => x.t);
  const { editorNote: _n, ...rest } = base;
  return { ...rest, themes: themesOut, ...(edits.note ? { editorNote: edits.note } : {}), edits };
}
