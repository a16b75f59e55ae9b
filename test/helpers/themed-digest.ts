import type { Digest } from '../../src/domain/model.ts';
import { renderDigest } from '../../src/templates/render.ts';
import { makeStory } from '../unit/digest-fixture.ts';

/** A sent-ready digest in two of topic.yaml's themes, each headline naming its theme. */
export function themedDigest(id: string): Digest {
  return {
    id,
    title: 'Frontera weekly',
    periodStart: '2026-11-23T00:00:00.000Z',
    periodEnd: '2026-11-30T00:00:00.000Z',
    createdAt: '2026-11-30T06:00:00.000Z',
    status: 'approved',
    articleCount: 40,
    outletCount: 6,
    themes: [
      { id: 'security-cartels', title: 'Security and cartels', stories: [1, 2].map((n) => makeStory(n, { headline: `Cartel story ${n}`, theme: 'security-cartels' })) },
      { id: 'border-migration', title: 'Border and migration', stories: [3, 4].map((n) => makeStory(n, { headline: `Border story ${n}`, theme: 'border-migration', language: 'en' })) },
      { id: 'trade-tariffs', title: 'Trade and tariffs', stories: [] },
    ],
  };
}

export async function saveThemedDigest(store: { saveDigest(d: Digest, r: { subject: string; html: string; text: string }): Promise<void> }, id: string, publicUrl: string): Promise<Digest> {
  const digest = themedDigest(id);
  await store.saveDigest(digest, await renderDigest(digest, { publicUrl, postalAddress: 'Frontera, Apartado 12, CDMX' }));
  return digest;
}
