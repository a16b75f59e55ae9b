/**
 * Errors carry a stable code and whether retrying can help. Adapters classify; only workers/ turns
 * a permanent error into BullMQ's UnrecoverableError.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'FEED_TIMEOUT'
  | 'FEED_TOO_LARGE'
  | 'FEED_TOO_MANY_REDIRECTS'
  | 'FEED_HTTP_ERROR'
  | 'FEED_NETWORK_ERROR'
  | 'FEED_PARSE_ERROR'
  | 'FEED_UNKNOWN'
  | 'FETCH_REFUSED'
  | 'FEED_HOST_BUSY'
  | 'PAGE_NO_ARTICLE'
  | 'DIGEST_NOT_FOUND'
  | 'DIGEST_NOT_SENDABLE'
  | 'DIGEST_TOO_LARGE'
  | 'DIGEST_WINDOW_INVALID'
  | 'DIGEST_WINDOW_OVERLAP'
  | 'DIGEST_STATE'
  | 'DIGEST_EDIT_INVALID'
  | 'LEDGER_STATE'
  | 'SUBSCRIBER_INVALID'
  | 'SUBSCRIBER_SUPPRESSED'
  | 'SMTP_MAILBOX_UNAVAILABLE'
  | 'SMTP_TRANSIENT'
  | 'SMTP_CONNECTION_LOST'
  | 'SMTP_ERROR'
  | 'SMTP_POLICY_REJECTED'
  | 'SMTP_REJECTED'
  | 'SMTP_UNREACHABLE'
  | 'REDIS_UNREACHABLE'
  | 'REDIS_EVICTION_POLICY';

export class FrontError extends Error {
  readonly code: ErrorCode;
  readonly permanent: boolean;
  /** How long the other side asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: { permanent?: boolean; cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FrontError';
    this.code = code;
    this.permanent = options.permanent ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export function isFrontError(err: unknown): err is FrontError {
  return err instanceof FrontError;
}

/** A short, log-safe description of any thrown value. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof FrontError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'UNEXPECTED', message: err.message };
  return { code: 'UNEXPECTED', message: String(err) };
}
