import { FrontError } from '../domain/errors.ts';
import type { ZodError } from 'zod';

/** A configuration error names where (file or variable), which key, and what is wrong. */
export class ConfigError extends FrontError {
  readonly source: string;
  readonly issues: { key: string; reason: string }[];

  constructor(source: string, issues: { key: string; reason: string }[]) {
    const lines = issues.map((i) => `  ${source}: ${i.key || '(root)'}: ${i.reason}`);
    super('CONFIG_INVALID', `Invalid configuration in ${source}:\n${lines.join('\n')}`, { permanent: true });
    this.name = 'ConfigError';
    this.source = source;
    this.issues = issues;
  }

  static fromZod(source: string, error: ZodError, keyPrefix = ''): ConfigError {
    return new ConfigError(
      source,
      error.issues.map((issue) => ({
        key: keyPrefix + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['),
        reason: issue.message,
      })),
    );
  }
}
