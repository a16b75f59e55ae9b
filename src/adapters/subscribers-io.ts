import { z } from 'zod';
import { FrontError } from '../domain/errors.ts';
import { Language, SubscriberStatus } from '../domain/model.ts';
import type { SubscriberStore } from '../pipeline/ports.ts';
import { formatCsv, parseCsv } from './csv.ts';

/**
 * Export and import of subscribers: the backup path. Export writes email, name and status (ids and
 * timestamps are the store's own and are recreated on import). A row without a status imports as
 * `pending`, never `confirmed`: confirmation is consent, and a file cannot prove it.
 */

export type SubscriberFormat = 'csv' | 'json';
export interface ImportResult {
  added: number;
  updated: number;
  /** CSV: the line the record starts on; JSON: the 1-based position in the array. */
  invalid: { line: number; reason: string }[];
}

const Email = z.email();
const Row = z.object({
  email: z.string(),
  name: z.string().optional().nullable(),
  status: z.string().optional().nullable(),
  lang: z.string().optional().nullable(),
});
type Row = { line: number; email: string; name?: string; status: SubscriberStatus; lang?: Language };

export async function exportSubscribers(store: SubscriberStore, format: SubscriberFormat): Promise<string> {
  const subs = await store.listSubscribers();
  if (format === 'json') {
    const rows = subs.map((s) => ({ email: s.email, ...(s.name ? { name: s.name } : {}), status: s.status, ...(s.lang ? { lang: s.lang } : {}) }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  return formatCsv([['email', 'name', 'status', 'lang'], ...subs.map((s) => [s.email, s.name ?? '', s.status, s.lang ?? ''])]);
}

export async function importSubscribers(store: SubscriberStore, text: string, format: SubscriberFormat): Promise<ImportResult> {
  const invalid: ImportResult['invalid'] = [];
  const rows = format === 'json' ? readJson(text, invalid) : readCsv(text, invalid);
  let added = 0;
  let updated = 0;
  // Rows for the same address run in file order (the last one wins); different addresses run a
  // few at a time, since each upsert is a couple of round trips.
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = row.email.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const queue = [...groups.values()];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const row of group) {
        const existed = (await store.findByEmail(row.email)) !== undefined;
        await store.upsertSubscriber({ email: row.email, name: row.name, status: row.status, lang: row.lang });
        if (existed) updated++;
        else added++;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  invalid.sort((a, b) => a.line - b.line);
  return { added, updated, invalid };
}

function readCsv(text: string, invalid: ImportResult['invalid']): Row[] {
  const [header, ...records] = parseCsv(text);
  if (!header) return [];
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const col = (name: string) => columns.indexOf(name);
  if (col('email') < 0) {
    throw new FrontError('SUBSCRIBER_INVALID', `CSV header must name an "email" column (got: ${header.fields.join(',')})`, { permanent: true });
  }
  const rows: Row[] = [];
  for (const rec of records) {
    if (rec.error) {
      invalid.push({ line: rec.line, reason: rec.error });
      continue;
    }
    const get = (name: string) => (col(name) >= 0 ? rec.fields[col(name)] : undefined);
    const row = validate(rec.line, get('email') ?? '', get('name'), get('status'), invalid, get('lang'));
    if (row) rows.push(row);
  }
  return rows;
}

function readJson(text: string, invalid: ImportResult['invalid']): Row[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new FrontError('SUBSCRIBER_INVALID', `not JSON: ${(err as Error).message}`, { permanent: true, cause: err });
  }
  if (!Array.isArray(data)) throw new FrontError('SUBSCRIBER_INVALID', 'JSON import must be an array of subscribers', { permanent: true });
  const rows: Row[] = [];
  data.forEach((item, i) => {
    const parsed = Row.safeParse(item);
    if (!parsed.success) {
      invalid.push({ line: i + 1, reason: `expected { email, name?, status?, lang? }: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      return;
    }
    const row = validate(i + 1, parsed.data.email, parsed.data.name ?? undefined, parsed.data.status ?? undefined, invalid, parsed.data.lang ?? undefined);
    if (row) rows.push(row);
  });
  return rows;
}

function validate(
  line: number,
  rawEmail: string,
  rawName: string | undefined,
  rawStatus: string | undefined,
  invalid: ImportResult['invalid'],
  rawLang?: string,
): Row | undefined {
  const email = rawEmail.normalize('NFC').trim();
  if (!Email.safeParse(email).success) {
    invalid.push({ line, reason: email === '' ? 'missing email' : `invalid email "${email}"` });
    return undefined;
  }
  const statusText = rawStatus?.trim().toLowerCase() || 'pending';
  const status = SubscriberStatus.safeParse(statusText);
  if (!status.success) {
    invalid.push({ line, reason: `unknown status "${statusText}" (expected ${SubscriberStatus.options.join(', ')})` });
    return undefined;
  }
  const langText = rawLang?.trim().toLowerCase();
  const lang = langText ? Language.safeParse(langText) : undefined;
  if (lang && !lang.success) {
    invalid.push({ line, reason: `unknown lang "${langText}" (expected ${Language.options.join(', ')})` });
    return undefined;
  }
  const name = rawName?.normalize('NFC').trim();
  return { line, email, status: status.data, ...(name ? { name } : {}), ...(lang?.success ? { lang: lang.data } : {}) };
}
