/**
 * Exit codes scripts can rely on (README, "Exit codes"). 0 means the command did everything it
 * was asked; a send that left failed or uncertain deliveries is not that.
 */
export const EXIT = {
  ok: 0,
  /** An unexpected error (the message names it). */
  error: 1,
  /** Bad usage or configuration. */
  usage: 2,
  /** The send finished, but failed or uncertain deliveries remain (`send ID` again retries the failed). */
  sendPartial: 3,
  /** The send is paused by its circuit breaker (a run of policy rejections); `send ID --resume`. */
  sendPaused: 4,
  /** Redis cannot be reached at REDIS_URL. */
  redisUnreachable: 5,
  /** The SMTP server cannot be reached at SMTP_URL (or refused the login). */
  smtpUnreachable: 6,
} as const;

/** Exit code for an error that escaped a command, by its stable code. */
export function exitCodeForError(code: string): number {
  if (code === 'REDIS_UNREACHABLE') return EXIT.redisUnreachable;
  if (code === 'SMTP_UNREACHABLE') return EXIT.smtpUnreachable;
  return EXIT.error;
}
