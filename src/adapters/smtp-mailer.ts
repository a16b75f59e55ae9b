import { PassThrough, type Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { FrontError } from '../domain/errors.ts';
import type { Mailer, OutgoingMessage } from '../pipeline/ports.ts';
import { redactCredentials } from '../domain/urls.ts';
import { classifySmtpError, type DataStage } from './smtp-replies.ts';
import { installFastDataStream } from './smtp-data-stream.ts';

export { classifySmtpError, type DataStage };

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

export function createSmtpMailer(opts: { url: string; poolSize: number; from: string; replyTo?: string; timeoutMs?: number }): Mailer {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  installFastDataStream();
  const transporter = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.poolSize,
    // Reconnecting costs the server's greeting delay; 1000 keeps connections for a whole batch.
    maxMessages: 1000,
    // The pool requeues a message only when not a byte of it was sent (a reused connection the
    // server had dropped), which cannot duplicate it. Bounded so a flapping server fails fast.
    maxRequeues: 2,
    connectionTimeout: Math.min(15_000, timeoutMs),
    greetingTimeout: Math.min(15_000, timeoutMs),
    // RFC 5321 4.5.3.2 allows a server 10 minutes to answer the final dot, but a delivery's lease
    // (DELIVERY_LEASE_MS) must outlast one whole transaction, or a live send could be declared
    // uncertain. Giving up after SMTP_TIMEOUT_MS turns that rare slow reply into `uncertain`.
    socketTimeout: timeoutMs,
  });

  // The pool behind the transporter (createTransport with pool: true makes an SMTPPool).
  const pool = transporter.transporter as unknown as SMTPPool;

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
      // The message is complete already (buildRaw), so it goes to the pool as it is, the way a
      // transport receives it from nodemailer (a message with getEnvelope, messageId, getHeader and
      // createReadStream), skipping sendMail's per-message work for a raw message: a MimeNode with a
      // fresh random boundary, plugin passes and a four-stage stream pipeline, about a tenth of a
      // large send's CPU. The pool does the rest as before: queueing, connection reuse, requeueing
      // only a message of which no byte was sent.
      const tracker: StageTracker = {};
      const message = {
        getEnvelope: () => ({ from: envelope.from, to: [envelope.to] }),
        messageId: () => messageId,
        // The pool logs the Message-ID it assigns to a connection.
        getHeader: (name: string) => (name.toLowerCase() === 'message-id' ? messageId : undefined),
        // Once per attempt (a requeued message is read again from the start); the stage tracker
        // watches the stream of the latest attempt.
        createReadStream: () => {
          const stream = new PassThrough();
          stream.end(raw);
          tracker.stream = stream;
          return stream;
        },
      };
      await new Promise<void>((resolve, reject) => {
        pool.send({ data: {}, message } as unknown as Parameters<SMTPPool['send']>[0], (err) =>
          err ? reject(classifySmtpError(err, stageOf(tracker))) : resolve(),
        );
      });
      return { messageId };
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (err) {
        const e = err as { code?: string; message?: string };
        const reason = e.message ?? String(err);
        if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
          throw new FrontError('SMTP_ERROR', `the SMTP server at ${redactCredentials(opts.url)} refused the login: ${reason}`, { permanent: true });
        }
        throw new FrontError('SMTP_UNREACHABLE', `cannot reach the SMTP server at ${redactCredentials(opts.url)}: ${reason}`, { permanent: true });
      }
    },
    async close() {
      transporter.close();
    },
  };
}
