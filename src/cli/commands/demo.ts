import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSubscribers } from '../../adapters/subscribers-io.ts';
import { loadConfig } from '../../config/index.ts';
import { PLACEHOLDERS } from '../../templates/render.ts';
import { withApp } from '../context.ts';
import { startMailCatcher } from '../demo/mail-catcher.ts';
import { SAMPLE_WEEK_END, startSampleServer } from '../demo/sample-server.ts';
import { buildNow, collectNow, sendNow } from '../operations.ts';
import { createProgress } from '../progress.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const SAMPLES = join(ROOT, 'samples');

/**
 * `npm run demo`: the whole pipeline on the embedded defaults. Sample feeds over loopback HTTP,
 * a private Redis (or REDIS_URL), a local SMTP server that stores what it accepts, and the same
 * collect → build → send jobs an operator runs. A second run adds no duplicate articles and
 * sends nobody the same digest twice.
 */
export async function demoCommand(): Promise<number> {
  const probe = loadConfig(process.env, { feedsFile: join(SAMPLES, 'feeds.yaml'), resolveFeedUrl: (u) => new URL(u, 'http://127.0.0.1/').toString() });
  const demoDir = join(probe.dataDir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  const shiftMs = demoShift(join(demoDir, 'demo.json'));
  const samples = await startSampleServer(join(SAMPLES, 'feeds'), shiftMs);
  const mailDir = join(demoDir, 'mail');
  const catcher = await startMailCatcher(mailDir);
  const progress = createProgress();
  try {
    const config = loadConfig(
      {
        ...process.env,
        SMTP_URL: catcher.url,
        // The sample feeds are on loopback, which the SSRF guard refuses unless named explicitly.
        FETCH_ALLOW_PRIVATE: [process.env.FETCH_ALLOW_PRIVATE, new URL(samples.baseUrl).hostname].filter(Boolean).join(','),
        // Ten sample feeds share one local host; a short pause keeps politeness on without a 10 s wait.
        FETCH_HOST_INTERVAL_MS: process.env.FETCH_HOST_INTERVAL_MS || '100',
      },
      { feedsFile: join(SAMPLES, 'feeds.yaml'), resolveFeedUrl: (u) => new URL(u, samples.baseUrl).toString() },
    );
    return await withApp({ config, workers: ['collect', 'build', 'send'] }, async ({ app }) => {
      progress.line(`demo: Redis ${app.redisUrl}, sample feeds ${samples.baseUrl} (FETCH_ALLOW_PRIVATE=${app.config.env.FETCH_ALLOW_PRIVATE}), SMTP ${catcher.url}`);
      if ((await app.store.listSubscribers()).length === 0) {
        const imported = await importSubscribers(app.store, readFileSync(join(SAMPLES, 'subscribers.csv'), 'utf8'), 'csv', { secret: app.secret });
        progress.line(`demo: imported ${imported.added} sample subscribers`);
      }
      await collectNow(app, app.config.feeds.map((f) => f.id), progress);
      const built = await buildNow(app, {}, progress);
      if (built.error) return 1;
      if (built.result?.status !== 'built') {
        progress.line('demo: nothing new to send, so nobody received anything this time.');
        return 0;
      }
      const digestId = built.result.digestId;
      const sent = await sendNow(app, digestId, progress);
      const rendered = await app.store.getRendered(digestId);
      const htmlFile = join(demoDir, `${digestId}.html`);
      writeFileSync(
        htmlFile,
        rendered!.html.split(PLACEHOLDERS.unsubscribeUrl).join(`${app.config.env.PUBLIC_URL}/`).split(PLACEHOLDERS.email).join('reader@example.org').split(PLACEHOLDERS.preferencesUrl).join(`${app.config.env.PUBLIC_URL}/`),
      );
      console.log(`\nRendered digest: ${htmlFile}`);
      console.log(`Delivered messages (.eml, as accepted by the local SMTP server): ${mailDir} (${catcher.count()} this run)`);
      console.log(`Inspect: npx frontera digest show ${digestId}   ·   npx frontera status`);
      return sent.error || sent.failedBatches ? 1 : 0;
    });
  } finally {
    await catcher.close();
    await new Promise((r) => samples.server.close(r));
  }
}

/** Fixed per data folder: the first run moves the sample week to end an hour before now. */
function demoShift(file: string): number {
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { shiftMs: number }).shiftMs;
  const shiftMs = Math.floor((Date.now() - 3_600_000 - SAMPLE_WEEK_END) / 60_000) * 60_000;
  writeFileSync(file, JSON.stringify({ shiftMs, note: 'sample feed dates are moved by shiftMs' }));
  return shiftMs;
}
