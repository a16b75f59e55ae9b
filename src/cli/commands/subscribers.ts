import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { maskEmail } from '../../adapters/logger.ts';
import { exportSubscribers, importSubscribers } from '../../adapters/subscribers-io.ts';
import { Language, SubscriberStatus } from '../../domain/model.ts';
import { UsageError, withApp } from '../context.ts';

const USAGE = `usage: frontera subscribers add EMAIL [--name NAME] [--status confirmed|pending] [--lang en|es]
       frontera subscribers list [--status STATUS] [--json]
       frontera subscribers remove EMAIL
       frontera subscribers import FILE [--format csv|json]
       frontera subscribers export [--format csv|json] [--out FILE]`;

export async function subscribersCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      status: { type: 'string' },
      lang: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const status = values.status === undefined ? undefined : SubscriberStatus.safeParse(values.status);
  if (status && !status.success) throw new UsageError(`--status must be one of ${SubscriberStatus.options.join(', ')}`);
  const lang = values.lang === undefined ? undefined : Language.safeParse(values.lang);
  if (lang && !lang.success) throw new UsageError(`--lang must be one of ${Language.options.join(', ')}`);
  const format = values.format ?? undefined;
  if (format && format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');

  return withApp({}, async ({ app }) => {
    const store = app.store;
    switch (sub) {
      case 'add': {
        const email = positionals[0];
        if (!email || !z.email().safeParse(email).success) throw new UsageError(`add needs a valid EMAIL\n${USAGE}`);
        // An operator adding an address by hand vouches for it; use --status pending to require opt-in.
        const s = await store.upsertSubscriber({ email, name: values.name, status: status?.data ?? 'confirmed', lang: lang?.data });
        console.log(`${s.id} ${s.email} ${s.status} ${s.lang ?? 'en'}`);
        return 0;
      }
      case 'list': {
        const list = await store.listSubscribers(status?.data);
        if (values.json) console.log(JSON.stringify(list, null, 2));
        else for (const s of list) console.log(`${s.id}  ${s.status.padEnd(12)} ${s.email}${s.name ? `  (${s.name})` : ''}`);
        if (!values.json) console.log(`${list.length} subscriber(s)`);
        return 0;
      }
      case 'remove': {
        const email = positionals[0];
        if (!email) throw new UsageError(`remove needs an EMAIL\n${USAGE}`);
        const s = await store.findByEmail(email);
        if (!s) throw new UsageError(`no subscriber ${maskEmail(email)}`);
        await store.removeSubscriber(s.id);
        console.log(`removed ${s.email}`);
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw new UsageError(`import needs a FILE\n${USAGE}`);
        const fmt = (format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv')) as 'csv' | 'json';
        const result = await importSubscribers(store, readFileSync(file, 'utf8'), fmt);
        console.log(`imported: ${result.added} added, ${result.updated} updated, ${result.invalid.length} invalid`);
        for (const bad of result.invalid) console.log(`  line ${bad.line}: ${bad.reason}`);
        return result.invalid.length > 0 ? 1 : 0;
      }
      case 'export': {
        const text = await exportSubscribers(store, (format ?? 'csv') as 'csv' | 'json');
        if (values.out) writeFileSync(values.out, text);
        else process.stdout.write(text);
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  });
}
