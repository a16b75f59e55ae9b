import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../src/pipeline/ports.ts';
import { freePort } from '../src/adapters/free-port.ts';

/** Processes for the send bench: postfix's smtp-sink and smtp-source, and `frontera` itself. */

export const SMTP_SINK = '/usr/sbin/smtp-sink';
export const SMTP_SOURCE = '/usr/sbin/smtp-source';
const asRoot = process.getuid?.() === 0;

export interface PostfixSink {
  url: string;
  port: number;
  pid: number | undefined;
  /** Messages received since start (smtp-sink's own `mesg=` counter). */
  messages(): number;
  stop(): Promise<void>;
}

export async function startPostfixSink(): Promise<PostfixSink> {
  const port = await freePort();
  // -c: running counters on stdout; 1024: listen backlog. It advertises PIPELINING by default.
  const child = spawn(SMTP_SINK, ['-c', ...(asRoot ? ['-u', 'nobody'] : []), `127.0.0.1:${port}`, '1024'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let mesg = 0;
  child.stdout!.on('data', (d: Buffer) => {
    const all = [...d.toString().matchAll(/mesg=(\d+)/g)];
    if (all.length) mesg = Number(all.at(-1)![1]);
  });
  await new Promise((r) => setTimeout(r, 300));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    messages: () => mesg,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/** smtp-source into the sink: the machine's ceiling for messages of `size` bytes. */
export async function smtpSourceRate(port: number, count: number, size: number, sessions: number): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(SMTP_SOURCE, ['-s', String(sessions), '-l', String(size), '-m', String(count), '-f', 'digest@frontera.example', '-t', 'reader@example.org', `127.0.0.1:${port}`], { stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source exited with ${code}`))));
  });
  return (count / (performance.now() - t0)) * 1000;
}

export interface CommandRun {
  ms: number;
  /** From the command's start to the first delivery recorded sent. */
  firstMs: number;
  /** From the command's start to the digest turning `sending` (process start-up, enqueue, pick-up). */
  planMs: number;
  /** From the first to the last message: the steady rate. */
  steadyRate: number;
  peakRssMb: number;
  /** CPU seconds the command used (sampled until just before it exited). */
  cpuS: number;
  exit: number | null;
  stderr: string;
}

const DATA_DIR = mkdtempSync(join(tmpdir(), 'frontera-bench-'));

// BENCH_PROFILE=DIR writes a V8 CPU profile of every `frontera` process into DIR (chrome://inspect, or speedscope).
const PROFILE = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

export function frontera(args: string[], env: Record<string, string>): ChildProcess {
  return spawn('node', [...PROFILE, 'bin/frontera.mjs', ...args], {
    env: { ...process.env, DATA_DIR, SECRET_KEY: 's'.repeat(40), MAIL_FROM: 'Frontera <digest@frontera.example>', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** CPU seconds (user + system) a process has used so far; 0 once it has gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux); the command
    // name (field 2) is in parentheses and may hold spaces, so count from its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** VmHWM (peak resident set) of a running process, in MB; 0 once it has gone. */
function peakRss(pid: number): number {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `frontera send ID` to its end, watching the ledger for the first and last acceptance. */
export async function timeSendCommand(store: Store, digestId: string, total: number, env: Record<string, string>): Promise<CommandRun> {
  const t0 = performance.now();
  const child = frontera(['send', digestId], env);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  let firstMs = 0;
  let planMs = 0;
  let lastAt = 0;
  let exited = false;
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => ((exited = true), r(code))));
  let cpu = 0;
  while (!exited) {
    peak = Math.max(peak, peakRss(child.pid!));
    cpu = Math.max(cpu, cpuSeconds(child.pid));
    if (!planMs && (await store.getDigest(digestId))?.status === 'sending') planMs = performance.now() - t0;
    const sent = (await store.deliveryCounts(digestId)).sent;
    if (sent > 0 && !firstMs) firstMs = performance.now() - t0;
    if (sent >= total && !lastAt) lastAt = performance.now() - t0;
    // Fine-grained until the first message, then coarser: the poller's own CPU is taken from the send.
    await new Promise((r) => setTimeout(r, firstMs ? 100 : 25));
  }
  const code = await exit;
  const ms = performance.now() - t0;
  return { ms, firstMs, planMs, steadyRate: (total / ((lastAt || ms) - firstMs)) * 1000, peakRssMb: peak, cpuS: cpu, exit: code, stderr };
}
