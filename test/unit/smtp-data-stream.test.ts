import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { dataStreamPrototype, installFastDataStream, stuffChunk } from '../../src/adapters/smtp-data-stream.ts';

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
});
