import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/errors.ts';
import { describeError } from '../domain/errors.ts';
import { EXIT, exitCodeForError } from './exit-codes.ts';
import { COMMANDS, topLevelHelp, type CommandSpec } from './registry.ts';
import { didYouMean } from './suggest.ts';
import { UsageError } from './usage-error.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Options before a `--` end-of-options marker: only those can ask for help. */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * node:util parseArgs errors name the problem in the library's words ("Unknown option '--fom'.
 * To specify a positional argument…"); say it in the operator's, with a suggestion.
 */
function explainParseError(err: { code: string; message: string }, spec: CommandSpec): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = quoted.replace(/^-+/, '');
      return `unknown option ${quoted}${didYouMean(name, spec.options).replace(/"([^"]+)"/, '"--$1"')}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message)
        ? `${quoted.split(' ')[0]} needs a value`
        : `${quoted.split(' ')[0]} does not take a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`;
    default:
      return err.message;
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(version());
    return EXIT.OK;
  }
  if (!name) {
    console.error(topLevelHelp(version()));
    return EXIT.USAGE;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    const spec = topic ? COMMANDS[topic] : undefined;
    console.log(spec ? spec.help : topLevelHelp(version()));
    return topic && !spec ? EXIT.USAGE : EXIT.OK;
  }
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!spec) {
    console.error(`frontera: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}; \`frontera --help\` lists them`);
    return EXIT.USAGE;
  }
  if (wantsHelp(rest)) {
    console.log(spec.help);
    return EXIT.OK;
  }
  // A missing or mistyped subcommand is caught before the command opens Redis. An unknown one that
  // resembles nothing known is left to the command itself, which may know more than this table.
  const sub = rest[0];
  if (spec.subcommands && (!sub || sub.startsWith('-') || (!spec.subcommands.includes(sub) && didYouMean(sub, spec.subcommands)))) {
    console.error(`frontera ${name}: ${sub ? `unknown subcommand "${sub}"${didYouMean(sub, spec.subcommands)}` : 'needs a subcommand'}\n${spec.help}`);
    return EXIT.USAGE;
  }
  try {
    const run = await spec.load();
    return await run(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return EXIT.USAGE;
    }
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`frontera ${name}: ${explainParseError(err as { code: string; message: string }, spec)}\n${spec.help.split('\n')[0]}`);
      return EXIT.USAGE;
    }
    if (err instanceof UsageError) {
      const sub = rest[0];
      if (spec.subcommands && sub && !sub.startsWith('-') && !spec.subcommands.includes(sub)) {
        console.error(`frontera ${name}: unknown subcommand "${sub}"${didYouMean(sub, spec.subcommands)}\n${spec.help}`);
      } else {
        console.error(`frontera ${name}: ${err.message}`);
      }
      return EXIT.USAGE;
    }
    const { code: errorCode, message } = describeError(err);
    console.error(`frontera ${name}: ${errorCode}: ${message}`);
    return exitCodeForError(errorCode);
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A closed ioredis or SMTP pool can keep a socket half-open for a moment; don't let that make the
// CLI look hung. unref() lets a clean exit happen sooner, while pending stdout still flushes.
setTimeout(() => process.exit(code), 1500).unref();
