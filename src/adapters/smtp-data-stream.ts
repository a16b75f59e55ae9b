import { PassThrough, type Transform, type TransformCallback } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { isWireClean } from '../templates/mime.ts';

/**
 * nodemailer writes every message through its DataStream, which dot-stuffs (RFC 5321 4.5.2) and
 * turns bare CR/LF into CRLF by looking at every byte in a JavaScript loop: a quarter of the send
 * path's CPU for a 90 KB digest, although our messages (quoted-printable, CRLF, no line starting
 * with a dot) never need a byte changed. `stuffChunk` does the same transformation by jumping
 * between line breaks with Buffer.indexOf (native), so it costs per line, not per byte. It
 * replaces DataStream's _transform once, here; the fuzz test in test/unit/smtp-data-stream.test.ts
 * checks it byte for byte against nodemailer's own implementation. A message from buildRaw is
 * known to need no change at all (isWireClean) and is passed on without even that scan.
 */

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const INSERT_LF = Buffer.from('\n');
const INSERT_LF_DOT = Buffer.from('\n.');
const INSERT_CR = Buffer.from('\r');
const INSERT_DOT = Buffer.from('.');

/** What must be inserted before byte i, given the byte before it (false: start of message). */
function insertAt(byte: number, prev: number | false): Buffer | undefined {
  if (prev === CR && byte !== LF) return byte === DOT ? INSERT_LF_DOT : INSERT_LF;
  if (byte === LF && prev !== CR) return INSERT_CR;
  if (byte === DOT && (prev === LF || prev === false)) return INSERT_DOT;
  return undefined;
}

/**
 * The bytes that go on the wire for `chunk`, and its last byte. Only three kinds of position can
 * need an insertion: the first byte (its predecessor is the previous chunk's last), a LF, and
 * the byte right after a CR or LF; everything else is copied as it is.
 */
export function stuffChunk(chunk: Buffer, lastByte: number | false): { out: Buffer; lastByte: number | false } {
  if (chunk.length === 0) return { out: chunk, lastByte };
  const parts: Buffer[] = [];
  let copiedTo = 0;
  const check = (i: number) => {
    if (i >= chunk.length) return;
    const insert = insertAt(chunk[i]!, i === 0 ? lastByte : chunk[i - 1]!);
    if (!insert) return;
    if (i > copiedTo) parts.push(chunk.subarray(copiedTo, i));
    parts.push(insert);
    copiedTo = i;
  };
  // Candidates come in non-decreasing order; each is checked once.
  let lastChecked = -1;
  const consider = (i: number) => {
    if (i <= lastChecked) return;
    lastChecked = i;
    check(i);
  };
  consider(0);
  let lf = chunk.indexOf(LF);
  let cr = chunk.indexOf(CR);
  while (lf !== -1 || cr !== -1) {
    const p = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (p === lf) {
      consider(p);
      lf = chunk.indexOf(LF, p + 1);
    } else {
      cr = chunk.indexOf(CR, p + 1);
    }
    consider(p + 1);
  }
  const last = chunk[chunk.length - 1]!;
  if (parts.length === 0) return { out: chunk, lastByte: last };
  if (copiedTo < chunk.length) parts.push(chunk.subarray(copiedTo));
  return { out: Buffer.concat(parts), lastByte: last };
}

interface DataStreamLike extends Transform {
  lastByte: number | false;
  inByteCount: number;
  outByteCount: number;
}

let original: Transform['_transform'] | undefined;

/** Swaps DataStream's per-byte _transform for stuffChunk; a no-op if nodemailer's shape changed. */
export function installFastDataStream(): { original?: Transform['_transform'] } {
  const proto = dataStreamPrototype();
  if (!proto || typeof proto._transform !== 'function') return {};
  if (original) return { original };
  original = proto._transform;
  proto._transform = function fastTransform(this: DataStreamLike, chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback) {
    if (!chunk || !chunk.length) return done();
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.inByteCount += buf.length;
    // A whole message from buildRaw, at the start of the data or of a line: nothing to change.
    if ((this.lastByte === false || this.lastByte === LF) && isWireClean(buf)) {
      this.outByteCount += buf.length;
      this.push(buf);
      this.lastByte = buf[buf.length - 1]!;
      return done();
    }
    const { out, lastByte } = stuffChunk(buf, this.lastByte);
    this.outByteCount += out.length;
    this.push(out);
    this.lastByte = lastByte;
    done();
  };
  return { original };
}

/**
 * DataStream is not exported by nodemailer, so one is made the way SMTPConnection makes it, on a
 * throwaway object, and its prototype is taken.
 */
export function dataStreamPrototype(): Transform | undefined {
  try {
    const create = (SMTPConnection.prototype as unknown as { _createSendStream?: (this: unknown, cb: () => void) => Transform })._createSendStream;
    if (typeof create !== 'function') return undefined;
    const fake = { _envelope: {}, options: {}, _responseActions: [] as unknown[], _socket: new PassThrough(), logger: { info() {}, debug() {} } };
    const stream = create.call(fake, () => {});
    stream.unpipe();
    return Object.getPrototypeOf(stream) as Transform;
  } catch {
    return undefined;
  }
}
