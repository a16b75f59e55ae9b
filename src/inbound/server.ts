import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { parseInboundReport } from '../adapters/inbound-reports.ts';
import { describeError } from '../domain/errors.ts';
import { tokenFromAddress } from '../domain/return-path.ts';
import { handleInboundReport, resolveToken, type LateReportDeps } from '../pipeline/late-reports.ts';

/**
 * The inbound receiver: an SMTP server that takes the mail systems' reports addressed to the
 * VERP return paths (`bounces+TOKEN@BOUNCE_DOMAIN`) and to the plain `bounces@BOUNCE_DOMAIN`
 * (where feedback loops send ARF reports). Point the bounce domain's MX at it (or relay to it
 * from the MTA that owns the domain). Anything else is refused in the SMTP session itself, so
 * a refusal never generates backscatter.
 *
 * Replies: 250 applied or kept; 550 at RCPT for an address that is not ours or a token that does
 * not verify; 552 for a message over INBOUND_MAX_BYTES; 554 for a message that is not a report
 * or names no message of ours; 451 when Redis is unavailable, so the sender tries again later.
 */

export interface InboundServerOptions extends LateReportDeps {
  host: string;
  port: number;
  maxBytes: number;
}

export interface InboundServer {
  port: number;
  close(): Promise<void>;
}

const MAX_RECIPIENTS = 5;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function readLimited(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining (smtp-server needs the stream consumed) but stop buffering.
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(stream.sizeExceeded || size > maxBytes ? undefined : Buffer.concat(chunks)));
  });
}

export async function startInboundServer(opts: InboundServerOptions): Promise<InboundServer> {
  const { logger, returnPath } = opts;
  const base = `${returnPath.localPart}@${returnPath.domain}`.toLowerCase();

  const server = new SMTPServer({
    name: returnPath.domain,
    banner: 'Frontera report receiver',
    authOptional: true,
    // No credentials to protect and no certificate configured: put a TLS-terminating MTA in front
    // if the bounce domain's MX must offer STARTTLS.
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: opts.maxBytes,
    rejectOversized: true,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 1_000,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, 'Too many recipients'));
      const addr = address.address;
      if (addr.toLowerCase() === base) return callback();
      const token = tokenFromAddress(returnPath, addr);
      if (!token) return callback(smtpError(550, 'No such recipient here'));
      resolveToken(opts, token).then(
        (target) => callback(target ? null : smtpError(550, 'No such recipient here')),
        (err) => {
          logger.warn({ error: describeError(err).message }, 'inbound.rcpt_check_failed');
          callback(smtpError(451, 'Temporary failure, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      readLimited(stream, opts.maxBytes)
        .then(async (raw) => {
          if (!raw) return callback(smtpError(552, 'Message exceeds fixed maximum message size'));
          const rcptTokens = session.envelope.rcptTo.flatMap((a) => tokenFromAddress(returnPath, a.address) ?? []);
          const handled = await handleInboundReport(opts, { rcptTokens, report: await parseInboundReport(raw) });
          if (handled.outcome === 'applied') return callback(null, `Report applied (${handled.report.kind})`);
          logger.info({ outcome: handled.outcome, why: handled.why, bytes: raw.length }, 'inbound.refused');
          callback(smtpError(554, handled.outcome === 'not-a-report' ? `Not a delivery report: ${handled.why}` : handled.why));
        })
        .catch((err) => {
          logger.error({ error: describeError(err).message }, 'inbound.failed');
          callback(smtpError(451, 'Temporary failure, try again later'));
        });
    },
  });
  server.on('error', (err) => logger.warn({ error: err.message }, 'inbound.connection_error'));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  logger.info({ host: opts.host, port, domain: returnPath.domain }, 'inbound.listening');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
