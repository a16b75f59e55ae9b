import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createArticleExtractor, FULL_TEXT_MAX } from '../../src/adapters/article-extractor.ts';
import { FrontError } from '../../src/domain/errors.ts';

const page = (name: string) => readFileSync(`test/fixtures/pages/${name}`, 'utf8');
const extractor = createArticleExtractor();

async function refusal(fn: () => Promise<unknown>): Promise<FrontError> {
  const err = await fn().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FrontError);
  return err as FrontError;
}

describe('article extractor (readability over linkedom)', () => {
  it('keeps the story body as plain paragraphs and drops navigation, ads, related links and comments', async () => {
    const text = await extractor.extractText(page('article-es.html'), 'https://diario.example/policia/1');
    const paragraphs = text.split('\n\n');
    expect(paragraphs.some((p) => p.startsWith('Elementos de la Fiscalía General de la República (FGR)'))).toBe(true);
    expect(text).toContain('lavado al menos 300 millones de pesos');
    expect(text).toContain('Centro Federal de Readaptación Social del Altiplano');
    for (const junk of ['Deportes', 'Receta de pozole', 'Inicia sesión para comentar', 'dataLayer', 'Todos los derechos reservados']) {
      expect(text).not.toContain(junk);
    }
    expect(text).not.toMatch(/[<>]/);
  });

  it('neutralises hostile markup: no script output, handlers, iframes, templates, forms or bidi controls', async () => {
    const text = await extractor.extractText(page('hostile.html'), 'https://diario.example/x');
    expect(text).toContain('La presidenta Claudia Sheinbaum rechazó este miércoles');
    expect(text).toContain('respeto a la soberanía');
    for (const bad of ['INJECTED-BY-SCRIPT', 'NOSCRIPT-TEXT', 'TEMPLATE-TEXT', 'SVG-TEXT', 'contraseña', 'alert', 'onerror', 'javascript:', '169.254', 'evil.example', '<']) {
      expect(text, bad).not.toContain(bad);
    }
    expect(text).not.toMatch(/[\u200b-\u200f\u202a-\u202e]/);
  });

  it('refuses a page with no article (a paywall) rather than storing its boilerplate', async () => {
    const err = await refusal(() => extractor.extractText(page('no-article.html'), 'https://diario.example/paywall'));
    expect(err.code).toBe('PAGE_NO_ARTICLE');
    expect(err.message).toContain('https://diario.example/paywall');
  });

  it('caps a very long article at a sentence end, and gives up on a page with too many elements', async () => {
    const long = `<html><body><article><h1>Informe</h1>${'<p>El Cártel de Sinaloa amplió sus rutas de tráfico de fentanilo hacia Arizona según el informe anual de la DEA.</p>'.repeat(2_000)}</article></body></html>`;
    const text = await extractor.extractText(long, 'https://diario.example/long');
    expect(text.length).toBeLessThanOrEqual(FULL_TEXT_MAX);
    expect(text.endsWith('.')).toBe(true);
    const deep = `<html><body><article>${'<div><span>x</span></div>'.repeat(20_000)}</article></body></html>`;
    expect((await refusal(() => extractor.extractText(deep, 'https://diario.example/deep'))).code).toBe('PAGE_NO_ARTICLE');
  });
});
