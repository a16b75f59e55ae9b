import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PLACEHOLDERS } from '../../templates/render.ts';
import { UsageError, withApp } from '../context.ts';
import { latestBuilt } from '../../pipeline/auto-send.ts';

/** `preview [ID] [--out FILE]`: the rendered HTML as a subscriber would see it (neutral links). */
export async function previewCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  return withApp({}, async ({ app }) => {
    // Without an id: the digest built most recently, whatever window it covers.
    const id = positionals[0] ?? (await latestBuilt(app.store))?.id;
    if (!id) throw new UsageError('there is no digest yet: run `frontera build` first');
    const rendered = await app.store.getRendered(id);
    if (!rendered) throw new UsageError(`no digest with id ${id} (see \`frontera digest list\`)`);
    const html = rendered.html
      .split(PLACEHOLDERS.unsubscribeUrl).join(`${app.config.env.PUBLIC_URL}/`)
      .split(PLACEHOLDERS.email).join('preview@example.org')
      .split(PLACEHOLDERS.preferencesUrl).join(`${app.config.env.PUBLIC_URL}/`);
    const out = resolve(values.out ?? `${app.config.dataDir}/preview/${id}.html`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, html);
    console.log(out);
    return 0;
  });
}

export async function digestCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, limit: { type: 'string' } } });
  const limit = Number(values.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit "${values.limit}" must be a positive whole number`);
  return withApp({}, async ({ app }) => {
    if (sub === 'list') {
      const digests = await app.store.listDigests(limit);
      if (values.json) console.log(JSON.stringify(digests.map(({ themes: _t, ...d }) => d), null, 2));
      else if (digests.length === 0) console.log('no digests yet');
      for (const d of values.json ? [] : digests) {
        const stories = d.themes.reduce((n, t) => n + t.stories.length, 0);
        console.log(`${d.id}  ${d.status.padEnd(8)} ${d.periodStart.slice(0, 10)} → ${d.periodEnd.slice(0, 10)}  ${stories} stories`);
      }
      return 0;
    }
    if (sub === 'show') {
      const id = positionals[0];
      if (!id) throw new UsageError('digest show needs an ID');
      const digest = await app.store.getDigest(id);
      if (!digest) throw new UsageError(`no digest with id ${id}`);
      if (values.json) {
        console.log(JSON.stringify({ ...digest, deliveries: await app.store.deliveryCounts(id) }, null, 2));
        return 0;
      }
      console.log(`${digest.title}  [${digest.status}]  ${digest.articleCount} relevant articles from ${digest.outletCount} outlets`);
      if (digest.editorNote) console.log(`\nEditor's note: ${digest.editorNote}`);
      for (const theme of digest.themes) {
        console.log(`\n## ${theme.title}  [${theme.id}]`);
        for (const story of theme.stories) {
          console.log(`\n* ${story.headline}  (${story.outlets.join(', ')})${story.continuesFrom ? '  [continuing]' : ''}  [${story.id}]`);
          for (const s of story.summary) console.log(`    ${s.text}  [${s.sources.map((x) => x.outlet).join(', ')}]`);
        }
      }
      return 0;
    }
    throw new UsageError('usage: frontera digest list [--json] | digest show ID [--json]');
  });
}
