import { z } from 'zod';
import { FrontError } from '../domain/errors.ts';
import { ConsentEnd, ConsentSource, Language, SubscriberStatus, type Subscriber } from '../domain/model.ts';
import { suppressionHash } from '../pipeline/mailbox.ts';
import type { SubscriberBulkStore, SubscriberStore } from '../pipeline/ports.ts';
import { emailKey } from './redis-subscribers.ts';
import { formatCsv, parseCsv } from './csv.ts';

/**
 * Export and import of subscribers: the backup path. Export writes email, name, status and the
 * consent record (source, when asked and confirmed, the keyed IP hash, how it ended) and the
 * preferences; ids are the store's own and are recreated on import. A row without a status
 * imports as `pending`, never `confirmed`: confirmation is consent, and a file cannot prove it.
 * Import never overwrites: an address already stored is left as it is, a second row for the same
 * address is reported as a duplicate, and a suppressed address (unsubscribed, bounced, removed or
 * erased) is reported and not brought back.
 */

export type SubscriberFormat = 'csv' | 'json';
export interface ImportResult {
  added: number;
  /** Already stored (and not suppressed): left exactly as it was. */
  unchanged: number;
  /** A later row for an address seen earlier in the file; `first` is that earlier line. */
  duplicates: { line: number; first: number }[];
  /** Rows for addresses that opted out, bounced or were erased: not imported. */
  suppressed: { line: number; reason: string }[];
  /** CSV: the line the record starts on; JSON: the 1-based position in the array. */
  invalid: { line: number; reason: string }[];
}

/** The consent and preference columns, in export order, after email, name and status. */
const RECORD_FIELDS = ['source', 'requestedAt', 'confirmedAt', 'ipHash', 'endedReason', 'endedAt', 'themes', 'pausedUntil', 'lang'] as const;
type RecordField = (typeof RECORD_FIELDS)[number];
const ENDED: ReadonlySet<string> = new Set(['unsubscribed', 'bounced']);

const Email = z.email();
const Row = z.object({
  email: z.string(),
  name: z.string().optional().nullable(),
  status: z.string().optional().nullable(),
  ...Object.fromEntries(RECORD_FIELDS.map((f) => [f, z.string().optional().nullable()])),
});
type Row = { line: number; email: string; name?: string; status: SubscriberStatus; fields: Partial<Record<RecordField, string>> };

/** A bounce recorded by the ledger sets only the status; the record names the reason anyway. */
function recordOf(s: Subscriber): Record<RecordField, string> {
  const out = Object.fromEntries(RECORD_FIELDS.map((f) => [f, (s[f] as string | undefined) ?? ''])) as Record<RecordField, string>;
  if (!out.endedReason && ENDED.has(s.status)) out.endedReason = s.status;
  return out;
}

export async function exportSubscribers(store: SubscriberStore, format: SubscriberFormat): Promise<string> {
  const subs = await store.listSubscribers();
  if (format === 'json') {
    const rows = subs.map((s) => {
      const record = Object.fromEntries(Object.entries(recordOf(s)).filter(([, v]) => v !== ''));
      return { email: s.email, ...(s.name ? { name: s.name } : {}), status: s.status, ...record };
    });
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  return formatCsv([
    ['email', 'name', 'status', ...RECORD_FIELDS],
    ...subs.map((s) => {
      const r = recordOf(s);
      return [s.email, s.name ?? '', s.status, ...RECORD_FIELDS.map((f) => r[f])];
    }),
  ]);
}

export async function importSubscribers(
  store: SubscriberStore & SubscriberBulkStore,
  text: string,
  format: SubscriberFormat,
  opts: { secret: string },
): Promise<ImportResult> {
  const invalid: ImportResult['invalid'] = [];
  const rows = format === 'json' ? readJson(text, invalid) : readCsv(text, invalid);
  const result: ImportResult = { added: 0, unchanged: 0, duplicates: [], suppressed: [], invalid };
  // The first row for an address is the one imported; later ones are reported, never merged.
  const first = new Map<string, number>();
  const unique: Row[] = [];
  for (const row of rows) {
    const key = emailKey(row.email);
    const seen = first.get(key);
    if (seen !== undefined) result.duplicates.push({ line: row.line, first: seen });
    else {
      first.set(key, row.line);
      unique.push(row);
    }
  }
  // One upsert script over hundreds of rows per call (redis-subscribers-bulk.ts), not a round
  // trip per row: the same script and arguments as a single add, so the rules are identical.
  const outcomes = await store.upsertSubscribers(
    unique.map((row) => ({
      email: row.email,
      ...(row.name === undefined ? {} : { name: row.name }),
      status: row.status,
      fields: { ...row.fields, source: row.fields.source || 'import' },
      createOnly: true,
      suppressionHash: suppressionHash(opts.secret, row.email),
    })),
  );
  const known = outcomes.flatMap((o) => (o.outcome === 'created' || o.outcome === 'suppressed' ? [] : [o.id]));
  const statuses = await store.subscriberStatuses(known);
  unique.forEach((row, i) => {
    const { id, outcome } = outcomes[i]!;
    const status = statuses.get(id);
    if (outcome === 'suppressed') result.suppressed.push({ line: row.line, reason: 'on the suppression list (removed or erased)' });
    else if (outcome === 'created') result.added++;
    else if (status && ENDED.has(status)) result.suppressed.push({ line: row.line, reason: `already ${status}` });
    else result.unchanged++;
  });
  for (const list of [result.invalid, result.duplicates, result.suppressed]) list.sort((a, b) => a.line - b.line);
  return result;
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
    const extra = Object.fromEntries(RECORD_FIELDS.map((f) => [f, get(f.toLowerCase())]));
    const row = validate(rec.line, get('email') ?? '', get('name'), get('status'), extra, invalid);
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
    const data = parsed.data as Record<string, string | null | undefined>;
    const extra = Object.fromEntries(RECORD_FIELDS.map((f) => [f, data[f] ?? undefined]));
    const row = validate(i + 1, parsed.data.email, parsed.data.name ?? undefined, parsed.data.status ?? undefined, extra, invalid);
    if (row) rows.push(row);
  });
  return rows;
}

const FieldChecks: Record<RecordField, z.ZodType<string>> = {
  source: ConsentSource,
  requestedAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime(),
  ipHash: z.string().regex(/^[0-9a-f]{64}$/),
  endedReason: ConsentEnd,
  endedAt: z.iso.datetime(),
  themes: z.string().regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/),
  pausedUntil: z.iso.datetime(),
  lang: Language,
};

function validate(
  line: number,
  rawEmail: string,
  rawName: string | undefined,
  rawStatus: string | undefined,
  extra: Record<string, string | undefined>,
  invalid: ImportResult['invalid'],
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
  const fields: Row['fields'] = {};
  for (const f of RECORD_FIELDS) {
    const value = extra[f]?.trim();
    if (!value) continue;
    if (!FieldChecks[f].safeParse(value).success) {
      invalid.push({ line, reason: `invalid ${f} "${value.slice(0, 40)}"` });
      return undefined;
    }
    fields[f] = value;
  }
  const name = rawName?.normalize('NFC').trim();
  return { line, email, status: status.data, fields, ...(name ? { name } : {}) };
}
