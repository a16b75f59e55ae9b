import { pino } from 'pino';
import type { Logger } from '../pipeline/ports.ts';

/**
 * JSON logs on stderr, one event name per line (feed.collected, delivery.sent); stdout stays free
 * for the CLI's own output so `frontera digest show --json | jq` works.
 */
export function createLogger(level: string): Logger {
  const base = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
  return {
    info: (obj, msg) => base.info(obj, msg),
    warn: (obj, msg) => base.warn(obj, msg),
    error: (obj, msg) => base.error(obj, msg),
    debug: (obj, msg) => base.debug(obj, msg),
  };
}

/** Masks an address for info-level logs: "ana@example.org" → "a***@example.org". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
