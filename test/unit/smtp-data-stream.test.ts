import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { dataStreamPrototype, installFastDataStream, stuffChunk } from '../../src/adapters/smtp-data-stream.ts';
import { buildRaw, isWireClean, prepareMime } from '../../src/templates/mime.ts';

/** Runs chunks through a DataStream (nodemailer's class) with the given _transform. */
async function throughDataStream(chunks: Buffer[], transform: unknown): Promise<Buffer> {
  const proto = dataStreamPrototype()!;
  const Ctor = proto.constructor as new () => NodeJS.ReadWriteStream & { _transform: unknown };
  const stream = new Ctor();
  stream._transform = transform;
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), stream as never, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  return Buffer.concat(out);
}

describe('dot-stuffing by line, not by byte', () => {
  it('matches nodemailer byte for byte on random input split at random points', async () => {
    const { original } = installFastDataStream();
    expect(original).toBeTypeOf('function');
    const alphabet = ['\r', '\n', '.', 'a', '\r\n', '\r\n.', '.\r\n'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: 1 + rand(60) }, () => alphabet[rand(alphabet.length)]).join('');
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + rand(8);
        chunks.push(bytes.subarray(i, i + n));
        i += n;
      }
      const fast = await throughDataStream(chunks, (dataStreamPrototype() as unknown as { _transform: unknown })._transform);
      const slow = await throughDataStream(chunks, original);
      expect(fast.toString('latin1'), JSON.stringify(text)).toBe(slow.toString('latin1'));
    }
  });

  it('leaves a clean CRLF message untouched, without copying it', () => {
    const clean = Buffer.from('Subject: x\r\n\r\nline one\r\n=2Eline two\r\n');
    const { out, lastByte } = stuffChunk(clean, false);
    expect(out).toBe(clean);
    expect(lastByte).toBe(0x0a);
    expect(stuffChunk(Buffer.from('.a\n.b'), 0x0a).out.toString()).toBe('..a\r\n..b');
  });

  it('buildRaw output needs no stuffing whatever the content, so the data stream may skip the scan', async () => {
    // Dots, bare CR/LF, "From " and long lines in every place a digest or a subscriber can put text.
    const pieces = ['.', '..', '\r', '\n', '\r\n', '\r\n.', '\n.', 'From ', 'é', ' ', 'a'.repeat(74), '=', '.\r\n.'];
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const text = () => Array.from({ length: 1 + rand(40) }, () => pieces[rand(pieces.length)]).join('');
    installFastDataStream();
    for (let round = 0; round < 200; round++) {
      const mime = prepareMime({
        from: 'Frontera <digest@frontera.example>',
        subject: `.${text()}`,
        html: `${text()}{{u}}${text()}{{e}}${text()}`,
        text: `${text()}{{u}}${text()}`,
        placeholders: ['{{u}}', '{{e}}'],
      });
      const raw = buildRaw(mime, { '{{u}}': `.${text()}`, '{{e}}': '.reader@example.org' }, {
        to: '.reader@example.org',
        messageId: '<x.y@frontera.example>',
        date: new Date(0),
        extra: { 'List-Unsubscribe': '<https://frontera.example/u?t=.a>' },
      });
      expect(isWireClean(raw)).toBe(true);
      // The general path would change nothing: same object back, not a copy.
      expect(stuffChunk(raw, false).out).toBe(raw);
      // ... and the data stream sends it as it is, then the terminating dot.
      const sent = await throughDataStream([raw], (dataStreamPrototype() as unknown as { _transform: unknown })._transform);
      expect(sent.toString('latin1')).toBe(`${raw.toString('latin1')}.\r\n`);
    }
  });

  it('scans a copy of a clean message, and anything that does not start a line, as usual', async () => {
    const mime = prepareMime({ from: 'a@b.example', subject: 's', html: 'h', text: 't', placeholders: [] });
    const raw = buildRaw(mime, {}, { to: 'c@d.example', messageId: '<m@b.example>', date: new Date(0), extra: {} });
    expect(isWireClean(Buffer.from(raw))).toBe(false);
    expect(isWireClean(raw.subarray(1))).toBe(false);
    // After a bare CR the next byte decides the insertion; a clean message right after one is still fixed up.
    installFastDataStream();
    const out = await throughDataStream([Buffer.from('x\r'), raw], (dataStreamPrototype() as unknown as { _transform: unknown })._transform);
    expect(out.toString('latin1')).toBe(`x\r\n${raw.toString('latin1')}.\r\n`);
  });
});
