import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stopPrivateRedis } from '../../adapters/private-redis.ts';
import { parseEnv } from '../../config/env.ts';
import { EXIT } from '../exit-codes.ts';

/** Only the environment is read: stop must work even when feeds.yaml or topic.yaml is broken. */
export async function stopCommand(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const dataDir = resolve(parseEnv(process.env).DATA_DIR);
  const result = await stopPrivateRedis(dataDir);
  switch (result.status) {
    case 'stopped':
      console.log(`stopped the private Redis on port ${result.port} (its data stays in ${dataDir}/redis)`);
      return EXIT.OK;
    case 'not-recorded':
      console.log(`nothing to stop: no private Redis was started from ${dataDir}`);
      return EXIT.OK;
    case 'not-running':
      console.log(`nothing to stop: the private Redis recorded on port ${result.port} is not running`);
      return EXIT.OK;
    case 'foreign':
      console.error(`frontera stop: port ${result.port} is answered by a Redis that Frontera did not start from ${dataDir}; left it running`);
      return EXIT.FAILED;
  }
}
