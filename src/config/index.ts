import { resolve } from 'node:path';
import type { FeedConfig, TopicConfig } from '../domain/model.ts';
import { parseEnv, type Env } from './env.ts';
import { configFiles, loadFeeds, loadTopic } from './files.ts';

export { ConfigError } from './errors.ts';
export type { Env } from './env.ts';

export interface AppConfig {
  env: Env;
  configDir: string;
  dataDir: string;
  feeds: FeedConfig[];
  topic: TopicConfig;
  files: { feeds: string; topic: string };
}

/**
 * The only reader of process.env. Parses once; callers hand each module its own slice.
 * `overrides` let the demo use the sample feeds list and point it at its loopback server.
 */
export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  overrides: { feedsFile?: string; resolveFeedUrl?: (url: string) => string } = {},
): AppConfig {
  const env = parseEnv(source);
  const configDir = resolve(env.CONFIG_DIR);
  const files = { ...configFiles(configDir), ...(overrides.feedsFile ? { feeds: resolve(overrides.feedsFile) } : {}) };
  return {
    env,
    configDir,
    dataDir: resolve(env.DATA_DIR),
    files,
    feeds: loadFeeds(files.feeds, overrides.resolveFeedUrl),
    topic: loadTopic(files.topic),
  };
}
