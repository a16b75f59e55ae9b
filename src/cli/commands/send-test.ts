import { z } from 'zod';
import type { App } from '../../app.ts';
import { sendTestCopies as sendCopies } from '../../pipeline/test-copies.ts';
import { UsageError } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/** `send ID --to EMAIL` / `send ID --test`: proof copies outside the ledger (pipeline/test-copies.ts). */
export async function sendTestCopies(app: App, digestId: string, recipients: string[], actor: string): Promise<number> {
  if (recipients.length === 0) throw new UsageError('REVIEWER_EMAILS is empty: set it (comma-separated) or use --to EMAIL');
  for (const to of recipients) if (!z.email().safeParse(to).success) throw new UsageError(`--to "${to}" is not an email address`);
  const { env } = app.config;
  const result = await sendCopies(
    { store: app.store, mailer: app.mailer, clock: app.clock, mail: { from: env.MAIL_FROM, replyTo: env.MAIL_REPLY_TO, publicUrl: env.PUBLIC_URL } },
    digestId,
    recipients,
    actor,
  );
  if (!result) throw new UsageError(`no rendered digest with id ${digestId} (see \`frontera digest list\`)`);
  for (const to of result.accepted) console.log(`test copy of ${digestId} accepted for ${to}${app.outboxDir ? ` (written to ${app.outboxDir})` : ''}`);
  for (const f of result.failed) console.error(`test copy to ${f.to} failed: ${f.error}`);
  if (result.failed.length === 0) return EXIT.OK;
  return result.accepted.length > 0 ? EXIT.PARTIAL : EXIT.FAILED;
}
