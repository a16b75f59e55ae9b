import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadFeeds, loadTopic } from '../../src/config/files.ts';

const root = resolve(import.meta.dirname, '../..');
const sampleFeedsDir = join(root, 'samples/feeds');
const loopback = (u: string) => new URL(u, 'http://127.0.0.1:1/').toString();

describe('config/feeds.yaml', () => {
  const feeds = loadFeeds(join(root, 'config/feeds.yaml'));

  it('lists unique, absolute http(s) feeds in both languages', () => {
    expect(feeds.length).toBeGreaterThanOrEqual(10);
    expect(new Set(feeds.map((f) => f.id)).size).toBe(feeds.length);
    expect(new Set(feeds.map((f) => f.url)).size).toBe(feeds.length);
    for (const f of feeds) expect(new URL(f.url).protocol).toMatch(/^https?:$/);
    expect(feeds.filter((f) => f.language === 'en').length).toBeGreaterThanOrEqual(3);
    expect(feeds.filter((f) => f.language === 'es').length).toBeGreaterThanOrEqual(3);
  });

  it('weights the specialist outlet above the aggregators', () => {
    const insight = feeds.find((f) => f.id === 'insight-crime');
    const google = feeds.filter((f) => f.id.startsWith('google-news-'));
    expect(insight?.weight).toBeGreaterThan(1);
    expect(google.length).toBeGreaterThanOrEqual(3);
    for (const g of google) expect(g.weight).toBeLessThan(insight!.weight);
  });
});

describe('config/topic.yaml', () => {
  const topic = loadTopic(join(root, 'config/topic.yaml'));

  it('has a threshold, weighted terms in English and Spanish, folded', () => {
    expect(topic.threshold).toBeGreaterThan(0);
    expect(topic.terms['fentanyl']).toBeGreaterThan(0);
    expect(topic.terms['fentanilo']).toBeGreaterThan(0);
    // "extradición" and "cárteles" are folded at load.
    expect(topic.terms['extradicion']).toBeGreaterThan(0);
    expect(topic.terms['carteles']).toBeGreaterThan(0);
    for (const term of Object.keys(topic.terms)) expect(term).toBe(term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());
  });

  it('anchors the beat in Mexico', () => {
    for (const a of ['mexico', 'mexican', 'mexicano', 'sheinbaum', 'sinaloa', 'cjng', 'guardia nacional', 'harfuch']) {
      expect(topic.anchors).toContain(a);
    }
  });

  it('pulls away other countries’ cartels and other senses of "cartel"', () => {
    for (const n of ['colombia', 'ecuador', 'opec', 'oil cartel', 'vive latino', 'liga mx']) {
      expect(topic.negative[n], n).toBeGreaterThan(0);
    }
    // A Mexico story may mention Colombia once: a country name must weigh less than a core term.
    expect(topic.negative['colombia']!).toBeLessThan(topic.terms['cartel']!);
  });

  it('defines the six themes, each with 25-80 terms, and the catch-all', () => {
    expect(topic.themes.map((t) => t.id)).toEqual([
      'security-cartels',
      'us-cooperation',
      'extraditions-justice',
      'trade-tariffs',
      'border-migration',
      'fentanyl-trafficking',
    ]);
    for (const theme of topic.themes) {
      expect(theme.title.length, theme.id).toBeGreaterThan(0);
      const n = Object.keys(theme.terms).length;
      expect(n, theme.id).toBeGreaterThanOrEqual(25);
      expect(n, theme.id).toBeLessThanOrEqual(80);
    }
    expect(topic.themes.find((t) => t.id === 'trade-tariffs')?.terms['t mec']).toBeGreaterThan(0);
    expect(topic.otherTheme).toEqual({ id: 'other', title: 'Also this week', titleEs: 'También esta semana' });
    for (const theme of topic.themes) expect(theme.titleEs, theme.id).toBeTruthy();
  });
});

