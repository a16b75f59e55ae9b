import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, join } from 'node:path';

/** The sample week's last moment; samples/feeds.yaml says the same. */
export const SAMPLE_WEEK_END = Date.parse('2026-11-27T18:00:00Z');

/**
 * Serves the bundled sample feeds on loopback, re-dated by `shiftMs` so the sample week is always
 * "this week" for the build's window. The shift is fixed per data folder (see demo.ts), so a
 * second run serves byte-identical feeds and collect sees 304s / known articles, as in production.
 */
export async function startSampleServer(dir: string, shiftMs: number): Promise<{ baseUrl: string; server: Server }> {
  const files = new Map<string, { body: string; etag: string }>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.xml'))) {
    const body = shiftDates(readFileSync(join(dir, name), 'utf8'), shiftMs);
    files.set(name, { body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"` });
  }
  const server = createServer((req, res) => {
    const name = basename(new URL(req.url ?? '/', 'http://x').pathname);
    const file = files.get(name);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { etag: file.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8', etag: file.etag }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { baseUrl: `http://127.0.0.1:${port}/`, server };
}

const RFC822 = /(<(pubDate|lastBuildDate)>)([^<]+)(<\/\2>)/g;
const ISO = /(<(updated|published|dc:date)>)([^<]+)(<\/\2>)/g;

export function shiftDates(xml: string, shiftMs: number): string {
  const shift = (value: string, iso: boolean) => {
    const t = Date.parse(value.trim());
    if (Number.isNaN(t)) return value;
    const d = new Date(t + shiftMs);
    return iso ? d.toISOString() : d.toUTCString().replace('GMT', '+0000');
  };
  return xml
    .replace(RFC822, (_m, open: string, _tag: string, value: string, close: string) => `${open}${shift(value, false)}${close}`)
    .replace(ISO, (_m, open: string, _tag: string, value: string, close: string) => `${open}${shift(value, true)}${close}`);
}
