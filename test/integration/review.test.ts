import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { sendTestCopies } from '../../src/cli/commands/send-test.ts';
import { SAMPLE_WEEK_END, startSampleServer } from '../../src/cli/demo/sample-server.ts';
import { buildNow, collectNow, sendNow } from '../../src/cli/operations.ts';
import { checkBuildWindow } from '../../src/cli/preflight.ts';
import type { Progress } from '../../src/cli/progress.ts';
import { waitForJobs } from '../../src/cli/wait.ts';
import { loadConfig } from '../../src/config/index.ts';
import { JOB_NAMES } from '../../src/jobs/contracts.ts';
import { buildDigest } from '../../src/pipeline/build-digest.ts';
import { editDigest, reviewDigest } from '../../src/pipeline/review-digest.ts';
import { buildDeps } from '../../src/workers/build-worker.ts';
import { reviewDeps } from '../../src/workers/deps.ts';
import { startWorkers, type Workers } from '../../src/workers/index.ts';
import { escapeHtml } from '../../src/templates/escape.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const run = promisify(execFile);
const silent: Progress = { update() {}, done() {}, line() {} };
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** The review loop on real Redis, BullMQ workers and an SMTP server, from draft to sent. */
describe('the review loop', () => {
  let redis: TestRedis;
  let sink: SmtpSink;
  let feeds: { baseUrl: string; server: Server };
  let app: App;
  let workers: Workers;
  let dataDir: string;
  let digestId: string;

  const mailsTo = async (addr: string) =>
    Promise.all(sink.messages.filter((m) => m.envelope.to.includes(addr)).map((m) => simpleParser(m.raw)));

  beforeAll(async () => {
    redis = await startRedis();
    sink = await startSmtpSink();
    feeds = await startSampleServer('samples/feeds', Date.now() - 3_600_000 - SAMPLE_WEEK_END);
    dataDir = mkdtempSync(join(tmpdir(), 'frontera-review-'));
    const config = loadConfig(
      {
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'review',
        SMTP_URL: sink.url,
        PUBLIC_URL: 'https://frontera.test',
        SECRET_KEY: 'r'.repeat(40),
        DATA_DIR: dataDir,
        EDITOR_EMAILS: 'ed@frontera.test, chief@frontera.test',
        REVIEWER_EMAILS: 'rev@frontera.test',
        SEND_AT: 'mon 09:00',
        FETCH_ALLOW_PRIVATE: '127.0.0.0/8',
      },
      { feedsFile: 'samples/feeds.yaml', resolveFeedUrl: (u) => new URL(u, feeds.baseUrl).toString() },
    );
    app = await createApp(config, { logger: quiet, backoffMs: 20 });
    workers = startWorkers(app);
    for (const email of ['ana@example.org', 'beto@example.org']) await app.store.upsertSubscriber({ email, status: 'confirmed' });
    await collectNow(app, app.config.feeds.map((f) => f.id), silent);
  });

  afterAll(async () => {
    await workers?.close();
    await app?.close();
    await new Promise((r) => feeds?.server.close(r));
    await sink?.stop();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds a draft and mails each editor the subject, the recipient count, a review link and the issue', async () => {
    const { result } = await buildNow(app, {}, silent);
    expect(result?.status).toBe('built');
    digestId = (result as { digestId: string }).digestId;
    expect((await app.store.getDigest(digestId))?.status).toBe('draft');
    const [mail] = await mailsTo('chief@frontera.test');
    expect(mail?.subject).toMatch(/^\[Draft ready\] /);
    expect(mail?.text).toContain('2 confirmed subscriber(s) would receive it');
    expect(mail?.text).toContain('goes out automatically at mon 09:00 unless you hold it');
    expect(mail?.html).toContain(`https://frontera.test/admin/drafts/${digestId}`);
    const digest = (await app.store.getDigest(digestId))!;
    expect(mail?.html).toContain(digest.themes[0]!.title.replace(/&/g, '&amp;'));
    expect(await mailsTo('ed@frontera.test')).toHaveLength(1);
    // Nobody on the list got anything yet.
    expect(await mailsTo('ana@example.org')).toHaveLength(0);
  });

  it('discards a draft, and the same window can be built again as a fresh draft', async () => {
    await reviewDigest(reviewDeps(app), digestId, 'discard', 'cli:test');
    expect((await app.store.getDigest(digestId))?.status).toBe('discarded');
    await expect(sendNow(app, digestId, silent)).resolves.toMatchObject({ error: expect.stringContaining('discarded') });
    const d = (await app.store.getDigest(digestId))!;
    const again = await buildDigest(buildDeps(app), { from: new Date(d.periodStart), to: new Date(d.periodEnd) });
    expect(again).toMatchObject({ status: 'built', digestId });
    expect((await app.store.getDigest(digestId))?.status).toBe('draft');
  });

  it('applies editor changes, each re-rendered: drop, restore, pin, headline, move, note', async () => {
    const deps = reviewDeps(app);
    const before = (await app.store.getDigest(digestId))!;
    const stories = before.themes.flatMap((t) => t.stories.map((s) => ({ ...s, themeId: t.id })));
    const [a, b] = [stories[0]!, stories.at(-1)!];
    const target = [...app.config.topic.themes, app.config.topic.otherTheme].find((t) => t.id !== b.themeId)!;

    await editDigest(deps, digestId, { kind: 'drop', storyId: a.id }, 'cli:ed');
    let html = (await app.store.getRendered(digestId))!.html;
    expect(before.themes.length).toBeGreaterThan(1);
    expect((await app.store.getRendered(digestId))!.text).not.toContain(a.headline);
    expect(html).not.toContain(escapeHtml(a.headline));
    expect((await app.store.getDigest(digestId))!.themes.flatMap((t) => t.stories).map((s) => s.id)).not.toContain(a.id);
    await editDigest(deps, digestId, { kind: 'restore', storyId: a.id }, 'cli:ed');
    expect((await app.store.getDigest(digestId))!.themes.flatMap((t) => t.stories).map((s) => s.id)).toContain(a.id);
    expect((await app.store.getRendered(digestId))!.html).toContain(escapeHtml(a.headline));

    await editDigest(deps, digestId, { kind: 'headline', storyId: b.id, text: 'Editors <b>rewrite</b> this one' }, 'cli:ed');
    await editDigest(deps, digestId, { kind: 'move', storyId: b.id, themeId: target.id }, 'cli:ed');
    await editDigest(deps, digestId, { kind: 'pin', storyId: b.id }, 'cli:ed');
    await editDigest(deps, digestId, { kind: 'note', text: 'A quiet week at the border.\n\nBack to normal next Monday.' }, 'cli:ed');
    const after = (await app.store.getDigest(digestId))!;
    expect(after.themes[0]!.id).toBe(target.id);
    expect(after.themes[0]!.stories[0]).toMatchObject({ id: b.id, headline: 'Editors <b>rewrite</b> this one' });
    html = (await app.store.getRendered(digestId))!.html;
    expect(html).toContain('Editors &lt;b&gt;rewrite&lt;/b&gt; this one');
    expect(html).toContain('A quiet week at the border.');
    expect((await app.store.getRendered(digestId))!.text).toContain('Back to normal next Monday.');
    await expect(editDigest(deps, digestId, { kind: 'move', storyId: b.id, themeId: 'nope' }, 'cli:ed')).rejects.toThrow(/no theme nope/);
    await expect(editDigest(deps, digestId, { kind: 'pin', storyId: 's_missing' }, 'cli:ed')).rejects.toThrow(/has no story s_missing/);
  });

  it('sends test copies to the reviewers, outside the ledger', async () => {
    expect(await sendTestCopies(app, digestId, app.config.env.REVIEWER_EMAILS, 'cli:ed')).toBe(0);
    const [copy] = await mailsTo('rev@frontera.test');
    expect(copy?.subject).toMatch(/^\[Test\] /);
    expect((await app.store.deliveryCounts(digestId)).sent).toBe(0);
  });

  const autoSend = async () => {
    const job = await app.queues.send.add(JOB_NAMES.autoSend, {});
    const [done] = await waitForJobs<{ send: boolean; reason?: string }>(app.queues.send, [job.id!]);
    return done!.value!;
  };

  it('skips the automatic send while held, sends at SEND_AT once approved', async () => {
    await reviewDigest(reviewDeps(app), digestId, 'hold', 'cli:chief', 'waiting for a correction');
    expect(await autoSend()).toMatchObject({ send: false, reason: expect.stringContaining('held') });
    expect(await mailsTo('ana@example.org')).toHaveLength(0);
    await expect(reviewDigest(reviewDeps(app), digestId, 'hold', 'cli:chief')).rejects.toThrow(/is held; only a draft or approved/);

    await reviewDigest(reviewDeps(app), digestId, 'approve', 'cli:chief');
    expect(await autoSend()).toMatchObject({ send: true });
    for (let i = 0; i < 200 && (await app.store.getDigest(digestId))?.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await app.store.getDigest(digestId))?.status).toBe('sent');
    const [got] = await mailsTo('beto@example.org');
    expect(got?.html).toContain('A quiet week at the border.');
    // Nothing left to send: the next automatic send does nothing.
    expect(await autoSend()).toMatchObject({ send: false });
  });

  it('tells an operator the issue was already sent instead of sending again, and previews the latest build', async () => {
    const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'review', DATA_DIR: dataDir, SECRET_KEY: 'r'.repeat(40), SMTP_URL: sink.url, FETCH_ALLOW_PRIVATE: '127.0.0.0/8' };
    const before = sink.messages.length;
    const again = await run('node', ['bin/frontera.mjs', 'send', digestId], { env });
    expect(again.stdout).toContain(`digest ${digestId} was already sent`);
    expect(again.stdout).toContain('nothing was sent again');
    expect(sink.messages).toHaveLength(before);
    const approve = await run('node', ['bin/frontera.mjs', 'approve', digestId], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(approve).toMatchObject({ code: 2, stderr: expect.stringContaining('is sent; only a draft or held digest can become approved') });
    const preview = await run('node', ['bin/frontera.mjs', 'preview'], { env });
    expect(preview.stdout.trim()).toBe(join(dataDir, 'preview', `${digestId}.html`));
  });

  it('never builds a window that overlaps a sent issue; the next one starts where it ended', async () => {
    const sent = (await app.store.getDigest(digestId))!;
    const from = new Date(Date.parse(sent.periodEnd) - 86_400_000);
    await expect(checkBuildWindow(app.store, { from, to: new Date() })).rejects.toThrow(/overlaps issue/);
    await expect(buildDigest(buildDeps(app), { from, to: new Date() })).rejects.toMatchObject({ code: 'DIGEST_WINDOW_OVERLAP' });
    const next = await buildDigest(buildDeps(app), {});
    expect(next.from).toBe(sent.periodEnd);
  });

  it('skips an empty scheduled week and tells the editors so', async () => {
    const sent = (await app.store.getDigest(digestId))!;
    const to = new Date(Date.parse(sent.periodEnd) + 3_600_000).toISOString();
    const job = await app.queues.build.add(JOB_NAMES.buildDigest, { from: sent.periodEnd, to, actor: 'schedule' });
    const [done] = await waitForJobs<{ status: string }>(app.queues.build, [job.id!]);
    expect(done?.value?.status).toBe('empty');
    const notes = (await mailsTo('ed@frontera.test')).filter((m) => m.subject?.startsWith('[No issue this week]'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain('Nothing will be sent');
    expect((await app.store.listAudit({ limit: 5 })).map((a) => a.action)).toContain('skip-week');
  });

  it('keeps an audit trail of every transition: who, what, when', async () => {
    const trail = (await app.store.listAudit({ digestId, limit: 100 })).reverse();
    const actions = trail.map((e) => `${e.actor} ${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining(['cli:ed edit', 'cli:test discard', 'cli:chief hold', 'cli:chief approve', 'schedule auto-send', 'schedule send', 'system sent']),
    );
    expect(actions.indexOf('cli:chief hold')).toBeLessThan(actions.indexOf('cli:chief approve'));
    expect(trail.find((e) => e.action === 'hold')?.detail).toContain('waiting for a correction');
    for (const e of trail) expect(Date.parse(e.at)).not.toBeNaN();
  });
});