describe('samples/feeds.yaml and samples/feeds/', () => {
  const feeds = loadFeeds(join(root, 'samples/feeds.yaml'), loopback);
  const files = readdirSync(sampleFeedsDir).filter((f) => f.endsWith('.xml'));

  it('resolves every sample feed against the loopback server, one per file', () => {
    expect(new Set(feeds.map((f) => f.id)).size).toBe(feeds.length);
    for (const f of feeds) expect(f.url).toMatch(/^http:\/\/127\.0\.0\.1:1\/[a-z0-9-]+\.xml$/);
    const named = feeds.map((f) => new URL(f.url).pathname.slice(1)).sort();
    expect(named).toEqual([...files].sort());
    expect(named).toContain('broken.xml');
    // test/integration/pipeline.test.ts looks the failing feed up by this id.
    expect(feeds.find((f) => f.url.endsWith('/broken.xml'))?.id).toBe('broken');
    expect(new Set(feeds.map((f) => f.language))).toEqual(new Set(['en', 'es']));
  });

  it('dates every item inside the sample week', () => {
    const lo = Date.parse('2026-11-20T00:00:00Z');
    const hi = Date.parse('2026-11-27T18:00:00Z');
    let items = 0;
    for (const file of files.filter((f) => f !== 'broken.xml')) {
      const xml = readFileSync(join(sampleFeedsDir, file), 'utf8');
      const entries = xml.split(/<item>|<entry>/).slice(1);
      expect(entries.length, file).toBeGreaterThanOrEqual(8);
      expect(entries.length, file).toBeLessThanOrEqual(15);
      items += entries.length;
      for (const entry of entries) {
        const dates = [...entry.matchAll(/<(pubDate|published|updated)>([^<]+)</g)].map((m) => m[2]!);
        expect(dates.length, `${file}: an item without a date`).toBeGreaterThan(0);
        for (const d of dates) {
          const t = Date.parse(d);
          expect(t >= lo && t <= hi, `${file}: ${d}`).toBe(true);
        }
      }
    }
    expect(items).toBeGreaterThanOrEqual(70);
  });

  it('keeps the hostile content escaped in the XML, where the tests expect it', () => {
    const xml = readFileSync(join(sampleFeedsDir, 'mexico-news-daily.xml'), 'utf8');
    expect(xml).toContain('<title>Security cabinet: homicides down 27% in October &lt;mj-include path="/etc/passwd" /&gt;</title>');
    expect(xml).toContain('<script>alert(1)</script>');
    const border = readFileSync(join(sampleFeedsDir, 'border-report.xml'), 'utf8');
    for (const param of ['utm_source=', 'utm_medium=', 'fbclid=', 'gclid=', 'at_medium=', 'at_campaign=', '/#comments']) {
      expect(border, param).toContain(param);
    }
  });
});

describe('invalid config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontera-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file and the key of a bad topic value', () => {
    const file = join(dir, 'topic.yaml');
    writeFileSync(
      file,
      [
        'name: Test',
        'threshold: high',
        'terms: { cartel: 3 }',
        'anchors: [mexico]',
        'themes:',
        '  - id: Security Cartels',
        '    title: Security',
        '    terms: [cartel]',
        '',
      ].join('\n'),
    );
    let error: unknown;
    try {
      loadTopic(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(file);
    expect(message).toContain('threshold');
    expect(message).toContain('themes[0].id');
    expect((error as ConfigError).issues.map((i) => i.key).sort()).toEqual(['themes[0].id', 'threshold']);
  });

  it('names the file and the key of a bad feed', () => {
    const file = join(dir, 'feeds.yaml');
    writeFileSync(file, 'feeds:\n  - id: Insight Crime\n    name: InSight Crime\n    url: https://insightcrime.org/feed/\n    language: pt\n');
    expect(() => loadFeeds(file)).toThrow(ConfigError);
    try {
      loadFeeds(file);
    } catch (err) {
      expect((err as ConfigError).message).toContain(file);
      expect((err as ConfigError).message).toContain('feeds[0].id');
      expect((err as ConfigError).message).toContain('feeds[0].language');
    }
  });

  it('reports a YAML syntax error with its line', () => {
    const file = join(dir, 'broken-topic.yaml');
    writeFileSync(file, 'name: Test\nthreshold: 3\nterms: { cartel: 3\nanchors: [mexico]\n');
    expect(() => loadTopic(file)).toThrow(/broken-topic\.yaml/);
  });
});
