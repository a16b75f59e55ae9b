import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSampleServer } from '../../src/cli/demo/sample-server.ts';
import { runFrontera } from '../helpers/cli.ts';


const frontera = runFrontera;

describe('the operator CLI without services', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontera-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file, the key and the reason for a bad feeds.yaml, and exits 2', async () => {
    copyFileSync('config/topic.yaml', join(dir, 'topic.yaml'));
    writeFileSync(join(dir, 'feeds.yaml'), 'feeds:\n  - id: ok-feed\n    name: OK\n    url: https://example.org/rss\n    language: fr\n');
    const r = await frontera(['feeds', 'list'], { CONFIG_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'feeds.yaml'));
    expect(r.stderr).toContain('feeds[0].language');
  });

  it('names the variable for a bad environment value', async () => {
    const r = await frontera(['feeds', 'list'], { DIGEST_TZ: 'Mars/Olympus_Mons' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environment');
    expect(r.stderr).toContain('DIGEST_TZ');
    expect(r.stderr).toMatch(/IANA time zone/);
  });

  it('lists the configured feeds in both languages', async () => {
    const r = await frontera(['feeds', 'list', '--json'], { CONFIG_DIR: 'config' });
    expect(r.code).toBe(0);
    const feeds = JSON.parse(r.stdout) as { language: string }[];
    expect(new Set(feeds.map((f) => f.language))).toEqual(new Set(['en', 'es']));
  });

  it('checks one feed over HTTP and shows its normalised items with relevance', async () => {
    const { baseUrl, server } = await startSampleServer('samples/feeds', 0);
    try {
      // Without the allowance the guard refuses the loopback server and says which setting allows it.
      const refused = await frontera(['feeds', 'check', `${baseUrl}border-report.xml`], { FETCH_ALLOW_PRIVATE: '' });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/FETCH_REFUSED: 127\.0\.0\.1 resolves to 127\.0\.0\.1 \(loopback\).*FETCH_ALLOW_PRIVATE/);
      const allow = { FETCH_ALLOW_PRIVATE: '127.0.0.0/8' };
      const r = await frontera(['feeds', 'check', `${baseUrl}border-report.xml`, '--json'], allow);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { format: string; items: { url: string; relevance: number }[] };
      expect(out.format).toBe('RSS 2.0');
      expect(out.items.length).toBeGreaterThan(5);
      // Tracking parameters and fragments are gone from every link.
      for (const item of out.items) expect(item.url).not.toMatch(/utm_|fbclid|gclid|#/);
      const broken = await frontera(['feeds', 'check', `${baseUrl}broken.xml`], allow);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('FEED_PARSE_ERROR');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses an unknown command with the help text', async () => {
    const r = await frontera(['colect'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "colect"');
  });
});
