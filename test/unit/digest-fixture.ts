import type { Digest, Language, Story, SummarySentence } from '../../src/domain/model.ts';

/** Hostile values a feed could deliver; the templates must show them as text and never as markup. */
export const HOSTILE_HEADLINE = '<script>alert(1)</script><mj-include path="/etc/passwd" />';
export const HOSTILE_URL = 'javascript:alert(1)';

const OUTLETS = ['Reuters', 'Milenio', 'El Universal', 'Associated Press', 'Proceso', 'The New York Times', 'Animal Político', 'Border Report'];
const EN = [
  'Mexican authorities transferred 26 alleged cartel figures to the United States, the second mass transfer this year, under pressure from Washington over fentanyl trafficking.',
  'US officials said the handover followed weeks of talks on security cooperation and did not involve an extradition treaty process, which critics in Mexico called a shortcut.',
  'The security cabinet said intelligence sharing would continue but that no foreign troops would operate on Mexican soil, repeating the government’s line on sovereignty.',
];
const ES = [
  'La presidenta afirmó que la cooperación con Estados Unidos se basa en el respeto a la soberanía y la confianza mutua, sin subordinación.',
  'Según la Fiscalía, los detenidos enfrentan cargos por narcotráfico, delincuencia organizada y lavado de dinero en cortes federales de Texas y Nueva York.',
  'El gabinete de seguridad informó de 1,200 detenciones y el aseguramiento de 1.5 toneladas de metanfetamina en Sinaloa durante la semana.',
];

function sentence(text: string, language: Language, sources: { outlet: string; url: string }[]): SummarySentence {
  return { text, language, sources: sources.map((s, i) => ({ articleId: `a-${i}-${s.outlet.length}`, ...s })) };
}

function url(outlet: string, n: number): string {
  return `https://www.${outlet.toLowerCase().replace(/[^a-z]+/g, '')}.com/world/americas/mexico-security-cooperation-story-${n}-2025-05-14/?utm_source=rss&id=${n}`;
}

/** A story with `sentences` summary sentences, each citing two outlets, from `outletCount` outlets. */
export function makeStory(n: number, opts: Partial<Story> & { sentences?: number; outletCount?: number; alternateLanguage?: false } = {}): Story {
  const language: Language = n % 4 === 3 ? 'es' : 'en';
  const pool = language === 'es' ? ES : EN;
  const outlets = OUTLETS.slice(0, opts.outletCount ?? 1 + (n % OUTLETS.length)).map((o, i) => OUTLETS[(i + n) % OUTLETS.length] ?? o);
  const summary = Array.from({ length: opts.sentences ?? 3 }, (_, i) =>
    sentence(pool[i % pool.length] ?? '', language, outlets.slice(i % outlets.length, (i % outlets.length) + 2).map((o) => ({ outlet: o, url: url(o, n) }))),
  );
  const story: Story = {
    id: `story-${n}`,
    headline: language === 'es' ? `México entrega a 26 presuntos narcotraficantes a EU (${n})` : `Mexico sends 26 cartel suspects to the US in second mass transfer (${n})`,
    theme: 'security',
    score: 100 - n,
    language,
    firstPublishedAt: '2025-05-13T10:00:00Z',
    lastPublishedAt: '2025-05-15T18:00:00Z',
    outlets,
    summary,
    articles: outlets.map((o, i) => ({ id: `art-${n}-${i}`, title: `Article ${n} by ${o}`, url: url(o, n), outlet: o, language, publishedAt: '2025-05-14T12:00:00Z' })),
    headlineUrl: url(outlets[0]!, n),
    outletLinks: outlets.map((o) => ({ outlet: o, url: url(o, n) })),
    coverage: { MX: n % 3, US: (n + 1) % 3, INT: outlets.length - (n % 3) - ((n + 1) % 3) > 0 ? outlets.length - (n % 3) - ((n + 1) % 3) : 0 },
  };
  if (opts.alternateLanguage !== false && n % 2 === 0) {
    const other: Language = language === 'es' ? 'en' : 'es';
    const otherPool = other === 'es' ? ES : EN;
    story.alternate = {
      language: other,
      headline: other === 'es' ? `México envía a 26 presuntos integrantes de cárteles a EU (${n})` : `Mexico hands 26 cartel suspects to the US (${n})`,
      headlineUrl: url('Milenio', n),
      summary: otherPool.slice(0, opts.sentences ?? 3).map((t) => sentence(t, other, [{ outlet: 'Milenio', url: url('Milenio', n) }])),
    };
  }
  const { sentences: _s, outletCount: _o, alternateLanguage: _a, ...rest } = opts;
  return { ...story, ...rest };
}

function digestOf(themes: Digest['themes'], outletCount: number): Digest {
  return {
    id: '2025-W20',
    title: 'Frontera',
    periodStart: '2025-05-12T00:00:00.000Z',
    periodEnd: '2025-05-19T00:00:00.000Z',
    createdAt: '2025-05-19T06:00:00.000Z',
    status: 'draft',
    articleCount: 143,
    outletCount,
    themes,
  };
}

/** Two themes, a hostile story, a single-source Spanish story and a continuing story. */
export function makeDigestFixture(): Digest {
  const hostile = makeStory(1, {
    headline: HOSTILE_HEADLINE,
    outletCount: 1,
    summary: [
      sentence('A summary that cites <b>bold</b> & a hostile link.', 'en', [{ outlet: 'Evil <Feed>', url: HOSTILE_URL }]),
      sentence('Otra frase con una fuente legítima.', 'es', [{ outlet: 'Milenio', url: 'https://www.milenio.com/policia/nota-1?a=1&b=2' }]),
    ],
  });
  const continuing = makeStory(2, { continuesFrom: { digestId: '2025-W19' }, theme: 'relations' });
  return digestOf(
    [
      { id: 'security', title: 'Security strategy & the cartels', stories: [makeStory(0), hostile, makeStory(3, { outletCount: 1 })] },
      { id: 'relations', title: 'US–Mexico relations', stories: [continuing, makeStory(4), makeStory(5)] },
    ],
    8,
  );
}

/** The size case: 24 stories with 3 sentences each across four themes, realistic lengths. */
export function makeLargeDigest(): Digest {
  const titles = ['Security strategy & the cartels', 'Extraditions and transfers', 'US–Mexico relations', 'Tariffs, trade and the border'];
  const themes = titles.map((title, t) => ({
    id: `theme-${t}`,
    title,
    stories: Array.from({ length: 6 }, (_, i) => makeStory(t * 6 + i, { sentences: 3, outletCount: 2 + ((t + i) % 6) })),
  }));
  return { ...digestOf(themes, 31), lead: ['story-0', 'story-6', 'story-12', 'story-18'] };
}
