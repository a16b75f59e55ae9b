import { describe, expect, it } from 'vitest';
import { evaluateStories, storyErrors } from '../../src/eval/story-evaluation.ts';
import type { LabelledArticle } from '../../src/eval/story-dataset.ts';
import { makeArticle } from './article-factory.ts';

const seizure = 'Navy seizes cocaine lab near Cosalá, Sinaloa';
const item = (id: string, title: string, story: string, window?: string): LabelledArticle => ({
  article: makeArticle({ id, title, summary: title }),
  story,
  ...(window ? { window } : {}),
});

describe('evaluateStories', () => {
  it('clusters each capture window alone, as a weekly build does', () => {
    // The same report in two windows is two stories; clustered together, the set would merge them.
    const items = [item('a1', seizure, 'a-lab', 'A'), item('a2', seizure, 'a-lab', 'A'), item('b1', seizure, 'b-lab', 'B'), item('b2', seizure, 'b-lab', 'B')];
    const e = evaluateStories(items, 0.07);
    expect(e.pairwise).toMatchObject({ precision: 1, recall: 1 });
    const joint = evaluateStories(items.map(({ window: _w, ...rest }) => rest), 0.07);
    expect(joint.pairwise.precision).toBe(1 / 3);
  });

  it('says what each error costs in pairs', () => {
    const items = [item('x1', seizure, 'lab'), item('x2', seizure, 'lab'), item('x3', seizure, 'other')];
    const lines = storyErrors(items, evaluateStories(items, 0.07));
    expect(lines[0]).toBe('lab  2 item(s): shares a predicted story with another (2 false pairs)');
    expect(lines.find((l) => l.startsWith('other'))).toBe('other  1 item(s): shares a predicted story with another (2 false pairs)');
  });
});
