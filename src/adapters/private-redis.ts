import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

/**
 * Without REDIS_URL every command shares one private redis-server under DATA_DIR: AOF on (so the
 * ledger survives a restart), noeviction (the store must never lose keys silently), loopback only.
 * It is started once, daemonised, and found again through DATA_DIR/redis.json.
 *
 * A port number alone does not identify a server: after a reboot another redis-server may listen
 * on the recorded port. So the server we start keeps a run id (persisted in its own AOF) that must
 * match the record before we use it, and above all before `frontera stop` shuts it down.
 */
export interface PrivateRedis {
  url: string;
  started: boolean;
}

interface RedisRecord {
  port: number;
  runId?: string;
}

/** Outside every REDIS_PREFIX: it names the server, not an instance's data. */
const RUN_ID_KEY = 'frontera-private-redis:run-id';

export type Identity = 'ours' | 'foreign' | 'down';

export async function ensurePrivateRedis(dataDir: string): Promise<PrivateRedis> {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const recordFile = join(dataDir, 'redis.json');
  const record = readRecord(recordFile);
  if (record && (await identify(record, dir)) === 'ours') return { url: urlOf(record.port), started: false };
  // Two servers appending to one AOF would corrupt it: never start a second one on this folder.
  const running = runningPid(join(dir, 'redis.pid'));
  if (running) {
    throw new Error(
      `the private Redis under ${dir} (pid ${running}) is running but did not answer as recorded in ${recordFile}; ` +
        `check ${dir}/redis.log, or stop it (kill ${running}) and run the command again`,
    );
  }
  const port = await freePort();
  await new Promise<void>((done, reject) => {
    const child = spawn(
      'redis-server',
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--daemonize', 'yes',
        '--dir', dir,
        '--appendonly', 'yes',
        // always: a claim must be on disk before its reply, or a Redis crash can forget claims
        // already acted on (with everysec, a busy disk delays the write past the reply by up to
        // 2 s) and the next send mails those readers again.
        '--appendfsync', 'always',
        '--save', '',
        '--maxmemory-policy', 'noeviction',
        '--pidfile', join(dir, 'redis.pid'),
        '--logfile', join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    child.once('error', (err) =>
      reject(new Error(`Cannot start redis-server (${err.message}). Install it (apt-get install redis-server) or set REDIS_URL.`)),
    );
    child.once('exit', (code) => (code === 0 ? done() : reject(new Error(`redis-server exited with code ${code}; see ${dir}/redis.log`))));
  });
  const url = urlOf(port);
  for (let i = 0; i < 100; i++) {
    const runId = await withClient(url, async (c) => {
      // The AOF may hold the run id of an earlier start from this same folder: keep it.
      await c.set(RUN_ID_KEY, randomUUID(), 'NX');
      return c.get(RUN_ID_KEY);
    });
    if (runId) {
      writeFileSync(recordFile, JSON.stringify({ port, runId }));
      return { url, started: true };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on ${url}; see ${dir}/redis.log`);
}

export type StopResult =
  | { status: 'stopped'; port: number }
  | { status: 'not-recorded' }
  | { status: 'not-running'; port: number }
  | { status: 'foreign'; port: number };

/** Stops the private server (SHUTDOWN writes the AOF first), only after checking it is ours. */
export async function stopPrivateRedis(dataDir: string): Promise<StopResult> {
  const record = readRecord(join(dataDir, 'redis.json'));
  if (!record) return { status: 'not-recorded' };
  const identity = await identify(record, resolve(dataDir, 'redis'));
  if (identity === 'down') return { status: 'not-running', port: record.port };
  if (identity === 'foreign') return { status: 'foreign', port: record.port };
  await withClient(urlOf(record.port), async (c) => {
    try {
      await c.call('SHUTDOWN');
    } catch {
      // SHUTDOWN closes the connection before replying; an error here is the normal outcome.
    }
    return true;
  });
  for (let i = 0; i < 40 && (await withClient(urlOf(record.port), (c) => c.ping())); i++) await new Promise((r) => setTimeout(r, 50));
  return { status: 'stopped', port: record.port };
}

/**
 * Ours when the run id in the server matches the record. A record written before run ids existed
 * is trusted only when the server's working directory is our folder (then it gets a run id).
 */
async function identify(record: RedisRecord, dir: string): Promise<Identity> {
  const found = await withClient(urlOf(record.port), async (c) => {
    const runId = await c.get(RUN_ID_KEY);
    if (record.runId) return runId === record.runId ? 'ours' : 'foreign';
    const [, serverDir] = ((await c.config('GET', 'dir').catch(() => [])) as string[]) ?? [];
    return serverDir && resolve(serverDir) === dir ? 'ours' : 'foreign';
  });
  return found ?? 'down';
}

/** The pid in a redis-server pidfile, if that process is alive and is a redis-server. */
function runningPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    const cmd = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : 'redis-server';
    return cmd.includes('redis-server') ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readRecord(file: string): RedisRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RedisRecord;
    return Number.isInteger(r.port) ? r : undefined;
  } catch {
    return undefined;
  }
}

const urlOf = (port: number) => `redis://127.0.0.1:${port}`;

/** Runs fn on a short-lived connection; undefined when nothing answers. */
async function withClient<T>(url: string, fn: (c: Redis) => Promise<T>): Promise<T | undefined> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await fn(client);
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}
