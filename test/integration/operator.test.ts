import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { bullmqConnection } from '../../src/adapters/redis-connection.ts';
import { createRedisStore } from '../../src/adapters/redis-store.ts';
import { createQueues } from '../../src/jobs/queues.ts';
import { upsertSchedules, WEEKLY_SCHEDULER } from '../../src/jobs/schedules.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { runFrontera } from '../helpers/cli.ts';


describe('operator commands against a private Redis', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'frontera-op-'));
    env = { REDIS_URL: redis.url, REDIS_PREFIX: 'op', DATA_DIR: dataDir, SECRET_KEY: 's'.repeat(40) };
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const frontera = (...args: string[]) => runFrontera(args, env);

  it('adds, lists, exports and re-imports subscribers', async () => {
    expect((await frontera('subscribers', 'add', 'Lucia@Example.org', '--name', 'Lucía Hernández')).code).toBe(0);
    expect((await frontera('subscribers', 'add', 'pend@example.org', '--status', 'pending')).code).toBe(0);
    const bad = await frontera('subscribers', 'add', 'not-an-address');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('valid EMAIL');

    const list = JSON.parse((await frontera('subscribers', 'list', '--json')).stdout) as { email: string; status: string; name?: string }[];
    expect(list.map((s) => [s.email.toLowerCase(), s.status]).sort()).toEqual([
      ['lucia@example.org', 'confirmed'],
      ['pend@example.org', 'pending'],
    ]);

    const csv = (await frontera('subscribers', 'export', '--format', 'csv')).stdout;
    expect(csv).toContain('Lucía Hernández');
    const file = join(dataDir, 'backup.csv');
    writeFileSync(file, csv.replace('pend@example.org', 'new@example.org'));
    const imported = await frontera('subscribers', 'import', file);
    expect(imported.stdout).toContain('1 added');
    expect(readFileSync(file, 'utf8')).toContain('new@example.org');

    expect((await frontera('subscribers', 'remove', 'pend@example.org')).code).toBe(0);
    const after = JSON.parse((await frontera('subscribers', 'list', '--json')).stdout) as { email: string; status: string; endedReason?: string }[];
    expect(after.find((s) => s.email === 'pend@example.org')).toMatchObject({ status: 'unsubscribed', endedReason: 'removed' });
    // Eight CLI processes, each starting Node and tsx: on a shared 2-core machine under load this
    // alone took over 60 s, so it gets more room than the default.
  }, 150_000);

  it('keeps opt-outs from the command line: add and import refuse a suppressed address (exit 1, saying why)', async () => {
    const client = new Redis(redis.url);
    await createRedisStore(client, 'op').upsertSubscriber({ email: 'gone@example.org', status: 'unsubscribed' });
    client.disconnect();
    const again = await frontera('subscribers', 'add', 'gone@example.org');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--resubscribe');
    const file = join(dataDir, 'rows.csv');
    writeFileSync(file, 'email,status\ngone@example.org,confirmed\nfresh@example.org,confirmed\nFRESH@example.org,pending\n');
    const imported = await frontera('subscribers', 'import', file);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('1 added');
    expect(imported.stdout).toContain('line 4: duplicate of line 3');
    expect(imported.stdout).toContain('line 2: suppressed (already unsubscribed)');
  });

  it('reports status as JSON: subscribers by state, no issue yet, only feeds in use', async () => {
    const r = await frontera('status', '--json');
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as {
      queues: Record<string, unknown>;
      subscribers: Record<string, number>;
      lastIssue: unknown;
      feeds: { id: string }[];
      feedsNeverFetched: string[];
    };
    expect(Object.keys(status.queues).sort()).toEqual(['build', 'collect', 'send']);
    // What the two tests above left: lucia and fresh confirmed, new pending, pend (removed) and gone unsubscribed.
    expect(status.subscribers).toMatchObject({ confirmed: 2, pending: 1, unsubscribed: 2, bounced: 0 });
    expect(status.lastIssue).toBeNull();
    // Nothing was collected in this Redis: no feed is "in use", every enabled one is summarised.
    expect(status.feeds).toEqual([]);
    expect(status.feedsNeverFetched.length).toBeGreaterThan(5);
  });

  it('enqueues without waiting and prints the job ids', async () => {
    const r = await frontera('build', '--no-wait', '--from', '2026-11-01', '--to', '2026-11-08');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^build job \S+$/);
  });

  it('upserts one collect scheduler per feed and the weekly build in its time zone, dropping removed feeds', async () => {
    const queues = createQueues(bullmqConnection(redis.url), 'sched', { backoffMs: 1000 });
    try {
      const base = { collectEveryHours: 3, digestCron: '0 7 * * 1', timeZone: 'America/Mexico_City', autoSend: false };
      await upsertSchedules(queues, { ...base, feedIds: ['a', 'b', 'c'] });
      await upsertSchedules(queues, { ...base, feedIds: ['a', 'c'] });
      const collect = await queues.collect.getJobSchedulers(0, -1);
      expect(collect.map((s) => s.key ?? s.id).sort()).toEqual(['collect-feed-a', 'collect-feed-c']);
      expect(collect[0]?.every).toBe(3 * 3_600_000);
      const [weekly] = await queues.build.getJobSchedulers(0, -1);
      expect(weekly?.key ?? weekly?.id).toBe(WEEKLY_SCHEDULER);
      expect(weekly?.pattern).toBe('0 7 * * 1');
      expect(weekly?.tz).toBe('America/Mexico_City');
      // The next run is a Monday at 07:00 in Mexico City (13:00 UTC; Mexico has no DST since 2022).
      const next = new Date(weekly!.next!);
      expect(next.getUTCDay()).toBe(1);
      expect(next.getUTCHours()).toBe(13);
    } finally {
      await queues.close();
    }
  });
});
