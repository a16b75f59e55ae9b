import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.ts';
import { parseEnv } from '../config/env.ts';
import { loadTopic } from '../config/files.ts';
import { evaluateRelevance, parseLabelledSet, type Evaluation } from '../eval/relevance-metrics.ts';

/**
 * npm run eval:relevance -- FILE.jsonl [--topic FILE] [--errors] [--by-window]
 *
 * Decides a labelled set with the production code and topic (CONFIG_DIR/topic.yaml unless --topic):
 * each item scored as collection scores it, then relevance decided per story as a build does
 * (domain/story-relevance.ts), and prints the confusion counts, precision, recall and F1. Items may
 * carry publishedAt, source and window (mexico-coverage-dev's items.jsonl); without dates all items
 * count as published together. --by-window adds the figures of each window decided alone (and, with --errors, its errors). Exit 0 with figures, 2 when the set
 * cannot be read (missing, empty, malformed lines) or the command is misused.
 */

const USAGE = 'usage: npm run eval:relevance -- FILE.jsonl [--topic topic.yaml] [--errors] [--by-window]';

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        topic: { type: 'string' },
        errors: { type: 'boolean', default: false },
        'by-window': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) return fail(USAGE);
  const file = resolve(args.positionals[0] as string);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const { items, errors } = parseLabelledSet(text);
  if (errors.length > 0) {
    for (const e of errors) console.error(`${file}:${e.line}: ${e.reason}`);
    return fail(`${errors.length} malformed line(s); fix them so the figures cover the whole set`);
  }
  if (items.length === 0) return fail(`${file} holds no labelled items`);

  let topicFile: string;
  let topic;
  try {
    topicFile = resolve(args.values.topic ?? join(parseEnv(process.env).CONFIG_DIR, 'topic.yaml'));
    topic = loadTopic(topicFile);
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }

  const evaluation = evaluateRelevance(items, topic);
  if (args.values.errors) printErrors(evaluation);
  printFigures(file, topicFile, topic.threshold, items.length, evaluation);
  if (args.values['by-window']) {
    // Each window decided on its own, as a build sees one week: a check that nothing depends on
    // the other windows being in the same run.
    const windows = [...new Set(items.map((i) => i.window).filter((w): w is string => w !== undefined))].sort();
    for (const w of windows) {
      const subset = items.filter((i) => i.window === w);
      const windowEvaluation = evaluateRelevance(subset, topic);
      console.log('');
      if (args.values.errors) printErrors(windowEvaluation);
      printFigures(`${file} window ${w}`, topicFile, topic.threshold, subset.length, windowEvaluation);
    }
  }
  return 0;
}

function printFigures(file: string, topicFile: string, threshold: number, n: number, e: Evaluation): void {
  const { tp, fp, fn, tn } = e.confusion;
  const { precision, recall, f1 } = e.metrics;
  console.log(`set       ${file} (${n} items, ${tp + fn} relevant)`);
  console.log(`topic     ${topicFile} (threshold ${threshold})`);
  console.log(`counts    TP ${tp}  FP ${fp}  FN ${fn}  TN ${tn}`);
  console.log(`precision ${precision.toFixed(3)}`);
  console.log(`recall    ${recall.toFixed(3)}`);
  console.log(`F1        ${f1.toFixed(3)}`);
}

function printErrors(e: Evaluation): void {
  for (const { item, result } of e.errors) {
    const kind = item.relevant ? 'FN' : 'FP';
    const matched = result.matched.length > 0 ? result.matched.join(', ') : '-';
    const why = e.errors.find((x) => x.item === item)!.reason;
    console.log(`${kind} ${item.id}  score ${result.score.toFixed(2)} topical ${result.topical.toFixed(2)}${result.anchored ? '' : ' (not anchored)'}${result.elsewhere ? ' (elsewhere)' : ''} ${why}  [${matched}]`);
    console.log(`   ${item.title}`);
    if (item.summary) console.log(`   ${item.summary}`);
  }
  if (e.errors.length > 0) console.log('');
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
