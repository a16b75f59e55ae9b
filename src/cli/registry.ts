/**
 * Every command: its one-line summary, its --help text, the options and subcommands it knows (for
 * "did you mean"), and a loader. Commands are imported only when run, so `frontera --help` and
 * `frontera status` never load MJML, Fastify or the demo's SMTP server.
 */
export type Run = (argv: string[]) => Promise<number>;

export interface CommandSpec {
  group: string;
  /** Shown in `frontera --help`, after the usage line. */
  synopsis: string;
  summary: string;
  /** Shown by `frontera COMMAND --help`: usage lines, options, what the exit code means. */
  help: string;
  options: string[];
  subcommands?: string[];
  load(): Promise<Run>;
}

const NO_WAIT = '  --no-wait           enqueue and print the labelled job ids instead of waiting';

export const COMMANDS: Record<string, CommandSpec> = {
  collect: {
    group: 'Pipeline',
    synopsis: 'collect [--feed ID]...',
    summary: 'fetch feeds now',
    help: `usage: frontera collect [--feed ID]... [--no-wait]
Fetches every enabled feed (or the ones named) now, waiting with live progress.
  --feed ID           only this feed (repeatable; see \`frontera feeds list\`)
${NO_WAIT}
Exit: 0 every feed collected, 3 some feeds failed, 1 every feed failed.`,
    options: ['feed', 'no-wait', 'help'],
    load: async () => (await import('./commands/pipeline.ts')).collectCommand,
  },
  build: {
    group: 'Pipeline',
    synopsis: 'build [--from DATE] [--to DATE]',
    summary: 'build a draft digest (default window: since the last sent issue, else 7 days)',
    help: `usage: frontera build [--from DATE] [--to DATE] [--no-wait]
Builds a draft for the window and mails the editors (EDITOR_EMAILS) that it is ready for review.
A window never overlaps an issue that was approved or sent; the default starts where the last one ended.
  --from DATE         start of the window (YYYY-MM-DD or ISO timestamp)
  --to DATE           end of the window (default: now)
${NO_WAIT}
Exit: 0 a draft was built or already exists, or the week was empty (said so); 1 the build failed.`,
    options: ['from', 'to', 'no-wait', 'help'],
    load: async () => (await import('./commands/pipeline.ts')).buildCommand,
  },
  send: {
    group: 'Pipeline',
    synopsis: 'send DIGEST_ID [--to EMAIL | --test]',
    summary: 'send to confirmed subscribers (exactly once each); --to / --test send proof copies',
    help: `usage: frontera send DIGEST_ID [--no-wait] [--resume]
       frontera send DIGEST_ID --to EMAIL     one test copy, outside the ledger
       frontera send DIGEST_ID --test         test copies to REVIEWER_EMAILS
Sends the digest to every confirmed subscriber, each exactly once (a draft is approved first; a
held or discarded digest is refused). An issue already sent says so; run again, it retries only
the failed deliveries and reports the uncertain ones. --resume resumes a send paused by its
circuit breaker (a run of policy refusals such as 550 5.7.1).
${NO_WAIT}
Exit: 0 every delivery sent, bounced or skipped; 3 failed or uncertain remain; 4 paused by the
circuit breaker; 5 Redis unreachable; 6 SMTP server unreachable; 1 the send failed; 2 usage.`,
    options: ['to', 'test', 'no-wait', 'resume', 'help'],
    load: async () => (await import('./commands/pipeline.ts')).sendCommand,
  },
  run: {
    group: 'Pipeline',
    synopsis: 'run',
    summary: 'collect → build → send',
    help: `usage: frontera run
Collects every feed, builds the draft and sends it, each step waited for.
Exit: the worst of the steps' codes (0, 3 partial, 1 failed).`,
    options: ['help'],
    load: async () => (await import('./commands/pipeline.ts')).runCommand,
  },
  approve: {
    group: 'Review',
    synopsis: 'approve DIGEST_ID',
    summary: 'approve a draft (or a held one) for sending',
    help: `usage: frontera approve DIGEST_ID [--send]
Approves a draft or held digest; with SEND_AT the scheduled send picks it up, or --send sends now.`,
    options: ['send', 'help'],
    load: async () => (await import('./commands/review.ts')).approveCommand,
  },
  hold: {
    group: 'Review',
    synopsis: 'hold DIGEST_ID',
    summary: 'hold a draft: the automatic send skips it',
    help: `usage: frontera hold DIGEST_ID [--reason TEXT]
Holds a draft or approved digest: SEND_AT and AUTO_SEND skip it until it is approved again.`,
    options: ['reason', 'help'],
    load: async () => (await import('./commands/review.ts')).holdCommand,
  },
  discard: {
    group: 'Review',
    synopsis: 'discard DIGEST_ID',
    summary: 'discard a draft: it is never sent and its window is free again',
    help: `usage: frontera discard DIGEST_ID [--reason TEXT]`,
    options: ['reason', 'help'],
    load: async () => (await import('./commands/review.ts')).discardCommand,
  },
  edit: {
    group: 'Review',
    synopsis: 'edit DIGEST_ID drop|pin|headline|move|note …',
    summary: "editor's changes to a draft; each re-renders",
    help: `usage: frontera edit DIGEST_ID drop STORY_ID          leave a story out
       frontera edit DIGEST_ID restore STORY_ID       bring a dropped story back
       frontera edit DIGEST_ID pin STORY_ID           put a story first (and keep it when trimming)
       frontera edit DIGEST_ID unpin STORY_ID
       frontera edit DIGEST_ID headline STORY_ID TEXT [--lang en|es]
                                                      change a headline (--lang: that edition's, when
                                                      the story has a version in that language)
       frontera edit DIGEST_ID move STORY_ID THEME_ID move a story to another theme
       frontera edit DIGEST_ID note TEXT              an editor's note at the top ("" removes it)
Story ids: \`frontera digest show DIGEST_ID\`. Only drafts and held digests can be edited.`,
    options: ['lang', 'help'],
    load: async () => (await import('./commands/review.ts')).editCommand,
  },
  audit: {
    group: 'Review',
    synopsis: 'audit [--digest ID] [--limit N]',
    summary: 'who did what, when (every review and send transition)',
    help: `usage: frontera audit [--digest ID] [--limit N] [--json]`,
    options: ['digest', 'limit', 'json', 'help'],
    load: async () => (await import('./commands/review.ts')).auditCommand,
  },
  preview: {
    group: 'Digests',
    synopsis: 'preview [DIGEST_ID] [--out FILE]',
    summary: 'write the rendered HTML (default: the latest build)',
    help: `usage: frontera preview [DIGEST_ID] [--out FILE]
Writes the rendered HTML with neutral links; without an id, the most recently built digest.`,
    options: ['out', 'help'],
    load: async () => (await import('./commands/digests.ts')).previewCommand,
  },
  digest: {
    group: 'Digests',
    synopsis: 'digest list [--json] | digest show ID [--json]',
    summary: 'the digests; one digest as themes → stories → sentences → sources',
    help: `usage: frontera digest list [--json] [--limit N]
       frontera digest show ID [--json]`,
    options: ['json', 'limit', 'help'],
    subcommands: ['list', 'show'],
    load: async () => (await import('./commands/digests.ts')).digestCommand,
  },
  deliveries: {
    group: 'Digests',
    synopsis: 'deliveries list ID [--state S] | resolve ID EMAIL --as sent|failed | compact [ID]',
    summary: 'who got what; reconcile an uncertain delivery; compact a settled ledger',
    help: `usage: frontera deliveries list DIGEST_ID [--state STATE] [--json]
       frontera deliveries resolve DIGEST_ID EMAIL --as sent|failed
       frontera deliveries compact [DIGEST_ID] [--now]
resolve --as failed lets the next \`frontera send\` retry the delivery.
compact folds a settled issue's sent and skipped deliveries into its counts, keeping the exceptions
(failed, bounced, uncertain, reported), once no delivery changed for LEDGER_COMPACT_AFTER_DAYS (all
such issues, or the one named; --now skips the wait). Exit 1 when the issue named is not settled.`,
    options: ['state', 'json', 'as', 'now', 'help'],
    subcommands: ['list', 'resolve', 'compact'],
    load: async () => (await import('./commands/deliveries.ts')).deliveriesCommand,
  },
  feeds: {
    group: 'Feeds',
    synopsis: 'feeds list [--json] | feeds check URL [--json]',
    summary: 'the configured feeds; fetch and parse one feed now',
    help: `usage: frontera feeds list [--json]
       frontera feeds check URL [--json]`,
    options: ['json', 'help'],
    subcommands: ['list', 'check'],
    load: async () => (await import('./commands/feeds.ts')).feedsCommand,
  },
  subscribers: {
    group: 'Subscribers',
    synopsis: 'subscribers add|list|remove|import FILE|export',
    summary: 'manage subscribers; export/import is the backup path',
    help: `usage: frontera subscribers add EMAIL [--name NAME] [--status confirmed|pending]
       frontera subscribers list [--status STATUS] [--json]
       frontera subscribers remove EMAIL
       frontera subscribers import FILE [--format csv|json]
       frontera subscribers export [--format csv|json] [--out FILE]`,
    options: ['name', 'status', 'json', 'format', 'out', 'help'],
    subcommands: ['add', 'list', 'remove', 'import', 'export'],
    load: async () => (await import('./commands/subscribers.ts')).subscribersCommand,
  },
  worker: {
    group: 'Services',
    synopsis: 'worker [--no-schedules]',
    summary: 'run the workers and upsert the schedules',
    help: `usage: frontera worker [--no-schedules]
Runs the collect, build and send workers until SIGINT/SIGTERM and upserts the schedules (collect
every COLLECT_EVERY_HOURS, the weekly build by DIGEST_CRON, the automatic send by SEND_AT).
Also compacts settled delivery ledgers every 6 hours, and runs the inbound receiver for late
bounces and complaints when INBOUND_PORT is set.`,
    options: ['no-schedules', 'help'],
    load: async () => (await import('./commands/services.ts')).workerCommand,
  },
  inbound: {
    group: 'Services',
    synopsis: 'inbound [--port 2525] [--host 127.0.0.1]',
    summary: 'receive late bounces (DSN) and complaints (ARF) over SMTP',
    help: `usage: frontera inbound [--port PORT] [--host HOST]
An SMTP server for the VERP return paths (BOUNCE_LOCAL_PART+TOKEN@BOUNCE_DOMAIN) and the plain
feedback-loop address: hard bounces suppress the reader (bounced), abuse reports mark them
complained, other reports are recorded on the delivery. Runs until SIGINT/SIGTERM.
Defaults: INBOUND_HOST, INBOUND_PORT (2525). Exit: 0 on a signal, 2 usage.`,
    options: ['port', 'host', 'help'],
    load: async () => (await import('./commands/inbound.ts')).inboundCommand,
  },
  web: {
    group: 'Services',
    synopsis: 'web [--port 3000] [--host 127.0.0.1]',
    summary: 'reader pages, the archive, /admin (when ADMIN_PASSWORD_HASH is set) and /metrics',
    help: `usage: frontera web [--port PORT] [--host HOST]
  --port PORT         1–65535 (default 3000)
  --host HOST         address to listen on (default 127.0.0.1)`,
    options: ['port', 'host', 'help'],
    load: async () => (await import('./commands/services.ts')).webCommand,
  },
  admin: {
    group: 'Services',
    synopsis: 'admin hash-password',
    summary: 'print an ADMIN_PASSWORD_HASH for a password read from stdin',
    help: `usage: frontera admin hash-password < password.txt
Reads the password from stdin (first line) and prints the scrypt hash to put in ADMIN_PASSWORD_HASH.`,
    options: ['help'],
    subcommands: ['hash-password'],
    load: async () => (await import('./commands/admin.ts')).adminCommand,
  },
  status: {
    group: 'Services',
    synopsis: 'status [--json]',
    summary: 'subscribers, the last issue, queues, feeds in use',
    help: `usage: frontera status [--json]`,
    options: ['json', 'help'],
    load: async () => (await import('./commands/status.ts')).statusCommand,
  },
  demo: {
    group: 'Services',
    synopsis: 'demo',
    summary: 'the whole pipeline on bundled sample feeds',
    help: `usage: frontera demo
Collect → build → send on samples/feeds through a private Redis and a local SMTP server.`,
    options: ['help'],
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
  stop: {
    group: 'Services',
    synopsis: 'stop',
    summary: 'stop the private Redis this DATA_DIR started (never another server)',
    help: `usage: frontera stop
Stops the private Redis started without REDIS_URL, after checking it is the one Frontera started
(a run id kept in that Redis). Exit: 0 stopped or nothing was running; 1 the port is held by another server.`,
    options: ['help'],
    load: async () => (await import('./commands/stop.ts')).stopCommand,
  },
};

export function topLevelHelp(version: string): string {
  const groups = new Map<string, string[]>();
  for (const spec of Object.values(COMMANDS)) {
    const lines = groups.get(spec.group) ?? [];
    const wide = spec.synopsis.length > 44;
    lines.push(wide ? `  ${spec.synopsis}\n  ${''.padEnd(44)} ${spec.summary}` : `  ${spec.synopsis.padEnd(44)} ${spec.summary}`);
    groups.set(spec.group, lines);
  }
  return `frontera ${version} — weekly digest of coverage on Mexico's fight against the cartels and US–Mexico relations

usage: frontera COMMAND [options]     (frontera COMMAND --help for its options and exit codes)
${[...groups].map(([g, lines]) => `${g}:\n${lines.join('\n')}`).join('\n')}

Exit codes: 0 done, 1 failed, 2 usage or configuration error, 3 partial success.
Configuration: environment variables (config/.env.example) and CONFIG_DIR/{feeds,topic}.yaml.`;
}
