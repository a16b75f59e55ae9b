/**
 * A small RFC 4180 reader and writer: enough for the subscriber backup (quoted fields with commas,
 * doubled quotes and line breaks, CRLF or LF), without pulling in a CSV dependency.
 */

export interface CsvRecord {
  /** The 1-based line on which the record starts, for error messages. */
  line: number;
  fields: string[];
  /** Set when the record could not be read (an unterminated quote). */
  error?: string;
}

export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // Excel writes a BOM
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    for (;;) {
      if (src[i] === '"') {
        i++;
        let closed = false;
        while (i < src.length) {
          const ch = src[i]!;
          if (ch === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (!closed) error = 'unterminated quoted field';
      }
      // Unquoted text (or stray text after a closing quote, kept leniently) up to , or newline.
      while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') field += src[i++];
      fields.push(field);
      field = '';
      if (src[i] === ',') {
        i++;
        continue;
      }
      if (src[i] === '\r') i++;
      if (src[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank || error) records.push(error ? { line: start, fields, error } : { line: start, fields });
  }
  return records;
}

export function formatCsvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsv(rows: string[][]): string {
  return rows.map((row) => row.map(formatCsvField).join(',') + '\r\n').join('');
}
