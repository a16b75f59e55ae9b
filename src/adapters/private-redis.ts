import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

/**
 * Without REDIS_URL every command shares one private redis-server under DATA_DIR: AOF on (so the
 * ledger survives a restart), noeviction (the store must never lose keys silently), loopback only.
 * It is started once, daemonised, and found again through DATA_DIR/redis.json.
 */
export interface PrivateRedis {
  url: string;
  started: boolean;
}

interface Record {
  port: number;
}

export async function ensurePrivateRedis(dataDir: string): Promise<PrivateRedis> {
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const recordFile = join(dataDir, 'redis.json');
  if (existsSync(recordFile)) {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as Record;
    const url = `redis://127.0.0.1:${record.port}`;
    if (await ping(url)) return { url, started: false };
  }
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'redis-server',
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--daemonize', 'yes',
        '--dir', dir,
        '--appendonly', 'yes',
        '--appendfsync', 'everysec',
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
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-server exited with code ${code}; see ${dir}/redis.log`))));
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await ping(url)) {
      writeFileSync(recordFile, JSON.stringify({ port }));
      return { url, started: true };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on ${url}; see ${dir}/redis.log`);
}

/** Stops the private server (SHUTDOWN writes the AOF first). */
export async function stopPrivateRedis(dataDir: string): Promise<boolean> {
  const recordFile = join(dataDir, 'redis.json');
  if (!existsSync(recordFile)) return false;
  const { port } = JSON.parse(readFileSync(recordFile, 'utf8')) as Record;
  const client = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.call('SHUTDOWN');
  } catch {
    // SHUTDOWN closes the connection before replying; an error here is the normal outcome.
  } finally {
    client.disconnect();
  }
  return true;
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
