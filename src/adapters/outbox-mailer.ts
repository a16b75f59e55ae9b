import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingMessage } from '../pipeline/ports.ts';
import { buildRaw, prepareMime } from '../templates/mime.ts';

/**
 * A Mailer for when SMTP_URL is unset: each message becomes an .eml file (the exact RFC 5322
 * bytes that would have gone over SMTP) in `dir`, which any mail client can open.
 *
 * Files are written under a temporary name and renamed, so a crash never leaves a half-written
 * .eml that looks like a sent message, and a watcher never reads one.
 */

const DEFAULT_FROM = 'Frontera <frontera@localhost>';

function fileSafe(value: string, max: number): string {
  return value.replace(/[^A-Za-z0-9@._-]+/g, '_').replace(/^[._]+/, '').slice(0, max) || 'unknown';
}

function bareMessageId(messageId: string): string {
  return messageId.trim().replace(/^<(.*)>$/, '$1');
}

export function createOutboxMailer(dir: string, opts: { from?: string; replyTo?: string } = {}): Mailer {
  let ready: Promise<unknown> | undefined;
  const from = opts.from ?? DEFAULT_FROM;

  async function writeEml(to: string, messageId: string, raw: Buffer): Promise<string> {
    ready ??= mkdir(dir, { recursive: true });
    await ready;
    // Timestamp first so `ls` lists the outbox in sending order.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${stamp}_${fileSafe(to, 80)}_${fileSafe(bareMessageId(messageId), 120)}.eml`;
    const temp = join(dir, `.${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, raw, { flag: 'wx' });
      await rename(temp, join(dir, name));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return name;
  }

  return {
    async sendMail(message: OutgoingMessage) {
      const domain = /@([^<>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
      const messageId = `<${randomUUID()}@${domain}>`;
      const prepared = prepareMime({
        from,
        ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }),
        subject: message.subject,
        html: message.html,
        text: message.text,
        placeholders: [],
      });
      const raw = buildRaw(prepared, {}, { to: message.to, messageId, date: new Date(), extra: message.headers });
      await writeEml(message.to, messageId, raw);
      return { messageId, accepted: true };
    },
    async sendRaw(envelope: { from: string; to: string }, raw: Buffer, messageId: string) {
      await writeEml(envelope.to, messageId, raw);
      return { messageId };
    },
    async verify() {},
    async close() {},
  };
}
