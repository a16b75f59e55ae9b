import { z } from 'zod';
import type { App } from '../../app.ts';
import { addressOf } from '../../pipeline/send-batch.ts';
import { buildRaw, prepareMime } from '../../templates/mime.ts';
import { PLACEHOLDERS } from '../../templates/render.ts';
import { UsageError } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import type { RenderedMail } from '../../pipeline/ports.ts';

/**
 * `send ID --to EMAIL`: one proof copy for an operator, outside the ledger and the audience, so it
 * can be repeated freely and never counts as the subscriber's delivery.
 */
export async function sendTestCopies(app: App, digestId: string, recipients: string[], actor: string): Promise<number> {
  if (recipients.length === 0) throw new UsageError('REVIEWER_EMAILS is empty: set it (comma-separated) or use --to EMAIL');
  for (const to of recipients) if (!z.email().safeParse(to).success) throw new UsageError(`--to "${to}" is not an email address`);
  const rendered = await app.store.getRendered(digestId);
  if (!rendered) throw new UsageError(`no rendered digest with id ${digestId} (see \`frontera digest list\`)`);
  let accepted = 0;
  for (const to of recipients) {
    try {
      await sendTestCopy(app, digestId, rendered, to);
      accepted++;
    } catch (err) {
      console.error(`test copy to ${to} failed: ${(err as Error).message}`);
    }
  }
  await app.store.recordAudit({ actor, action: 'test-copy', digestId, detail: `accepted for ${accepted}/${recipients.length} reviewer(s)` });
  if (accepted === recipients.length) return EXIT.OK;
  return accepted > 0 ? EXIT.PARTIAL : EXIT.FAILED;
}

async function sendTestCopy(app: App, digestId: string, rendered: RenderedMail, to: string): Promise<void> {
  const { env } = app.config;
  const from = addressOf(env.MAIL_FROM);
  const messageId = `<${digestId}.test.${Date.now()}@${from.split('@')[1] ?? 'frontera.local'}>`;
  const mime = prepareMime({
    from: env.MAIL_FROM,
    replyTo: env.MAIL_REPLY_TO,
    subject: `[Test] ${rendered.subject}`,
    html: rendered.html,
    text: rendered.text,
    placeholders: [PLACEHOLDERS.unsubscribeUrl, PLACEHOLDERS.email],
  });
  const raw = buildRaw(
    mime,
    { [PLACEHOLDERS.unsubscribeUrl]: `${env.PUBLIC_URL}/`, [PLACEHOLDERS.email]: to },
    { to, messageId, date: app.clock.now(), extra: {} },
  );
  await app.mailer.sendRaw({ from, to }, raw, messageId);
  console.log(`test copy of ${digestId} accepted for ${to}${app.outboxDir ? ` (written to ${app.outboxDir})` : ''}`);
}
