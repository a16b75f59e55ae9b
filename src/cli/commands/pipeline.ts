import { parseArgs } from 'node:util';
import type { App } from '../../app.ts';
import { didYouMean } from '../suggest.ts';
import { createProgress } from '../progress.ts';
import { buildNow, cliActor, collectNow, sendNow, sendOutcomeCode, type SendSummary } from '../operations.ts';
import { parseDate, UsageError, withApp } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { checkBuildWindow, checkSendable } from '../preflight.ts';
import { sendTestCopies } from './send-test.ts';

export async function collectCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { feed: { type: 'string', multiple: true }, 'no-wait': { type: 'boolean' } } });
  const wait = !values['no-wait'];
  let ids: string[] = [];
  const preflight = async (app: App) => {
    ids = values.feed ?? app.config.feeds.filter((f) => f.enabled).map((f) => f.id);
    const unknown = ids.filter((id) => !app.config.feeds.some((f) => f.id === id));
    if (unknown.length) {
      const known = app.config.feeds.map((f) => f.id);
      throw new UsageError(`unknown feed id(s): ${unknown.map((u) => `${u}${didYouMean(u, known)}`).join(', ')} (see \`frontera feeds list\`)`);
    }
    if (ids.length === 0) throw new UsageError(`no enabled feeds in ${app.config.files.feeds}`);
  };
  return withApp({ workers: wait ? ['collect'] : [], preflight }, async ({ app }) => {
    const summary = await collectNow(app, ids, createProgress(), wait);
    if (!wait) {
      summary.jobs.forEach((j) => console.log(`collect job ${j.jobId}  feed ${j.feedId}`));
      return EXIT.OK;
    }
    if (summary.failed.length === 0) return EXIT.OK;
    return summary.collected.length === 0 ? EXIT.FAILED : EXIT.PARTIAL;
  });
}

export async function buildCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, 'no-wait': { type: 'boolean' } } });
  const wait = !values['no-wait'];
  const window = { from: parseDate(values.from, '--from'), to: parseDate(values.to, '--to') };
  const now = new Date();
  if (window.from && window.from >= (window.to ?? now)) {
    throw new UsageError(
      window.to ? `--from ${values.from} is not before --to ${values.to}` : `--from ${values.from} is not in the past (the window ends now without --to)`,
    );
  }
  const preflight = (app: App) => checkBuildWindow(app.store, { from: window.from, to: window.to ?? app.clock.now() });
  return withApp({ workers: wait ? ['build'] : [], preflight }, async ({ app }) => {
    const { jobId, result, error } = await buildNow(app, window, createProgress(), wait);
    if (!wait) console.log(`build job ${jobId}`);
    else if (result?.status === 'built' || result?.status === 'exists') console.log(result.digestId);
    return error ? EXIT.FAILED : EXIT.OK;
  });
}

export async function sendCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { to: { type: 'string' }, test: { type: 'boolean' }, 'no-wait': { type: 'boolean' }, resume: { type: 'boolean' } },
  });
  const digestId = positionals[0];
  if (!digestId) throw new UsageError('send needs a DIGEST_ID (see `frontera digest list`)');
  if (positionals.length > 1) throw new UsageError(`send takes one DIGEST_ID; unexpected "${positionals[1]}"`);
  if (values.to && values.test) throw new UsageError('use either --to EMAIL or --test (REVIEWER_EMAILS), not both');
  if (values.to || values.test) {
    return withApp({}, async ({ app }) => sendTestCopies(app, digestId, values.to ? [values.to] : app.config.env.REVIEWER_EMAILS, cliActor()));
  }
  const wait = !values['no-wait'];
  let check: Awaited<ReturnType<typeof checkSendable>> | undefined;
  const preflight = async (app: App) => void (check = await checkSendable(app.store, digestId));
  return withApp({ workers: wait ? ['send'] : [], preflight }, async ({ app }) => {
    if (check?.alreadySent) {
      const c = check.counts;
      console.log(
        `digest ${digestId} was already sent (accepted by the SMTP server ${c.sent}, bounced ${c.bounced}, uncertain ${c.uncertain}); ` +
          'nothing was sent again. `frontera deliveries list` shows who got it.',
      );
      return c.uncertain > 0 ? EXIT.PARTIAL : EXIT.OK;
    }
    const summary: SendSummary = await sendNow(app, digestId, createProgress(), wait, { resume: values.resume });
    if (!wait) {
      console.log(`send job ${summary.jobId}  digest ${digestId}`);
      return EXIT.OK;
    }
    if (app.outboxDir && (summary.counts?.sent ?? 0) > 0) console.log(`SMTP_URL is not set: messages were written as .eml files to ${app.outboxDir}`);
    return sendOutcomeCode(summary);
  });
}

/** collect → build → send, each waited for; the step that has nothing to do says so and stops. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'no-wait': { type: 'boolean' } } });
  if (values['no-wait']) throw new UsageError('run chains three steps and always waits; use collect/build/send --no-wait to enqueue one step');
  return withApp({ workers: ['collect', 'build', 'send'] }, async ({ app }) => {
    const progress = createProgress();
    const collected = await collectNow(app, app.config.feeds.filter((f) => f.enabled).map((f) => f.id), progress);
    const collectCode = collected.failed.length === 0 ? EXIT.OK : EXIT.PARTIAL;
    if (collected.collected.length === 0 && collected.failed.length > 0) return EXIT.FAILED;
    const built = await buildNow(app, {}, progress);
    if (built.error) return EXIT.FAILED;
    if (built.result?.status !== 'built') return collectCode;
    const sent = await sendNow(app, built.result.digestId, progress);
    if (app.outboxDir) console.log(`SMTP_URL is not set: messages were written as .eml files to ${app.outboxDir}`);
    const sendCode = sendOutcomeCode(sent);
    return sendCode === EXIT.OK ? collectCode : sendCode;
  });
}
