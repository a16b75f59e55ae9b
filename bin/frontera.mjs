#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` runs through `prepare`):
// compiling TypeScript on every start cost ~3 s per command.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('frontera: dist/ is missing; run `npm run build` (npm ci does it through `prepare`)');
  process.exit(1);
}
await import(main.href);
