import { benchBuild } from './build.bench.ts';
import { benchBulk } from './bulk.bench.ts';
import { benchCollect } from './collect.bench.ts';
import { benchRender } from './render.bench.ts';
import { benchSend } from './send.bench.ts';
import { benchStartup } from './startup.bench.ts';

/**
 * `npm run bench`: prints medians and ratios against baselines measured in the same run. The
 * machine is shared and noisy, so nothing here passes or fails on time. `npm run bench -- build`
 * runs one section (build, render, send, collect, startup, bulk); `npm run bench -- send --100k`
 * adds the 100,000-subscriber send.
 */
const args = process.argv.slice(2);
const sections: Record<string, () => Promise<void>> = {
  build: benchBuild,
  render: benchRender,
  send: () => benchSend(args),
  collect: benchCollect,
  startup: benchStartup,
  bulk: benchBulk,
};
const wanted = args.filter((a) => a in sections);
console.log(`Frontera benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const name of wanted.length ? wanted : Object.keys(sections)) {
  console.log(`\n== ${name}`);
  await sections[name]!();
}
process.exit(0);
