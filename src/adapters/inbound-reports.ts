import { simpleParser, type Attachment } from 'mailparser';
import type { InboundReport } from '../pipeline/ports.ts';

/**
 * Reads what mail systems send back: delivery status notifications (RFC 3464, multipart/report
 * with a message/delivery-status part; RFC 6533's message/global-delivery-status for UTF-8) and
 * abuse feedback reports (ARF, RFC 5965: a message/feedback-report part). The MIME structure is
 * mailparser's job; the report bodies are RFC 822-style field blocks, parsed here. Everything
 * from the message is hostile: sizes are capped and nothing is trusted until the return-path
 * token it carries has been verified (pipeline/late-reports.ts).
 */


const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ARF_TYPE = 'message/feedback-report';
const ORIGINAL_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers']);
const MAX_FIELD = 1000;
const MAX_GROUPS = 50;

/** RFC 822-style fields in blank-line-separated groups, names lower-cased, folded lines joined. */
export function parseFieldGroups(text: string): Map<string, string>[] {
  const groups: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) groups.push(current);
      if (groups.length >= MAX_GROUPS) return groups;
      current = new Map();
      last = undefined;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`.slice(0, MAX_FIELD));
      continue;
    }
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    // The first occurrence wins: a later duplicate cannot override what the MTA wrote first.
    if (!current.has(last)) current.set(last, m[2]!.trim().slice(0, MAX_FIELD));
  }
  if (current.size > 0) groups.push(current);
  return groups;
}

/** Only the header section of an attached original message (or a headers-only part). */
function headerSection(content: Buffer): string {
  const text = content.subarray(0, 200_000).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** `rfc822; user@example.org` → `user@example.org`. */
function typedAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  return v.trim().replace(/^<(.*)>$/, '$1') || undefined;
}

function collectOriginals(attachments: Attachment[], addresses: string[], messageIds: string[]): void {
  for (const a of attachments) {
    if (!ORIGINAL_TYPES.has(a.contentType.toLowerCase())) continue;
    const fields = parseFieldGroups(headerSection(a.content))[0];
    if (!fields) continue;
    for (const name of ['return-path', 'x-original-return-path', 'errors-to']) {
      const v = typedAddress(fields.get(name));
      if (v) addresses.push(v);
    }
    const id = fields.get('message-id');
    if (id) messageIds.push(id);
  }
}

export async function parseInboundReport(raw: Buffer): Promise<InboundReport> {
  let mail;
  try {
    mail = await simpleParser(raw, {
      // Without this, mailparser folds the delivery-status part into the text body.
      keepDeliveryStatus: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      maxHtmlLengthToParse: 100_000,
    } as Parameters<typeof simpleParser>[1]);
  } catch (err) {
    return { kind: 'none', why: `unparseable MIME: ${(err as Error).message}` };
  }
  const attachments = mail.attachments ?? [];
  const addresses: string[] = [];
  const messageIds: string[] = [];
  const arf = attachments.find((a) => a.contentType.toLowerCase() === ARF_TYPE);
  if (arf) {
    const fields = parseFieldGroups(arf.content.toString('utf8'))[0] ?? new Map<string, string>();
    const feedbackType = (fields.get('feedback-type') ?? '').toLowerCase();
    if (!feedbackType) return { kind: 'none', why: 'feedback report without Feedback-Type' };
    const from = typedAddress(fields.get('original-mail-from'));
    if (from) addresses.push(from);
    collectOriginals(attachments, addresses, messageIds);
    return { kind: 'arf', feedbackType, addresses, messageIds };
  }
  const dsn = attachments.find((a) => DSN_TYPES.has(a.contentType.toLowerCase()));
  if (!dsn) return { kind: 'none', why: 'neither a delivery status notification nor a feedback report' };
  const [perMessage, ...perRecipient] = parseFieldGroups(dsn.content.toString('utf8'));
  const sender = typedAddress(perMessage?.get('x-postfix-sender'));
  if (sender) addresses.push(sender);
  const originalId = perMessage?.get('x-original-message-id');
  if (originalId) messageIds.push(originalId);
  const recipients = perRecipient
    .filter((g) => g.has('action') || g.has('status'))
    .map((g) => ({
      ...(typedAddress(g.get('final-recipient')) ? { finalRecipient: typedAddress(g.get('final-recipient'))! } : {}),
      action: (g.get('action') ?? '').toLowerCase(),
      status: /^\s*([245]\.\d{1,3}\.\d{1,3})/.exec(g.get('status') ?? '')?.[1] ?? '',
      ...(g.get('diagnostic-code') ? { diagnostic: g.get('diagnostic-code')! } : {}),
    }));
  if (recipients.length === 0) return { kind: 'none', why: 'delivery status notification without a recipient block' };
  collectOriginals(attachments, addresses, messageIds);
  return { kind: 'dsn', recipients, addresses, messageIds };
}
