import { buildRaw, prepareMime } from '../templates/mime.ts';
import { PLACEHOLDERS } from '../templates/personalize.ts';
import { addressOf } from './send-batch.ts';
import type { AuditLog, Clock, DigestStore, Mailer } from './ports.ts';

export interface TestCopyDeps {
  store: DigestStore & AuditLog;
  mailer: Mailer;
  clock: Clock;
  mail: { from: string; replyTo?: string; publicUrl: string };
}

/**
 * Proof copies for reviewers, outside the ledger and the audience: they can be repeated freely and
 * never count as anyone's delivery. Returns who got one and why the others did not.
 */
export async function sendTestCopies(
  deps: TestCopyDeps,
  digestId: string,
  recipients: string[],
  actor: string,
): Promise<{ accepted: string[]; failed: { to: string; error: string }[] } | undefined> {
  const rendered = await deps.store.getRendered(digestId);
  if (!rendered) return undefined;
  const from = addressOf(deps.mail.from);
  const mime = prepareMime({
    from: deps.mail.from,
    replyTo: deps.mail.replyTo,
    subject: `[Test] ${rendered.subject}`,
    html: rendered.html,
    text: rendered.text,
    placeholders: [PLACEHOLDERS.unsubscribeUrl, PLACEHOLDERS.email, PLACEHOLDERS.preferencesUrl],
  });
  const accepted: string[] = [];
  const failed: { to: string; error: string }[] = [];
  for (const to of recipients) {
    const messageId = `<${digestId}.test.${Date.now()}.${accepted.length + failed.length}@${from.split('@')[1] ?? 'frontera.local'}>`;
    const raw = buildRaw(mime, { [PLACEHOLDERS.unsubscribeUrl]: `${deps.mail.publicUrl}/`, [PLACEHOLDERS.email]: to, [PLACEHOLDERS.preferencesUrl]: `${deps.mail.publicUrl}/` }, { to, messageId, date: deps.clock.now(), extra: {} });
    try {
      await deps.mailer.sendRaw({ from, to }, raw, messageId);
      accepted.push(to);
    } catch (err) {
      failed.push({ to, error: (err as Error).message });
    }
  }
  await deps.store.recordAudit({ actor, action: 'test-copy', digestId, detail: `accepted for ${accepted.length}/${recipients.length} reviewer(s)` });
  return { accepted, failed };
}
