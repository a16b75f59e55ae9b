/**
 * What a command's exit status means; README "Exit codes" lists the same table. Scripts and cron
 * jobs branch on these, so a command returns OK only when it did everything it was asked to.
 */
export const EXIT = {
  /** Done as asked (also: nothing needed doing, and the command said so). */
  OK: 0,
  /** Failed: nothing (or nothing useful) was done; the message names the cause. */
  FAILED: 1,
  /** Usage or configuration error, caught before anything was queued or changed. */
  USAGE: 2,
  /** Partial success: some feeds failed, some deliveries failed or are uncertain. */
  PARTIAL: 3,
  /** The send is paused by its circuit breaker (a run of policy rejections); `send ID --resume`. */
  PAUSED: 4,
  /** Redis cannot be reached at REDIS_URL. */
  REDIS_UNREACHABLE: 5,
  /** The SMTP server cannot be reached at SMTP_URL (or refused the login). */
  SMTP_UNREACHABLE: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Exit code for an error that escaped a command, by its stable code. */
export function exitCodeForError(code: string): ExitCode {
  if (code === 'REDIS_UNREACHABLE') return EXIT.REDIS_UNREACHABLE;
  if (code === 'SMTP_UNREACHABLE') return EXIT.SMTP_UNREACHABLE;
  return EXIT.FAILED;
}
