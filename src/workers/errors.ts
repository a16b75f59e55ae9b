import { UnrecoverableError } from 'bullmq';
import { ZodError } from 'zod';
import { isFrontError } from '../domain/errors.ts';

/**
 * The one place that maps Frontera's error classification onto BullMQ: permanent errors (a 404
 * feed, a mailbox that does not exist, a bad payload) must not burn retries.
 */
export function toJobError(err: unknown): Error {
  if (err instanceof ZodError) return new UnrecoverableError(`invalid job payload: ${err.issues.map((i) => i.message).join('; ')}`);
  if (isFrontError(err) && err.permanent) return new UnrecoverableError(`${err.code}: ${err.message}`);
  if (isFrontError(err)) return new Error(`${err.code}: ${err.message}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Runs a job body and rethrows its failure in BullMQ's terms. */
export async function runJob<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toJobError(err);
  }
}
