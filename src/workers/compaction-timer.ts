import type { App } from '../app.ts';
import { describeError } from '../domain/errors.ts';
import { compactSettledLedgers } from '../pipeline/compact-ledger.ts';

const EVERY_MS = 6 * 3_600_000;
const FIRST_AFTER_MS = 60_000;

/**
 * The automatic side of ledger compaction, run by `frontera worker`: a few times a day, every
 * settled issue quiet for LEDGER_COMPACT_AFTER_DAYS is compacted. A plain timer rather than a
 * queue job: the step is idempotent (a second worker doing the same pass finds each issue
 * already compacted, and the fold re-checks every record inside its script).
 */
export function startCompactionTimer(app: App): () => void {
  const deps = {
    store: app.store,
    compactor: app.compactor,
    clock: app.clock,
    logger: app.logger,
    afterDays: app.config.env.LEDGER_COMPACT_AFTER_DAYS,
  };
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const done = (await compactSettledLedgers(deps)).filter((o) => o.compacted).length;
      if (done > 0) app.logger.info({ compacted: done }, 'ledger.compaction_pass');
    } catch (err) {
      app.logger.warn({ error: describeError(err).message }, 'ledger.compaction_failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(pass, FIRST_AFTER_MS);
  const timer = setInterval(pass, EVERY_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
