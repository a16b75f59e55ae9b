import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server for the demo that accepts everything on loopback and stores each message
 * as an .eml file per recipient, so the demo exercises the real SMTP path end to end.
 */
export async function startMailCatcher(dir: string): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  let seq = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        for (const rcpt of session.envelope.rcptTo) {
          seq++;
          const safe = rcpt.address.replace(/[^A-Za-z0-9@._-]/g, '_');
          writeFileSync(join(dir, `${Date.now()}-${String(seq).padStart(5, '0')}-${safe}.eml`), raw);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => seq,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
