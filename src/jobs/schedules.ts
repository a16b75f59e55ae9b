import { JOB_NAMES } from './contracts.ts';
import type { Queues } from './queues.ts';

export interface ScheduleConfig {
  feedIds: string[];
  collectEveryHours: number;
  digestCron: string;
  timeZone: string;
  autoSend: boolean;
  /** Cron pattern (in timeZone) of the automatic send of the week's draft; none when unset. */
  sendAtCron?: string;
}

const COLLECT_PREFIX = 'collect-feed-';
export const WEEKLY_SCHEDULER = 'weekly-digest';
export const AUTO_SEND_SCHEDULER = 'auto-send';

/**
 * Upserts the repeatable jobs: one collect scheduler per enabled feed and the weekly build.
 * Schedulers of feeds that left the config are removed, so editing feeds.yaml and restarting the
 * worker is all an operator does.
 */
export async function upsertSchedules(queues: Queues, cfg: ScheduleConfig): Promise<{ collect: number; weekly: string }> {
  const every = cfg.collectEveryHours * 3_600_000;
  for (const feedId of cfg.feedIds) {
    await queues.collect.upsertJobScheduler(`${COLLECT_PREFIX}${feedId}`, { every }, { name: JOB_NAMES.collectFeed, data: { feedId } });
  }
  const wanted = new Set(cfg.feedIds.map((id) => `${COLLECT_PREFIX}${id}`));
  for (const scheduler of await queues.collect.getJobSchedulers(0, -1)) {
    const key = scheduler.key ?? scheduler.id;
    if (key && key.startsWith(COLLECT_PREFIX) && !wanted.has(key)) await queues.collect.removeJobScheduler(key);
  }
  await queues.build.upsertJobScheduler(
    WEEKLY_SCHEDULER,
    { pattern: cfg.digestCron, tz: cfg.timeZone },
    { name: JOB_NAMES.buildDigest, data: { autoSend: cfg.autoSend, actor: 'schedule' } },
  );
  if (cfg.sendAtCron) {
    await queues.send.upsertJobScheduler(AUTO_SEND_SCHEDULER, { pattern: cfg.sendAtCron, tz: cfg.timeZone }, { name: JOB_NAMES.autoSend, data: {} });
  } else {
    await queues.send.removeJobScheduler(AUTO_SEND_SCHEDULER);
  }
  return { collect: cfg.feedIds.length, weekly: `${cfg.digestCron} (${cfg.timeZone})` };
}
