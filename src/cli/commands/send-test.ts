import { z } from 'zod';
import type { App } from '../../app.ts';
import { addressOf } from '../../pipeline/send-batch.ts';
import { buildRaw, prepareMime } from '../../templates/mime.ts';
import { PLACEHOLDERS } from '../../templates/render.ts';
import { UsageError } from '../context.ts';

/**
 * `send ID --to EMAIL`: one proof copy for an operator, outside the ledger and the audience, so it
 * can be repeated freely and never counts as the subscriber's delivery.
 */
export async function sendTestCopy(app: App, digestId: string, to: string): Promise<number> {
  if (!z.email().safeParse(to).success) throw new UsageError(`--to "${to}" is not an email address`);
  const rendered = await app.store.getRendered(digestId);
  if (!rendered) throw new UsageError(`no rendered digest with id ${digestId} (see \`frontera digest list\`)`);
  const { env } = app.config;
  const from = addressOf(env.MAIL_FROM);
  const messageId = `<${digestId}.test.${Date.now()}@${from.split('@')[1] ?? 'frontera.local'}>`;
  const mime = prepareMime({
    from: env.MAIL_FROM,
    replyTo: env.MAIL_REPLY_TO,
    subject: `[Test] ${rendered.subject}`,
    html: rendered.html,
    text: rendered.text,
    placeholders: [PLACEHOLDERS.unsubscribeUrl, PLACEHOLDERS.email, PLACEHOLDERS.preferencesUrl],
  });
  const raw = buildRaw(
    mime,
    { [PLACEHOLDERS.unsubscribeUrl]: `${env.PUBLIC_URL}/`, [PLACEHOLDERS.email]: to, [PLACEHOLDERS.preferencesUrl]: `${env.PUBLIC_URL}/` },
    { to, messageId, date: app.clock.now(), extra: {} },
  );
  await app.mailer.sendRaw({ from, to }, raw, messageId);
  console.log(`test copy of ${digestId} accepted for ${to}${app.outboxDir ? ` (written to ${app.outboxDir})` : ''}`);
  return 0;
}
