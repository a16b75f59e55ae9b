import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/adapters/free-port.ts';

/**
 * A redis-server with AOF on and fsynced before every reply (as production must run it for the
 * ledger to survive a Redis crash; see README "Delivery") that a test can hurt: SIGKILL it and start
 * it again from its AOF on the same port, freeze it (SIGSTOP/SIGCONT) or pause its clients.
 */
export interface FaultyRedis {
  url: string;
  /** The running redis-server's pid (for benchmarks that read its CPU time). */
  pid(): number | undefined;
  kill(): Promise<void>;
  restart(): Promise<void>;
  freeze(ms: number): Promise<void>;
  pauseClients(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startAofRedis(): Promise<FaultyRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'frontera-aof-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => {});
      try {
        await client.connect();
        // Loading the AOF answers -LOADING until done.
        if ((await client.ping()) === 'PONG') return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        client.disconnect();
      }
    }
    throw new Error(`redis-server did not start on ${url}`);
  };
  const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));

  await start();
  return {
    url,
    pid: () => child?.pid,
    async kill() {
      const c = child!;
      c.kill('SIGKILL');
      await exited(c);
    },
    restart: start,
    async freeze(ms) {
      child!.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      child!.kill('SIGCONT');
    },
    async pauseClients(ms) {
      const client = new Redis(url);
      await client.call('CLIENT', 'PAUSE', String(ms), 'ALL');
      client.disconnect();
    },
    async stop() {
      const c = child!;
      c.kill('SIGKILL');
      await exited(c);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
