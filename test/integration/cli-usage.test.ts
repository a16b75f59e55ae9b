import { startSampleServer } from '../../src/cli/demo/sample-server.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/registry.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { runFrontera } from '../helpers/cli.ts';


/** The compiled CLI (dist/, rebuilt by `pretest`), as an operator runs it. */
const frontera = runFrontera;

describe('the CLI tells the truth about how it was called', () => {
  let redis: TestRedis;
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'frontera-usage-'));
    env = { REDIS_URL: redis.url, REDIS_PREFIX: 'usage', DATA_DIR: dataDir, SECRET_KEY: 'u'.repeat(40), FETCH_ALLOW_PRIVATE: '127.0.0.0/8' };
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the version from package.json and help for every command, exit 0', async () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    expect((await frontera(['--version'])).stdout.trim()).toBe(version);
    const results = await Promise.all(Object.keys(COMMANDS).map(async (name) => [name, await frontera([name, '--help'])] as const));
    for (const [name, r] of results) {
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`usage: frontera ${name}`));
    }
  });

  it('suggests the command, option or subcommand that was meant, exit 2', async () => {
    const typo = await frontera(['colect']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "collect"');
    const option = await frontera(['build', '--fom', '2026-01-01']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown option --fom (did you mean "--from"?)');
    expect(option.stderr).not.toMatch(/ERR_PARSE_ARGS|To specify a positional/);
    const sub = await frontera(['digest', 'lsit']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('did you mean "list"');
  });

  it('refuses bad arguments before queuing anything, naming what is wrong', async () => {
    const backwards = await frontera(['build', '--from', '2026-11-10', '--to', '2026-11-01'], env);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('--from 2026-11-10 is not before --to 2026-11-01');
    const port = await frontera(['web', '--port', 'abc'], env);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port "abc" must be a whole number from 1 to 65535');
    const nope = await frontera(['send', 'd_nope'], env);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toContain('no digest with id d_nope');
    expect(nope.stdout).not.toMatch(/written|accepted/);
    const feed = await frontera(['collect', '--feed', 'milenoi'], env);
    expect(feed.code).toBe(2);
    expect(feed.stderr).toContain('did you mean "milenio"');
    // Nothing reached the queues.
    const r = new Redis(redis.url);
    try {
      expect(await r.keys('usage:bull:*:id')).toEqual([]);
    } finally {
      r.disconnect();
    }
  });

  it('labels the job ids it prints with --no-wait', async () => {
    const r = await frontera(['collect', '--no-wait', '--feed', 'milenio', '--feed', 'border-report'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^collect job \S+ {2}feed milenio$/), expect.stringMatching(/^collect job \S+ {2}feed border-report$/)]);
  });

  it('exits 1 when every feed failed and 3 when only some did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontera-feeds-'));
    writeFileSync(join(dir, 'topic.yaml'), readFileSync('config/topic.yaml'));
    const feed = (id: string, url: string) => `  - { id: ${id}, name: ${id}, url: "${url}", language: en }\n`;
    // Failures that are permanent (404, not a feed), so no retry makes the command wait.
    const samples = await startSampleServer('samples/feeds', 0);
    const base = samples.baseUrl;
    try {
      writeFileSync(join(dir, 'feeds.yaml'), `feeds:\n${feed('gone', `${base}missing.xml`)}${feed('broken', `${base}broken.xml`)}`);
      const all = await frontera(['collect'], { ...env, CONFIG_DIR: dir, REDIS_PREFIX: 'usage-feeds' });
      expect(all.stderr).toContain('0 of 2 feeds collected, 2 failed');
      expect(all.code).toBe(1);
      writeFileSync(join(dir, 'feeds.yaml'), `feeds:\n${feed('good', `${base}border-report.xml`)}${feed('broken', `${base}broken.xml`)}`);
      // A fresh prefix: in the first one `broken` is now backing off and would be skipped, not failed.
      const some = await frontera(['collect'], { ...env, CONFIG_DIR: dir, REDIS_PREFIX: 'usage-feeds-2' });
      expect(some.stderr).toContain('1 of 2 feeds collected, 1 failed');
      expect(some.code).toBe(3);
    } finally {
      await new Promise((r) => samples.server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stop', () => {
  it('says when nothing was started, and never stops a Redis it did not start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'frontera-stop-'));
    const foreign = await startRedis();
    try {
      const nothing = await frontera(['stop'], { DATA_DIR: dataDir });
      expect(nothing.code).toBe(0);
      expect(nothing.stdout).toContain('nothing to stop');
      // A record pointing at a port where another redis-server now listens (e.g. after a reboot).
      writeFileSync(join(dataDir, 'redis.json'), JSON.stringify({ port: foreign.port, runId: 'not-this-one' }));
      const refused = await frontera(['stop'], { DATA_DIR: dataDir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('did not start');
      const r = new Redis(foreign.url);
      expect(await r.ping()).toBe('PONG');
      r.disconnect();

      // The private Redis Frontera starts itself is stopped, and the record's identity is checked.
      rmSync(join(dataDir, 'redis.json'));
      expect((await frontera(['subscribers', 'list'], { DATA_DIR: dataDir })).code).toBe(0);
      const { port } = JSON.parse(readFileSync(join(dataDir, 'redis.json'), 'utf8')) as { port: number };
      const stopped = await frontera(['stop'], { DATA_DIR: dataDir });
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain(`stopped the private Redis on port ${port}`);
      const again = await frontera(['stop'], { DATA_DIR: dataDir });
      expect(again.stdout).toContain('is not running');
    } finally {
      await foreign.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
