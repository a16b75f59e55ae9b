import { parseArgs } from 'node:util';
import { hashPassword } from '../../web/admin/password.ts';
import { UsageError } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (input is shown; end with Enter): ');
  let data = '';
  for await (const chunk of process.stdin) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/** `admin hash-password`: the password comes on stdin, never as an argument (shell history, ps). */
export async function adminCommand(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals[0] !== 'hash-password' || positionals.length > 1) throw new UsageError('usage: frontera admin hash-password < password.txt');
  const password = await readStdin();
  try {
    console.log(await hashPassword(password));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  console.error('put it in ADMIN_PASSWORD_HASH (quote it: it contains $)');
  return EXIT.OK;
}
