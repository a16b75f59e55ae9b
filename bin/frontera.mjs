#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` runs through `prepare`):
// compiling TypeScript on every start cost ~3 s per command.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 caches compiled bytecode of every module loaded (dependencies included) between runs.
module.enableCompileCache?.();

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('frontera: dist/ is missing; run `npm run build` (npm ci does it through `prepare`)');
  process.exit(1);
}
await import(main.href);
