#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` runs through `prepare`):
// compiling TypeScript on every start cost ~3 s per command.
import { existsSync, readdirSync, statSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 caches compiled bytecode of every module loaded (dependencies included) between runs.
module.enableCompileCache?.();

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('frontera: dist/ is missing; run `npm run build` (npm ci does it through `prepare`)');
  process.exit(1);
}

// In a checkout, a source file newer than the build means dist/ runs old code: say so (a few ms).
const src = new URL('../src/', import.meta.url);
if (existsSync(src)) {
  const stamp = new URL('../dist/.built', import.meta.url);
  const built = statSync(existsSync(stamp) ? stamp : main).mtimeMs;
  const newer = readdirSync(src, { recursive: true }).find((f) => String(f).endsWith('.ts') && statSync(new URL(String(f), src)).mtimeMs > built);
  if (newer) console.error(`frontera: src/${newer} is newer than dist/; run \`npm run build\` to use your changes`);
}
await import(main.href);
