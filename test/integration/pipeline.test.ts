import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { sendTestCopies } from '../../src/cli/commands/send-test.ts';
import type { Digest } from '../../src/domain/model.ts';
import { SAMPLE_WEEK_END, startSampleServer } from '../../src/cli/demo/sample-server.ts';
import { buildNow, collectNow, sendNow } from '../../src/cli/operations.ts';
import type { Progress } from '../../src/cli/progress.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startWorkers, type Workers } from '../../src/workers/index.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const run = promisify(execFile);
const silent: Progress = { update() {}, done() {}, line() {} };
const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * Fixture feeds over real loopback HTTP → BullMQ workers on a private redis-server → a real SMTP
 * server; what arrives is parsed with mailparser.
 */
describe('the weekly digest, end to end', () => {
  let redis: TestRedis;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let feeds: { baseUrl: string; server: Server };
  let app: App;
  let workers: Workers;
  let dataDir: string;

  beforeAll(async () => {
    redis = await startRedis();
    sink = await startSmtpSink();
    // Move the sample week so it ends an hour ago, as the demo does.
    feeds = await startSampleServer('samples/feeds', Date.now() - 3_600_000 - SAMPLE_WEEK_END);
    dataDir = mkdtempSync(join(tmpdir(), 'frontera-e2e-'));
    const config = loadConfig(
      {
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'e2e',
        SMTP_URL: sink.url,
        PUBLIC_URL: 'https://frontera.test',
        SECRET_KEY: 'k'.repeat(40),
        MAIL_FROM: 'Frontera <digest@frontera.test>',
        MAIL_REPLY_TO: 'editors@frontera.test',
        DATA_DIR: dataDir,
        SEND_BATCH_SIZE: '2',
        FETCH_ALLOW_PRIVATE: '127.0.0.1',
        FETCH_HOST_INTERVAL_MS: '20',
      },
      { feedsFile: 'samples/feeds.yaml', resolveFeedUrl: (u) => new URL(u, feeds.baseUrl).toString() },
    );
    app = await createApp(config, { logger: quietLogger, backoffMs: 20 });
    workers = startWorkers(app);
  });

  afterAll(async () => {
    await workers?.close();
    await app?.close();
    await new Promise((r) => feeds?.server.close(r));
    await sink?.stop();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('collects every good feed even though one is broken, and a second collect adds nothing', async () => {
    const ids = app.config.feeds.map((f) => f.id);
    const first = await collectNow(app, ids, silent);
    expect(first.failed.map((f) => f.feedId)).toEqual(['broken']);
    expect(first.collected).toHaveLength(ids.length - 1);
    expect(first.collected.reduce((n, r) => n + r.added, 0)).toBeGreaterThan(30);
    const brokenState = await app.store.getFeedState('broken');
    expect(brokenState?.lastErrorCode).toBe('FEED_PARSE_ERROR');

    const second = await collectNow(app, ids, silent);
    expect(second.collected.reduce((n, r) => n + r.added, 0)).toBe(0);
  });

  it('builds a draft digest with themes, stories and sourced summaries', async () => {
    const { result } = await buildNow(app, {}, silent);
    expect(result?.status).toBe('built');
    const digest = await app.store.getDigest((result as { digestId: string }).digestId);
    expect(digest?.status).toBe('draft');
    const stories = digest!.themes.flatMap((t) => t.stories);
    expect(stories.length).toBeGreaterThanOrEqual(5);
    expect(stories.some((s) => s.outlets.length >= 2)).toBe(true);
    for (const story of stories) {
      for (const sentence of story.summary) expect(sentence.sources.length).toBeGreaterThan(0);
    }
    // The broken feed failed every time it was tried in the window: readers are told.
    expect(digest!.missingSources).toEqual(['La Jornada (broken sample)']);
  });

  it('sends to every confirmed subscriber exactly once, and never again', async () => {
    const s = app.store;
    const confirmed = await Promise.all(
      ['ana@example.org', 'Bob@Example.com', 'carla@example.net'].map((email) => s.upsertSubscriber({ email, status: 'confirmed' })),
    );
    await s.upsertSubscriber({ email: 'pending@example.org', status: 'pending' });
    await s.upsertSubscriber({ email: 'gone@example.org', status: 'unsubscribed' });
    const removed = await s.upsertSubscriber({ email: 'removed@example.org', status: 'confirmed' });
    await s.removeSubscriber(removed.id);

    const digest = await s.latestDigest();
    const summary = await sendNow(app, digest!.id, silent);
    expect(summary.error).toBeUndefined();
    expect(summary.audience).toBe(3);

    const recipients = sink.messages.flatMap((m) => m.envelope.to).map((a) => a.toLowerCase()).sort();
    expect(recipients).toEqual(['ana@example.org', 'bob@example.com', 'carla@example.net']);
    // Each message leaves with its own signed VERP return path (late bounces find their delivery).
    const returnPaths = sink.messages.map((m) => m.envelope.from);
    expect(new Set(returnPaths).size).toBe(3);
    for (const rp of returnPaths) expect(rp).toMatch(/^bounces\+[a-z2-7]{30,}@frontera\.test$/);

    const mails: ParsedMail[] = await Promise.all(sink.messages.map((m) => simpleParser(m.raw)));
    for (const mail of mails) {
      expect(mail.subject).toMatch(/^Frontera/);
      expect(mail.from?.text).toContain('digest@frontera.test');
      expect(mail.replyTo?.text).toContain('editors@frontera.test');
      expect(mail.html).toBeTruthy();
      expect(mail.text).toBeTruthy();
      // mailparser folds List-* headers into one object; read the raw lines to check them exactly.
      const line = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r\n\s+/g, ' ') ?? '';
      const unsubscribeUrl = /<(https:[^>]+)>/.exec(line('list-unsubscribe'))?.[1];
      expect(unsubscribeUrl).toMatch(/^https:\/\/frontera\.test\/unsubscribe\?token=/);
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      // The personal link is in both parts, and the placeholders are gone.
      const token = /token=([A-Za-z0-9._-]+)/.exec(String(unsubscribeUrl))![1]!;
      expect(mail.html).toContain(token);
      expect(mail.text).toContain(token);
      expect(`${mail.html}${mail.text}`).not.toContain('%%FRONTERA_');
      expect(mail.text).toContain('Missing this week: La Jornada (broken sample). Its feed failed every time we tried');
      expect(mail.html).toContain('Missing this week: La Jornada (broken sample)');
    }
    // Each subscriber got a different token.
    expect(new Set(mails.map((m) => m.headerLines.find((h) => h.key === 'list-unsubscribe')?.line))).toHaveProperty('size', 3);

    const counts = await s.deliveryCounts(digest!.id);
    expect(counts.sent).toBe(3);
    expect((await s.getDigest(digest!.id))?.status).toBe('sent');
    expect(confirmed.every((c) => c.status === 'confirmed')).toBe(true);

    // Send again, twice at once: the ledger refuses every repeat.
    await Promise.all([sendNow(app, digest!.id, silent), sendNow(app, digest!.id, silent)]);
    expect(sink.messages).toHaveLength(3);
  });

  it('builds nothing new for a window with no fresh articles, so nobody gets a repeat', async () => {
    const { result } = await buildNow(app, {}, silent);
    expect(result?.status).toBe('empty');
    expect(sink.messages).toHaveLength(3);
  });

  it('lets an operator preview, inspect as JSON and send one test copy outside the ledger', async () => {
    const digest = await app.store.latestDigest();
    const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'e2e', DATA_DIR: dataDir, SECRET_KEY: 'k'.repeat(40) };
    const out = join(dataDir, 'preview.html');
    const preview = await run('node', ['bin/frontera.mjs', 'preview', digest!.id, '--out', out], { env });
    expect(preview.stdout.trim()).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(digest!.themes[0]!.stories[0]!.headline.slice(0, 20).replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    expect(html).not.toContain('%%FRONTERA_');

    const shown = JSON.parse((await run('node', ['bin/frontera.mjs', 'digest', 'show', digest!.id, '--json'], { env })).stdout) as Digest;
    const story = shown.themes[0]!.stories[0]!;
    expect(story.summary[0]!.sources[0]!.url).toMatch(/^https?:/);
    expect(story.articles.length).toBeGreaterThan(0);

    const before = sink.messages.length;
    expect(await sendTestCopies(app, digest!.id, ['editor@example.org'], 'cli:test')).toBe(0);
    expect(sink.messages).toHaveLength(before + 1);
    const mail = await simpleParser(sink.messages.at(-1)!.raw);
    expect(mail.subject).toMatch(/^\[Test\] Frontera/);
    expect((await app.store.deliveryCounts(digest!.id)).sent).toBe(3);
  });
});

