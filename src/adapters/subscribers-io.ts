import { z } from 'zod';
import { FrontError } from '../domain/errors.ts';
import { SubscriberStatus } from '../domain/model.ts';
import type { SubscriberBulkStore, SubscriberStore } from '../pipeline/ports.ts';
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
});
type Row = { line: number; email: string; name?: string; status: SubscriberStatus };

export async function exportSubscribers(store: SubscriberStore, format: SubscriberFormat): Promise<string> {
  const subs = await store.listSubscribers();
  if (format === 'json') {
    const rows = subs.map((s) => (s.name ? { email: s.email, name: s.name, status: s.status } : { email: s.email, status: s.status }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  return formatCsv([['email', 'name', 'status'], ...subs.map((s) => [s.email, s.name ?? '', s.status])]);
}

export async function importSubscribers(store: SubscriberBulkStore, text: string, format: SubscriberFormat): Promise<ImportResult> {
  const invalid: ImportResult['invalid'] = [];
  const rows = format === 'json' ? readJson(text, invalid) : readCsv(text, invalid);
  // Pipelined, in file order, so a repeated address ends with its last row.
  const results = await store.upsertSubscribers(rows);
  const added = results.filter((r) => r.added).length;
  invalid.sort((a, b) => a.line - b.line);
  return { added, updated: results.length - added, invalid };
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
    const row = validate(rec.line, get('email') ?? '', get('name'), get('status'), invalid);
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
      invalid.push({ line: i + 1, reason: `expected { email, name?, status? }: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      return;
    }
    const row = validate(i + 1, parsed.data.email, parsed.data.name ?? undefined, parsed.data.status ?? undefined, invalid);
    if (row) rows.push(row);
  });
  return rows;
}

function validate(line: number, rawEmail: string, rawName: string | undefined, rawStatus: string | undefined, invalid: ImportResult['invalid']): Row | undefined {
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
  const name = rawName?.normalize('NFC').trim();
  return { line, email, status: status.data, ...(name ? { name } : {}) };
}
