import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { maskEmail } from '../../adapters/logger.ts';
import { exportSubscribers, importSubscribers } from '../../adapters/subscribers-io.ts';
import { isFrontError } from '../../domain/errors.ts';
import { Language, SubscriberStatus } from '../../domain/model.ts';
import { readerMailJobs } from '../../jobs/producers.ts';
import { addByOperator, forgetSubscriber, removeByOperator } from '../../pipeline/subscriber-admin.ts';
import { UsageError, withApp } from '../context.ts';

const USAGE = `usage: frontera subscribers add EMAIL [--name NAME] [--status confirmed|pending] [--lang en|es] [--resubscribe]
       frontera subscribers list [--status STATUS] [--json]
       frontera subscribers remove EMAIL
       frontera subscribers forget EMAIL
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
      json: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      resubscribe: { type: 'boolean' },
      lang: { type: 'string' },
    },
  });
  const status = values.status === undefined ? undefined : SubscriberStatus.safeParse(values.status);
  if (status && !status.success) throw new UsageError(`--status must be one of ${SubscriberStatus.options.join(', ')}`);
  const langArg = values.lang === undefined ? undefined : Language.safeParse(values.lang);
  if (langArg && !langArg.success) throw new UsageError(`--lang must be one of ${Language.options.join(', ')}`);
  const lang = langArg?.data;
  const format = values.format ?? undefined;
  if (format && format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');

  return withApp({}, async ({ app }) => {
    const store = app.store;
    const admin = { store, jobs: readerMailJobs(app.queues), secret: app.secret, clock: app.clock };
    switch (sub) {
      case 'add': {
        const email = positionals[0];
        if (!email || !z.email().safeParse(email).success) throw new UsageError(`add needs a valid EMAIL\n${USAGE}`);
        if (status && status.data !== 'confirmed' && status.data !== 'pending') throw new UsageError('add --status must be confirmed or pending');
        // An operator adding an address by hand vouches for it; --status pending or --resubscribe require opt-in.
        try {
          const r = await addByOperator(admin, {
            email,
            ...(values.name === undefined ? {} : { name: values.name }),
            status: (status?.data as 'confirmed' | 'pending' | undefined) ?? 'confirmed',
            resubscribe: values.resubscribe === true,
            ...(lang ? { lang } : {}),
          });
          const note = r.outcome === 'confirmation-queued' ? ' (confirmation email queued; the worker sends it)' : r.outcome === 'unchanged' ? ' (already there, unchanged)' : '';
          console.log(`${r.id} ${email} ${r.status}${note}`);
          return 0;
        } catch (err) {
          if (isFrontError(err) && err.code === 'SUBSCRIBER_SUPPRESSED') {
            console.error(`frontera: ${maskEmail(email)}: ${err.message}`);
            return 1;
          }
          throw err;
        }
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
        const r = await removeByOperator(admin, email);
        if (!r.found) {
          console.error(`frontera: no subscriber ${maskEmail(email)}; the address is now on the suppression list`);
          return 1;
        }
        console.log(`removed ${email} (was ${r.previous}); kept as suppressed, with its consent record`);
        return 0;
      }
      case 'forget': {
        const email = positionals[0];
        if (!email) throw new UsageError(`forget needs an EMAIL\n${USAGE}`);
        const r = await forgetSubscriber(admin, email);
        if (r.found) console.log(`erased ${maskEmail(email)}: subscriber and consent record, ${r.ledgerEntries} delivery record(s); a keyed hash keeps it suppressed`);
        else console.log(`no subscriber ${maskEmail(email)}; its keyed hash is on the suppression list`);
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw new UsageError(`import needs a FILE\n${USAGE}`);
        const fmt = (format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv')) as 'csv' | 'json';
        const result = await importSubscribers(store, readFileSync(file, 'utf8'), fmt, { secret: app.secret });
        console.log(
          `imported: ${result.added} added, ${result.unchanged} already present (unchanged), ${result.duplicates.length} duplicate, ` +
            `${result.suppressed.length} suppressed, ${result.invalid.length} invalid`,
        );
        for (const d of result.duplicates) console.log(`  line ${d.line}: duplicate of line ${d.first}, not imported`);
        for (const d of result.suppressed) console.log(`  line ${d.line}: suppressed (${d.reason}), not imported`);
        for (const bad of result.invalid) console.log(`  line ${bad.line}: ${bad.reason}`);
        // Exit 1 when any row was not imported as written, so a script notices.
        return result.invalid.length + result.duplicates.length + result.suppressed.length > 0 ? 1 : 0;
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
