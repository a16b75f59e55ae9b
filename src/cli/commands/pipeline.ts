import { parseArgs } from 'node:util';
import { createProgress } from '../progress.ts';
import { buildNow, collectNow, sendNow } from '../operations.ts';
import { parseDate, UsageError, withApp } from '../context.ts';
import { sendTestCopy } from './send-test.ts';

export async function collectCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { feed: { type: 'string', multiple: true }, 'no-wait': { type: 'boolean' } } });
  const wait = !values['no-wait'];
  return withApp({ workers: wait ? ['collect'] : [] }, async ({ app }) => {
    const known = app.config.feeds.filter((f) => f.enabled);
    const ids = values.feed ?? known.map((f) => f.id);
    const unknown = ids.filter((id) => !app.config.feeds.some((f) => f.id === id));
    if (unknown.length) throw new UsageError(`unknown feed id(s): ${unknown.join(', ')} (see \`frontera feeds list\`)`);
    const summary = await collectNow(app, ids, createProgress(), wait);
    if (!wait) console.log(summary.jobIds.join('\n'));
    return 0;
  });
}

export async function buildCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, 'no-wait': { type: 'boolean' } } });
  const wait = !values['no-wait'];
  const window = { from: parseDate(values.from, '--from'), to: parseDate(values.to, '--to') };
  return withApp({ workers: wait ? ['build'] : [] }, async ({ app }) => {
    const { jobId, result, error } = await buildNow(app, window, createProgress(), wait);
    if (!wait) console.log(jobId);
    else if (result?.status === 'built' || result?.status === 'exists') console.log(result.digestId);
    return error ? 1 : 0;
  });
}

export async function sendCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { to: { type: 'string' }, 'no-wait': { type: 'boolean' }, resume: { type: 'boolean' } },
  });
  const digestId = positionals[0];
  if (!digestId) throw new UsageError('send needs a DIGEST_ID (see `frontera digest list`)');
  if (values.to) return withApp({}, async ({ app }) => sendTestCopy(app, digestId, values.to!));
  const wait = !values['no-wait'];
  return withApp({ workers: wait ? ['send'] : [] }, async ({ app }) => {
    const summary = await sendNow(app, digestId, createProgress(), wait, { resume: values.resume });
    if (!wait && summary.jobId) console.log(summary.jobId);
    if (app.outboxDir && wait) console.log(`SMTP_URL is not set: messages were written as .eml files to ${app.outboxDir}`);
    return summary.exitCode;
  });
}

/** collect → build → send, each waited for; the step that has nothing to do says so and stops. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'no-wait': { type: 'boolean' } } });
  if (values['no-wait']) throw new UsageError('run chains three steps and always waits; use collect/build/send --no-wait to enqueue one step');
  return withApp({ workers: ['collect', 'build', 'send'] }, async ({ app }) => {
    const progress = createProgress();
    await collectNow(app, app.config.feeds.filter((f) => f.enabled).map((f) => f.id), progress);
    const built = await buildNow(app, {}, progress);
    if (built.error) return 1;
    if (built.result?.status !== 'built') return 0;
    const sent = await sendNow(app, built.result.digestId, progress);
    if (app.outboxDir) console.log(`SMTP_URL is not set: messages were written as .eml files to ${app.outboxDir}`);
    return sent.exitCode;
  });
}
