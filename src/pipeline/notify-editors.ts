import { escapeHtml } from '../templates/escape.ts';
import { PLACEHOLDERS } from '../templates/personalize.ts';
import type { AuditLog, DigestStore, Logger, Mailer, SubscriberCounts } from './ports.ts';

/**
 * Tells the editors (EDITOR_EMAILS) that the weekly draft is ready: the subject, how many readers
 * it would go to, a link to review it, and the issue itself as it will look. Also that a week was
 * skipped because nothing relevant came in, so silence never means "the build is broken".
 */
export interface NotifyDeps {
  store: DigestStore & SubscriberCounts & AuditLog;
  mailer: Mailer;
  logger: Logger;
  editors: string[];
  publicUrl: string;
  /** "mon 09:00" when drafts go out automatically unless held. */
  sendAt?: string;
}

export function reviewUrl(publicUrl: string, digestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/admin/drafts/${encodeURIComponent(digestId)}`;
}

export async function notifyDraftReady(deps: NotifyDeps, digestId: string): Promise<number> {
  if (deps.editors.length === 0) return 0;
  const rendered = await deps.store.getRendered(digestId);
  if (!rendered) return 0;
  const recipients = (await deps.store.countSubscribers()).confirmed;
  const link = reviewUrl(deps.publicUrl, digestId);
  const when = deps.sendAt ? `It goes out automatically at ${deps.sendAt} unless you hold it.` : 'Nothing is sent until you approve it.';
  const lead = `Draft ready for review: "${rendered.subject}" — ${recipients} confirmed subscriber(s) would receive it. ${when}`;
  const neutral = (s: string) => s.split(PLACEHOLDERS.unsubscribeUrl).join(`${deps.publicUrl}/`).split(PLACEHOLDERS.email).join('editor-preview');
  const banner =
    `<div style="font-family:sans-serif;background:#fff7d6;border:1px solid #e0c36a;padding:12px 16px;margin:0 0 16px">` +
    `<p style="margin:0 0 8px">${escapeHtml(lead)}</p>` +
    `<p style="margin:0"><a href="${escapeHtml(link)}">Review, edit, approve or hold the draft</a> · digest ${escapeHtml(digestId)}</p></div>`;
  const html = neutral(rendered.html).replace(/<body[^>]*>/i, (tag) => `${tag}${banner}`);
  const text = `${lead}\nReview: ${link}\n\n${neutral(rendered.text)}`;
  let sent = 0;
  for (const to of deps.editors) {
    try {
      await deps.mailer.sendMail({ to, subject: `[Draft ready] ${rendered.subject}`, html, text, headers: {} });
      sent++;
    } catch (err) {
      deps.logger.error({ digestId, error: (err as Error).message }, 'editors.notify_failed');
    }
  }
  await deps.store.recordAudit({ actor: 'system', action: 'notify-editors', digestId, detail: `draft ready mailed to ${sent}/${deps.editors.length} editor(s)` });
  return sent;
}

export async function notifyEmptyWeek(deps: NotifyDeps, window: { from: string; to: string }, reason: string): Promise<void> {
  await deps.store.recordAudit({ actor: 'schedule', action: 'skip-week', detail: `${window.from} → ${window.to}: ${reason}` });
  deps.logger.info({ ...window, reason }, 'digest.week_skipped');
  const text = `No issue this week (${window.from.slice(0, 10)} → ${window.to.slice(0, 10)}): ${reason}. Nothing will be sent.`;
  for (const to of deps.editors) {
    await deps.mailer
      .sendMail({ to, subject: '[No issue this week] Frontera', text, html: `<p>${escapeHtml(text)}</p>`, headers: {} })
      .catch((err: Error) => deps.logger.error({ error: err.message }, 'editors.notify_failed'));
  }
}
