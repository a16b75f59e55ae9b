import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.ts';
import { fmt } from './lib.ts';

const run = promisify(execFile);

/**
 * Wall-clock start-up of the operator CLI as a user runs it: the compiled `bin/frontera.mjs`
 * (dist/) against the same sources run through tsx, which compiles TypeScript on every start (what
 * the CLI did before). `status` talks to a private redis-server, so it includes connecting and the
 * queries; `--help` is start-up alone. Runs are interleaved so machine load hits both alike.
 */
export async function benchStartup(): Promise<void> {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'frontera-bench-startup-'));
  const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: 'bench', DATA_DIR: dataDir, SECRET_KEY: 'b'.repeat(40) };
  const variants = {
    compiled: ['bin/frontera.mjs'],
    tsx: ['--import', 'tsx', 'src/cli/main.ts'],
  } as const;
  const time = async (args: readonly string[]) => {
    const t0 = performance.now();
    await run('node', [...args], { env });
    return performance.now() - t0;
  };
  try {
    for (const command of [['--help'], ['status']]) {
      const samples: Record<keyof typeof variants, number[]> = { compiled: [], tsx: [] };
      // One warm-up each (disk cache), then interleaved runs.
      for (const v of Object.keys(variants) as (keyof typeof variants)[]) await time([...variants[v], ...command]);
      for (let i = 0; i < 7; i++) {
        for (const v of Object.keys(variants) as (keyof typeof variants)[]) samples[v].push(await time([...variants[v], ...command]));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const [c, t] = [median(samples.compiled), median(samples.tsx)];
      console.log(`frontera ${command.join(' ').padEnd(7)} compiled (dist/) ${fmt(c).padStart(9)}   tsx ${fmt(t).padStart(9)}   ${(t / c).toFixed(1)}× faster (median of 7)`);
    }
  } finally {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
