import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/adapters/free-port.ts';

/**
 * A real Sentinel topology on loopback: one primary, two replicas and three `redis-server
 * --sentinel` processes (quorum 2) watching it as `mymaster`, with a short down-after so a
 * failover happens in seconds. Two replicas, so that after a failover the new primary still has
 * one to confirm claims. Processes, not mocks: tests cut the replicas off and SIGKILL the primary.
 */
export interface SentinelTopology {
  url: string;
  primaryPort: number;
  replicaPorts: number[];
  /**
   * Cuts the replication links: the primary drops its replicas and refuses their reconnection
   * (a password they don't have), so every write from now on exists on the primary only. Kernel
   * socket buffers would otherwise carry the primary's last writes to a replica even after a
   * SIGKILL, and nothing would be lost.
   */
  isolatePrimary(): Promise<void>;
  killPrimary(): void;
  /** Port of the primary the Sentinels currently name. */
  currentPrimary(): Promise<number>;
  stop(): Promise<void>;
}

const MASTER = 'mymaster';

function startServer(args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function ask<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

export async function startSentinelTopology(): Promise<SentinelTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'frontera-sentinel-'));
  const ports = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  const [primaryPort, replicaA, replicaB, ...sentinelPorts] = ports as [number, number, number, number, number, number];
  const replicaPorts = [replicaA, replicaB];
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'];
  const primary = startServer(['--port', String(primaryPort), ...common]);
  const replicas = replicaPorts.map((port) => startServer(['--port', String(port), ...common, '--replicaof', '127.0.0.1', String(primaryPort)]));
  for (const port of replicaPorts) {
    await waitFor(() => ask(port, async (c) => /master_link_status:up/.test(await c.info('replication'))), 'the replicas to sync');
  }
  const sentinels = sentinelPorts.map((port, i) => {
    const conf = join(dir, `sentinel-${i}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${MASTER} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${MASTER} 1000`,
        `sentinel failover-timeout ${MASTER} 6000`,
        `sentinel parallel-syncs ${MASTER} 1`,
      ].join('\n') + '\n',
    );
    return startServer([conf, '--sentinel']);
  });
  const currentPrimary = () =>
    ask(sentinelPorts[0]!, async (c) => Number(((await c.call('SENTINEL', 'get-master-addr-by-name', MASTER)) as string[])[1]));
  // Every Sentinel must know the replica and the others before a failover can be agreed.
  await waitFor(
    async () => {
      for (const port of sentinelPorts) {
        const info = (await ask(port, (c) => c.call('SENTINEL', 'master', MASTER))) as string[];
        const field = (name: string) => Number(info[info.indexOf(name) + 1]);
        if (field('num-slaves') < 2 || field('num-other-sentinels') < 2) return false;
      }
      return true;
    },
    'the Sentinels to discover each other',
    20_000,
  );
  const all = [primary, ...replicas, ...sentinels];
  return {
    url: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${MASTER}`,
    primaryPort,
    replicaPorts,
    isolatePrimary: () =>
      ask(primaryPort, async (c) => {
        await c.call('CONFIG', 'SET', 'requirepass', `cut-off-${process.pid}`);
        await c.call('CLIENT', 'KILL', 'TYPE', 'replica');
      }),
    killPrimary: () => void primary.kill('SIGKILL'),
    currentPrimary,
    stop: async () => {
      await Promise.all(
        all.map((child) => {
          if (child.exitCode !== null || child.signalCode !== null) return undefined;
          child.kill('SIGKILL');
          return new Promise((r) => child.once('exit', r));
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
