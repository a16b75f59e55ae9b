import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * VERP return paths: each message's envelope sender is `<local>+<token>@<domain>`, so a bounce or
 * complaint that arrives days later names the exact (digest, subscriber) it is about.
 *
 * The token is signed: anyone who could mint one could suppress any reader by mailing a fake
 * bounce. It is also short, because RFC 5321 (4.5.3.1.1) caps a local part at 64 octets:
 *   byte 0      version (high nibble) and subscriber-id form (low nibble: 0 raw UTF-8, 1 packed)
 *   bytes 1-4   first 4 bytes of SHA-256(digestId): a lookup key, resolved against known digests
 *   …           subscriber id: `sub_` + 20 hex packed into 10 bytes, or the raw UTF-8 bytes
 *   last 8      HMAC-SHA256(secret, purpose, digestId, subscriberId), truncated to 64 bits
 * Encoded as lower-case base32 (RFC 4648 alphabet, no padding): MTAs may change the case of a
 * local part, and base32 survives that. A standard id gives a 37-character token.
 */

const VERSION = 1;
const FORM_RAW = 0;
const FORM_PACKED = 1;
const DIGEST_KEY_BYTES = 4;
const MAC_BYTES = 8;
const PACKED_ID = /^sub_([0-9a-f]{20})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** Tokens longer than this are refused before decoding: a hostile address costs nothing. */
const MAX_TOKEN_CHARS = 200;

export interface ReturnPathConfig {
  secret: string;
  /** Local part before the `+`, e.g. `bounces`. */
  localPart: string;
  domain: string;
}

export interface DecodedReturnPath {
  digestKey: string;
  subscriberId: string;
  mac: Buffer;
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | undefined {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  // Leftover bits must be zero padding, else two spellings would decode to one token.
  if (value !== 0) return undefined;
  return Buffer.from(bytes);
}

/** The 8-hex-digit key a token carries for its digest; the receiver matches it against digest ids. */
export function digestKeyOf(digestId: string): string {
  return createHash('sha256').update(digestId).digest().subarray(0, DIGEST_KEY_BYTES).toString('hex');
}

function mac(secret: string, digestId: string, subscriberId: string): Buffer {
  if (secret.length < 16) throw new Error('return-path secret must be at least 16 characters');
  // The purpose string keeps these MACs apart from the unsubscribe/confirm tokens' ones.
  return createHmac('sha256', secret)
    .update(`frontera:v1:return-path:${digestId}\n${subscriberId}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signReturnPathToken(secret: string, digestId: string, subscriberId: string): string {
  if (digestId === '' || subscriberId === '') throw new Error('digestId and subscriberId must not be empty');
  const packed = PACKED_ID.exec(subscriberId);
  const id = packed ? Buffer.from(packed[1]!, 'hex') : Buffer.from(subscriberId, 'utf8');
  const head = Buffer.from([(VERSION << 4) | (packed ? FORM_PACKED : FORM_RAW)]);
  const key = Buffer.from(digestKeyOf(digestId), 'hex');
  return base32(Buffer.concat([head, key, id, mac(secret, digestId, subscriberId)]));
}

/** The domain of "Name <user@domain>" or "user@domain": the default bounce domain (MAIL_FROM's). */
export function domainOfSender(from: string): string | undefined {
  const address = /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? from.trim();
  return /@([^@\s>]+)$/.exec(address)?.[1];
}

/** The envelope sender for one message. */
export function returnPathAddress(cfg: ReturnPathConfig, digestId: string, subscriberId: string): string {
  return `${cfg.localPart}+${signReturnPathToken(cfg.secret, digestId, subscriberId)}@${cfg.domain}`;
}

/** Splits a token into its parts without checking the MAC (that needs the digest id). */
export function decodeReturnPathToken(token: string): DecodedReturnPath | undefined {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return undefined;
  const bytes = unbase32(token.toLowerCase());
  if (!bytes || bytes.length < 1 + DIGEST_KEY_BYTES + 1 + MAC_BYTES) return undefined;
  const head = bytes[0]!;
  if (head >> 4 !== VERSION) return undefined;
  const idBytes = bytes.subarray(1 + DIGEST_KEY_BYTES, bytes.length - MAC_BYTES);
  let subscriberId: string;
  if ((head & 15) === FORM_PACKED) {
    if (idBytes.length !== 10) return undefined;
    subscriberId = `sub_${idBytes.toString('hex')}`;
  } else if ((head & 15) === FORM_RAW) {
    subscriberId = idBytes.toString('utf8');
    // Invalid UTF-8 would decode lossily; refuse rather than guess.
    if (!Buffer.from(subscriberId, 'utf8').equals(idBytes)) return undefined;
  } else {
    return undefined;
  }
  return {
    digestKey: bytes.subarray(1, 1 + DIGEST_KEY_BYTES).toString('hex'),
    subscriberId,
    mac: Buffer.from(bytes.subarray(bytes.length - MAC_BYTES)),
  };
}

export function verifyReturnPath(secret: string, decoded: DecodedReturnPath, digestId: string): boolean {
  if (digestKeyOf(digestId) !== decoded.digestKey) return false;
  return timingSafeEqual(mac(secret, digestId, decoded.subscriberId), decoded.mac);
}

/**
 * The token in an address of ours, or undefined: `bounces+TOKEN@domain` (local part and domain
 * compared case-insensitively, angle brackets and surrounding space allowed).
 */
export function tokenFromAddress(cfg: Pick<ReturnPathConfig, 'localPart' | 'domain'>, address: string): string | undefined {
  const m = /^\s*<?\s*([^<>\s@]+)@([^<>\s@]+?)\.?\s*>?\s*$/.exec(address);
  if (!m) return undefined;
  const [local, domain] = [m[1]!.toLowerCase(), m[2]!.toLowerCase()];
  if (domain !== cfg.domain.toLowerCase()) return undefined;
  const prefix = `${cfg.localPart.toLowerCase()}+`;
  return local.startsWith(prefix) && local.length > prefix.length ? local.slice(prefix.length) : undefined;
}
