import { parseArgs } from 'node:util';
import type { EditAction } from '../../domain/editing.ts';
import { editDigest, reviewDigest, type ReviewAction } from '../../pipeline/review-digest.ts';
import { reviewDeps } from '../../workers/deps.ts';
import { UsageError, withApp } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { cliActor, sendNow, sendOutcomeCode } from '../operations.ts';
import { createProgress } from '../progress.ts';
import { FrontError } from '../../domain/errors.ts';

/** approve / hold / discard: one atomic status change each, recorded in the audit log. */
async function review(action: ReviewAction, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { reason: { type: 'string' }, ...(action === 'approve' ? { send: { type: 'boolean' } } : {}) },
  });
  const [digestId, extra] = positionals;
  if (!digestId) throw new UsageError(`${action} needs a DIGEST_ID (see \`frontera digest list\`)`);
  if (extra) throw new UsageError(`${action} takes one DIGEST_ID; unexpected "${extra}"`);
  const sendNowToo = Boolean((values as { send?: boolean }).send);
  return withApp({ workers: sendNowToo ? ['send'] : [] }, async ({ app }) => {
    if (!(await app.store.getDigest(digestId))) throw new UsageError(`no digest with id ${digestId} (see \`frontera digest list\`)`);
    const { from, to } = await asUsage(reviewDigest(reviewDeps(app), digestId, action, cliActor(), values.reason));
    console.log(`digest ${digestId}: ${from} → ${to}`);
    if (action === 'approve' && !sendNowToo) {
      const sendAt = app.config.env.SEND_AT?.label;
      console.log(sendAt ? `it goes out at ${sendAt} (${app.config.env.DIGEST_TZ})` : `send it with \`frontera send ${digestId}\``);
    }
    if (!sendNowToo) return EXIT.OK;
    return sendOutcomeCode(await sendNow(app, digestId, createProgress()));
  });
}

export const approveCommand = (argv: string[]) => review('approve', argv);
export const holdCommand = (argv: string[]) => review('hold', argv);
export const discardCommand = (argv: string[]) => review('discard', argv);

/** A digest in the wrong state or an invalid edit is the operator's mistake: exit 2 with the reason. */
async function asUsage<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof FrontError && (err.code === 'DIGEST_STATE' || err.code === 'DIGEST_EDIT_INVALID' || err.code === 'DIGEST_NOT_FOUND')) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

function parseEdit(kind: string | undefined, args: string[], lang?: string): EditAction {
  if (lang !== undefined && kind !== 'headline') throw new UsageError('--lang goes with `edit ID headline`');
  const need = (n: number, what: string) => {
    if (args.length < n) throw new UsageError(`edit ${kind} needs ${what}`);
    if (args.length > n) throw new UsageError(`edit ${kind} takes ${what}; unexpected "${args[n]}" (quote text with spaces)`);
  };
  switch (kind) {
    case 'drop':
    case 'restore':
    case 'pin':
    case 'unpin':
      need(1, 'a STORY_ID');
      return { kind, storyId: args[0]! };
    case 'headline':
      need(2, 'a STORY_ID and the new headline');
      if (lang !== undefined && lang !== 'en' && lang !== 'es') throw new UsageError(`--lang "${lang}": the editions are en and es`);
      return { kind, storyId: args[0]!, text: args[1]!, ...(lang ? { lang } : {}) };
    case 'move':
      need(2, 'a STORY_ID and a THEME_ID');
      return { kind, storyId: args[0]!, themeId: args[1]! };
    case 'note':
      need(1, 'the note text ("" removes it)');
      return { kind, text: args[0]! };
    default:
      throw new UsageError(`unknown edit "${kind ?? ''}": drop, restore, pin, unpin, headline, move or note`);
  }
}

export async function editCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { lang: { type: 'string' } } });
  const [digestId, kind, ...args] = positionals;
  if (!digestId) throw new UsageError('edit needs a DIGEST_ID and a change (see `frontera edit --help`)');
  const action = parseEdit(kind, args, values.lang);
  return withApp({}, async ({ app }) => {
    const digest = await asUsage(editDigest(reviewDeps(app), digestId, action, cliActor()));
    const stories = digest.themes.reduce((n, t) => n + t.stories.length, 0);
    console.log(`digest ${digestId}: ${kind} done; re-rendered with ${stories} stories (\`frontera preview ${digestId}\` to look)`);
    return EXIT.OK;
  });
}

export async function auditCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { digest: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit "${values.limit}" must be a positive whole number`);
  return withApp({}, async ({ app }) => {
    const entries = await app.store.listAudit({ digestId: values.digest, limit });
    if (values.json) console.log(JSON.stringify(entries, null, 2));
    else if (entries.length === 0) console.log('no audit entries yet');
    else for (const e of entries) console.log(`${e.at}  ${e.actor.padEnd(16)} ${e.action.padEnd(18)} ${e.digestId ?? ''}${e.detail ? `  ${e.detail}` : ''}`);
    return EXIT.OK;
  });
}
