import type { Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A throwaway SMTP server for integration tests and benchmarks: accepts everything on
 * 127.0.0.1, records each message's envelope and raw bytes, and can be told to refuse a
 * recipient (failRcpt) or to drop the connection after the message data arrived without
 * replying (dropAfterData) — the one case where the client cannot know whether the message was
 * accepted.
 *
 * smtp-server waits a hard-coded 100 ms before greeting each connection (its early-talker
 * check, no option turns it off), so callers should use a pooled nodemailer transport.
 */

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

export interface SmtpSinkOptions {
  /** An SMTP reply code (e.g. 550 or 451), or a code and its text, to refuse this recipient with; undefined accepts. */
  failRcpt?: (addr: string) => number | { code: number; message: string } | undefined;
  /** Listen on this port instead of a free one (a test restarting "the same" server). */
  port?: number;
  /** True to read the whole message for this recipient and then destroy the socket silently. */
  dropAfterData?: (addr: string) => boolean;
  /** Relay latency: wait this long before answering the end of DATA. */
  delayMs?: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: SinkMessage[];
  stop(): Promise<void>;
}

function rcptError(reply: number | { code: number; message: string }): Error {
  const code = typeof reply === 'number' ? reply : reply.code;
  const text = typeof reply !== 'number' ? reply.message : code >= 500 ? '5.1.1 Mailbox unavailable' : '4.2.0 Mailbox busy, try again later';
  const err = new Error(text) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  // onData gets a session, not the socket; the client's port is what ties the two together.
  const sockets = new Map<number, Socket>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // Pooled clients keep connections open; don't let stop() wait the default 30 s for them.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      const code = opts.failRcpt?.(address.address);
      callback(code === undefined ? null : rcptError(code));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((a) => a.address);
        if (opts.dropAfterData && to.some((addr) => opts.dropAfterData?.(addr))) {
          // The whole message arrived; vanish before the 250 so the client can't tell.
          sockets.get(session.remotePort)?.destroy();
          return;
        }
        const mailFrom = session.envelope.mailFrom;
        messages.push({
          envelope: { from: mailFrom === false ? '' : mailFrom.address, to },
          raw: Buffer.concat(chunks),
        });
        if (opts.delayMs) setTimeout(() => callback(null, 'Queued'), opts.delayMs);
        else callback(null, 'Queued');
      });
    },
  });

  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });
  // A dropped socket makes smtp-server emit 'error' on some paths; a test sink must not crash on it.
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp sink has no TCP address');
  const port = address.port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets.values()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
