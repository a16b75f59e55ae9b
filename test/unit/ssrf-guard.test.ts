import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../src/adapters/http-fetcher.ts';
import { createAddressPolicy } from '../../src/adapters/ssrf-guard.ts';
import { parseEnv } from '../../src/config/env.ts';
import { FrontError } from '../../src/domain/errors.ts';
import { serveLoopback, type LoopbackServer } from '../helpers/loopback-server.ts';

const RSS = '<rss version="2.0"><channel><title>Internal</title><item><title>secret</title><link>https://x.example/1</link></item></channel></rss>';
const servers: LoopbackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(host = '127.0.0.1', handler: import('node:http').RequestListener = (_req, res) => void res.end(RSS)) {
  const s = await serveLoopback(handler, host);
  servers.push(s);
  return s;
}

const fetcher = (allowPrivate?: string) =>
  createHttpFetcher({ timeoutMs: 3_000, maxBytes: 100_000, maxRedirects: 3, userAgent: 'test', allowPrivate });

async function refusal(p: Promise<unknown>): Promise<FrontError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FrontError);
  return err as FrontError;
}

describe('SSRF guard (FETCH_ALLOW_PRIVATE unset)', () => {
  it('refuses every spelling of loopback, and the server never sees a request', async () => {
    const v4 = await serve('127.0.0.1');
    const spellings = ['127.0.0.1', 'localhost', '2130706433', '0x7f.1', '127.1', '0177.0.0.1', '0x7f000001', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '0.0.0.0', '0', '[::]', 'LocalHost'];
    for (const host of spellings) {
      const err = await refusal(fetcher().fetchFeed(`http://${host}:${v4.port}/feed.xml`, {}));
      expect(err.code, host).toBe('FETCH_REFUSED');
      expect(err.permanent).toBe(true);
      expect(err.message).toContain('FETCH_ALLOW_PRIVATE');
    }
    expect(v4.requests).toHaveLength(0);
  });

  it('refuses IPv6 loopback', async () => {
    const v6 = await serve('::1').catch(() => undefined);
    const port = v6?.port ?? 8080;
    const err = await refusal(fetcher().fetchFeed(`http://[::1]:${port}/feed.xml`, {}));
    expect(err.code).toBe('FETCH_REFUSED');
    expect(err.message).toMatch(/loopback/);
    expect(v6?.requests ?? []).toHaveLength(0);
  });

  it('re-checks every redirect: an allowed host redirecting to a private one is refused before connecting', async () => {
    const internal = await serve('127.0.0.1');
    const publicish = await serve('127.0.0.2', (_req, res) => void res.writeHead(302, { location: `${internal.url}/admin` }).end());
    const err = await refusal(fetcher('127.0.0.2').fetchFeed(`${publicish.url}/feed.xml`, {}));
    expect(err.code).toBe('FETCH_REFUSED');
    expect(err.message).toContain('127.0.0.1');
    expect(publicish.requests).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses a redirect to another scheme and a host name that resolves to loopback', async () => {
    const redirector = await serve('127.0.0.2', (req, res) => {
      const to = req.url === '/file' ? 'file:///etc/passwd' : `http://localhost:${internal.port}/`;
      res.writeHead(301, { location: to }).end();
    });
    const internal = await serve('127.0.0.1');
    const f = fetcher('127.0.0.2');
    expect((await refusal(f.fetchFeed(`${redirector.url}/file`, {}))).message).toContain('file:');
    const viaName = await refusal(f.fetchFeed(`${redirector.url}/name`, {}));
    expect(viaName.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses metadata, data-store ports and non-http schemes without connecting', async () => {
    expect((await refusal(fetcher().fetchFeed('http://169.254.169.254/latest/meta-data/', {}))).message).toMatch(/linkLocal/);
    expect((await refusal(fetcher('127.0.0.0/8').fetchFeed('http://127.0.0.1:6379/', {}))).message).toMatch(/port 6379/);
    expect((await refusal(fetcher().fetchFeed('gopher://example.org/', {}))).message).toMatch(/scheme gopher:/);
    expect((await refusal(fetcher().fetchPage('http://[fd00::1]/article'))).message).toMatch(/uniqueLocal/);
  });

  it('allows the destinations FETCH_ALLOW_PRIVATE names, by range, address or host name', async () => {
    const s = await serve('127.0.0.1');
    for (const allow of ['127.0.0.0/8', '127.0.0.1', 'localhost', '::ffff:127.0.0.0/104']) {
      const host = allow === 'localhost' ? 'localhost' : '127.0.0.1';
      const got = await fetcher(allow).fetchFeed(`http://${host}:${s.port}/feed.xml`, {});
      expect(got.status, allow).toBe('ok');
    }
    expect(s.requests.length).toBeGreaterThanOrEqual(4);
  });
});

describe('address classification (ipaddr.js ranges)', () => {
  const policy = createAddressPolicy(undefined);
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.refusal(address, 'feeds.example')).toContain(range);
  });
  it('lets public unicast through', () => {
    expect(policy.refusal('8.8.8.8', 'dns.example')).toBeUndefined();
    expect(policy.refusal('2001:4860:4860::8888', 'dns.example')).toBeUndefined();
  });
});

describe('FETCH_ALLOW_PRIVATE', () => {
  it('accepts hosts, addresses and CIDR ranges, and refuses a malformed range naming the variable', () => {
    expect(parseEnv({ FETCH_ALLOW_PRIVATE: '127.0.0.0/8, feeds.internal, 10.1.2.3, fd00::/8' }).FETCH_ALLOW_PRIVATE).toBe('127.0.0.0/8, feeds.internal, 10.1.2.3, fd00::/8');
    expect(() => parseEnv({ FETCH_ALLOW_PRIVATE: '127.0.0.0/99' })).toThrow(/FETCH_ALLOW_PRIVATE/);
    expect(() => parseEnv({ FETCH_ALLOW_PRIVATE: 'http://x/' })).toThrow(/FETCH_ALLOW_PRIVATE/);
  });
});
