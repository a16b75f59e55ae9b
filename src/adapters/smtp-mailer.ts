import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { NodemailerError, SendMailOptions } from 'nodemailer';
import { FrontError } from '../domain/errors.ts';
import type { Mailer, OutgoingMessage } from '../pipeline/ports.ts';

/**
 * Mailer over a pooled nodemailer SMTP transport. smtp-server (and many real MTAs) delay their
 * greeting, so connections are kept open and reused rather than opened per message.
 *
 * Exactly-once depends on telling apart "the server refused it", "it never got there" and "it may
 * have got there". nodemailer reports a reply's `responseCode`, `response` and the `command` in
 * flight ('RCPT TO', 'DATA', …), but a socket that closes or times out without a reply is always
 * reported as code ECONNECTION/ETIMEDOUT with command 'CONN', whatever the stage. So the stage is
 * tracked here: a 'stream' plugin keeps a reference to the exact message stream nodemailer hands
 * to the connection. That stream is only read after the server answered DATA with 354
 * (`readableDidRead`), and has ended only once all of it went to the data encoder, which then
 * writes the terminating "<CRLF>.<CRLF>" (`readableEnded`). nodemailer's pool uses the same
 * `readableDidRead` test to decide when a message may be requeued on another connection.
 */

export type DataStage = 'before-data' | 'in-data' | 'after-data';

interface StageTracker {
  stream?: Readable;
}

/** Extra key carried in the sendMail options to find the tracker from inside the plugin. */
const TRACKER_KEY = 'fronteraStage';
type TrackedOptions = SendMailOptions & { [TRACKER_KEY]: StageTracker };

function stageOf(tracker: StageTracker): DataStage {
  const stream = tracker.stream;
  if (!stream || !stream.readableDidRead) return 'before-data';
  // The whole message went out (or is about to, with the terminating dot): the server may have
  // accepted it. A partial body cannot be: without the final dot a server must not deliver it.
  return stream.readableEnded ? 'after-data' : 'in-data';
}

// RCPT replies that mean "this mailbox will not take mail", as opposed to policy/relay refusals.
const MAILBOX_CODES = new Set([550, 551, 553]);
// Sender-side enhanced codes (bad sender address/system) must not suppress the recipient.
const SENDER_DETAILS = new Set(['7', '8']);
// Failures of the connection itself: nothing reached the server, so a retry is safe.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'EMAXLIMIT', 'EABORT']);

/** Maps a nodemailer error and the stage it happened in onto Frontera's error codes. */
export function classifySmtpError(err: unknown, stage: DataStage): FrontError {
  const e = (err ?? {}) as NodemailerError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const detail = `${e.code ?? 'UNKNOWN'}${e.command ? ` (${e.command})` : ''}: ${message}`;
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;

  if (rc !== undefined && rc >= 400) {
    // A reply is a definite answer, whatever the stage: the message was not accepted.
    if (rc < 500 || rc === 503) {
      // 503 is "bad sequence of commands": the session's fault, not the message's (RFC 5321 4.2.1).
      return new FrontError('SMTP_TRANSIENT', detail, { cause: err });
    }
    const enhanced = /^\d{3}[ -]5\.(\d{1,3})\.(\d{1,3})\b/.exec(e.response ?? '');
    const mailboxByEnhanced =
      enhanced?.[1] === '1' && !SENDER_DETAILS.has(enhanced[2] ?? '') && e.command !== 'MAIL FROM';
    if ((e.command === 'RCPT TO' && MAILBOX_CODES.has(rc)) || mailboxByEnhanced) {
      return new FrontError('SMTP_MAILBOX_UNAVAILABLE', detail, { permanent: true, cause: err });
    }
    return new FrontError('SMTP_ERROR', detail, { permanent: true, cause: err });
  }
  if (stage === 'after-data') {
    // No reply after the whole message was sent: it may have been accepted. Never resend this
    // automatically; the ledger records it as uncertain for an operator.
    return new FrontError('SMTP_CONNECTION_LOST', detail, { permanent: true, cause: err });
  }
  if (e.code === 'EENVELOPE' && /recipient/i.test(message)) {
    // nodemailer refused the address before talking to the server (syntax): it will never work.
    return new FrontError('SMTP_MAILBOX_UNAVAILABLE', detail, { permanent: true, cause: err });
  }
  if ((e.code !== undefined && CONNECTION_CODES.has(e.code)) || stage === 'in-data') {
    return new FrontError('SMTP_TRANSIENT', detail, { cause: err });
  }
  // Configuration and API errors (EAUTH without a reply, ENOAUTH, ECONFIG, EENVELOPE for the
  // sender…) will fail the same way next time.
  return new FrontError('SMTP_ERROR', detail, { permanent: true, cause: err });
}

export function createSmtpMailer(opts: { url: string; poolSize: number; from: string; replyTo?: string }): Mailer {
  const transporter = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.poolSize,
    // Reconnecting costs the server's greeting delay; 1000 keeps connections for a whole batch.
    maxMessages: 1000,
    // The pool requeues a message only when not a byte of it was sent (a reused connection the
    // server had dropped), which cannot duplicate it. Bounded so a flapping server fails fast.
    maxRequeues: 2,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    // socketTimeout stays at nodemailer's 10 minutes: RFC 5321 4.5.3.2 gives the server that long
    // to answer the final dot, and giving up earlier turns a delivery into an uncertain one.
  });

  transporter.use('stream', (mail, done) => {
    const tracker = (mail.data as Partial<TrackedOptions>)[TRACKER_KEY];
    if (tracker) {
      // Called once per attempt; a requeued message gets a fresh stream, so keep the latest.
      mail.message.processFunc((input: Readable) => {
        tracker.stream = input;
        return input;
      });
    }
    done();
  });

  async function send(options: SendMailOptions): Promise<{ messageId: string; accepted: boolean }> {
    const tracker: StageTracker = {};
    const tracked: TrackedOptions = { ...options, [TRACKER_KEY]: tracker };
    try {
      const info = await transporter.sendMail(tracked);
      return { messageId: info.messageId, accepted: info.accepted.length > 0 };
    } catch (err) {
      throw classifySmtpError(err, stageOf(tracker));
    }
  }

  return {
    async sendMail(message: OutgoingMessage) {
      return send({
        from: opts.from,
        ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }),
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
      });
    },
    async sendRaw(envelope: { from: string; to: string }, raw: Buffer, messageId: string) {
      await send({ envelope: { from: envelope.from, to: [envelope.to] }, raw });
      return { messageId };
    },
    async close() {
      transporter.close();
    },
  };
}
