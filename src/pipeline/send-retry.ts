import { describeError, isFrontError } from '../domain/errors.ts';
import type { Logger } from './ports.ts';

/**
 * The two kinds of waiting a send does, kept apart so that one is never mistaken for the other:
 * waiting for the ledger (Redis) to answer, and waiting before retrying the SMTP server.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Exponential backoff with equal jitter: half the step fixed, half random, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs = 60_000): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/**
 * Runs a ledger call until Redis answers. Errors that are answers (a FrontError such as
 * LEDGER_STATE) are thrown at once; connection errors (Redis restarting, unreachable, a lost
 * reply) are retried with backoff until `giveUpMs` has passed. Every ledger script is safe to
 * repeat: a claim retried by its owner finds itself, an outcome recorded twice is a no-op.
 */
export async function untilLedgerAnswers<T>(
  call: () => Promise<T>,
  ctx: { logger: Logger; what: string; giveUpMs: number; fields?: Record<string, unknown> },
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (isFrontError(err)) throw err;
      if (Date.now() - started > ctx.giveUpMs) throw err;
      if (attempt === 1 || attempt % 10 === 0) {
        ctx.logger.warn({ ...ctx.fields, what: ctx.what, attempt, error: describeError(err).message }, 'ledger.retrying');
      }
      await sleep(Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)));
    }
  }
}

/**
 * Whether the SMTP server is reachable, shared by every delivery of a worker. Once one delivery
 * has used up its retries on a server that cannot be reached, the others stop trying for a while
 * and fail at once, so a send to a dead server ends in bounded time instead of backing off
 * 100,000 times. Any acceptance clears it.
 */
export class SmtpHealth {
  private downUntil = 0;
  private reason = '';

  constructor(private readonly holdMs = 30_000) {}

  isDown(): string | undefined {
    return Date.now() < this.downUntil ? this.reason : undefined;
  }

  markDown(reason: string): void {
    this.downUntil = Date.now() + this.holdMs;
    this.reason = reason;
  }

  markUp(): void {
    this.downUntil = 0;
  }
}
