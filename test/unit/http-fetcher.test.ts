import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../src/adapters/http-fetcher.ts';
import type { HttpFetcherOptions } from '../../src/adapters/http-fetcher.ts';
import { FrontError } from '../../src/domain/errors.ts';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>El Universal — Nación</title>
<item><title>Extradición de capos: México envía 26 reos a EU</title><link>https://example.mx/n/1</link></item>
</channel></rss>`;

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function fetcher(overrides: Partial<HttpFetcherOptions> = {}) {
  return createHttpFetcher({
    timeoutMs: 5_000,
    maxBytes: 1_000_000,
    maxRedirects: 3,
    userAgent: 'Frontera/0.1 (+https://frontera.example/about)',
    // These servers are on loopback, which the SSRF guard refuses unless allowed explicitly.
    allowPrivate: '127.0.0.0/8',
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<FrontError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FrontError);
  return err as FrontError;
}

describe('createHttpFetcher', () => {
  it('sends validators and maps 304 to not-modified', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const base = await serve((req, res) => {
      seen.push(req.headers);
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        'last-modified': 'Mon, 02 Jun 2025 10:00:00 GMT',
      });
      res.end(RSS);
    });
    const f = fetcher();
    const first = await f.fetchFeed(`${base}/feed.xml`, {});
    expect(first).toMatchObject({
      status: 'ok',
      finalUrl: `${base}/feed.xml`,
      validators: { etag: '"v1"', lastModified: 'Mon, 02 Jun 2025 10:00:00 GMT' },
    });
    if (first.status !== 'ok') throw new Error('unreachable');
    expect(first.body).toContain('Extradición de capos');
    expect(first.bytes).toBe(Buffer.byteLength(RSS));

    const second = await f.fetchFeed(`${base}/feed.xml`, first.validators);
    expect(second).toEqual({ status: 'not-modified', finalUrl: `${base}/feed.xml` });
    expect(seen[0]?.['user-agent']).toBe('Frontera/0.1 (+https://frontera.example/about)');
    expect(seen[0]?.accept).toContain('application/rss+xml');
    expect(seen[0]?.['accept-encoding']).toBe('gzip, deflate, br');
    expect(seen[0]?.['if-none-match']).toBeUndefined();
    expect(seen[1]?.['if-modified-since']).toBe('Mon, 02 Jun 2025 10:00:00 GMT');
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decompresses %s', async (coding, compress) => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': coding });
      res.end(compress(Buffer.from(RSS)));
    });
    const result = await fetcher().fetchFeed(base, {});
    expect(result.status === 'ok' && result.body).toBe(RSS);
  });

  it('maps a corrupt gzip body to a transient error', async () => {
    const base = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'));
    const err = await failure(fetcher().fetchFeed(base, {}));
    expect(err).toMatchObject({ code: 'FEED_NETWORK_ERROR', permanent: false });
  });

  it('caps a gzip bomb at maxBytes of decompressed output', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50_000_000));
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': bomb.length });
      res.end(bomb);
    });
    const err = await failure(fetcher({ maxBytes: 1_000_000 }).fetchFeed(base, {}));
    expect(err.code).toBe('FEED_TOO_LARGE');
    expect(err.permanent).toBe(true);
  });

  it('stops reading an endless gzip stream once the cap is exceeded', async () => {
    let serverSawClose = false;
    const base = await serve((req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      const zeros = new Readable({ read() { this.push(Buffer.alloc(65_536)); } });
      req.socket.on('close', () => { serverSawClose = true; zeros.destroy(); });
      zeros.pipe(zlib.createGzip()).pipe(res);
    });
    // A generous timeout: failing with FEED_TOO_LARGE rather than FEED_TIMEOUT proves we stopped.
    const err = await failure(fetcher({ maxBytes: 2_000_000, timeoutMs: 30_000 }).fetchFeed(base, {}));
    expect(err.code).toBe('FEED_TOO_LARGE');
    await expect.poll(() => serverSawClose, { timeout: 5_000 }).toBe(true);
  });

  it('refuses a declared Content-Length over the cap without waiting for the body', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 50_000_000 });
      res.write('<rss'); // and never more
    });
    const err = await failure(fetcher({ maxBytes: 1_000_000, timeoutMs: 20_000 }).fetchFeed(base, {}));
    expect(err.code).toBe('FEED_TOO_LARGE');
  });

  it('follows a chain of two relative redirects and reports the final URL', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/old') return res.writeHead(301, { location: '/moved' }).end();
      if (req.url === '/moved') return res.writeHead(307, { location: 'current/feed?x=1' }).end();
      res.writeHead(200, { 'content-type': 'text/xml' }).end(RSS);
    });
    const result = await fetcher({ maxRedirects: 3 }).fetchFeed(`${base}/old`, {});
    expect(result).toMatchObject({ status: 'ok', finalUrl: `${base}/current/feed?x=1` });
  });

  it('fails permanently after more than maxRedirects redirects', async () => {
    const base = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n < 4) return res.writeHead(302, { location: `/${n + 1}` }).end();
      res.writeHead(200).end(RSS);
    });
    const err = await failure(fetcher({ maxRedirects: 3 }).fetchFeed(`${base}/0`, {}));
    expect(err.code).toBe('FEED_TOO_MANY_REDIRECTS');
    expect(err.permanent).toBe(true);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const base = await serve((_req, res) => res.writeHead(301, { location: 'file:///etc/passwd' }).end());
    const err = await failure(fetcher().fetchFeed(base, {}));
    expect(err).toMatchObject({ code: 'FETCH_REFUSED', permanent: true });
  });

  it('times out a server that trickles the body forever and closes the socket', async () => {
    let serverSawClose = false;
    const base = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
      const trickle = setInterval(() => res.write(' '), 50);
      req.socket.on('close', () => {
        serverSawClose = true;
        clearInterval(trickle);
      });
    });
    const started = Date.now();
    const err = await failure(fetcher({ timeoutMs: 300 }).fetchFeed(base, {}));
    expect(err.code).toBe('FEED_TIMEOUT');
    expect(err.permanent).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => serverSawClose, { timeout: 2_000 }).toBe(true);
  });

  it('times out a server that never answers', async () => {
    const base = await serve(() => {});
    const err = await failure(fetcher({ timeoutMs: 300 }).fetchFeed(base, {}));
    expect(err.code).toBe('FEED_TIMEOUT');
  });

  it.each([
    [404, true],
    [410, true],
    [403, true],
    [429, false],
    [503, false],
  ])('maps HTTP %i to FEED_HTTP_ERROR permanent=%s', async (status, permanent) => {
    const base = await serve((_req, res) => res.writeHead(status).end('nope'));
    const err = await failure(fetcher().fetchFeed(base, {}));
    expect(err).toMatchObject({ code: 'FEED_HTTP_ERROR', permanent });
  });

  it('decodes a latin1 body declared only in the XML declaration', async () => {
    const xml = '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Acción en Michoacán</title></channel></rss>';
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(Buffer.from(xml, 'latin1')));
    const result = await fetcher().fetchFeed(base, {});
    expect(result.status === 'ok' && result.body).toBe(xml);
  });

  it('honours a windows-1252 charset in Content-Type', async () => {
    const xml = '<rss version="2.0"><channel><title>“Abrazos” — política de seguridad</title></channel></rss>';
    // windows-1252 puts curly quotes and the em dash in 0x80–0x9F, where ISO-8859-1 has controls.
    const cp1252 = Buffer.from(
      xml.replace('“', '\x93').replace('”', '\x94').replace('—', '\x97').replace('í', '\xed'),
      'latin1',
    );
    const base = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=windows-1252' }).end(cp1252),
    );
    const result = await fetcher().fetchFeed(base, {});
    expect(result.status === 'ok' && result.body).toBe(xml);
  });

  it('falls back to the XML declaration when a latin1 body is mislabelled UTF-8', async () => {
    const xml = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Año</title></channel></rss>';
    const base = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' }).end(Buffer.from(xml, 'latin1')),
    );
    const result = await fetcher().fetchFeed(base, {});
    expect(result.status === 'ok' && result.body).toBe(xml);
  });

  it('strips a UTF-8 byte order mark', async () => {
    const base = await serve((_req, res) =>
      res.writeHead(200).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(RSS)])),
    );
    const result = await fetcher().fetchFeed(base, {});
    expect(result.status === 'ok' && result.body).toBe(RSS);
  });

  it('maps a refused connection to a transient network error', async () => {
    const base = await serve(() => {});
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    const err = await failure(fetcher().fetchFeed(base, {}));
    expect(err).toMatchObject({ code: 'FEED_NETWORK_ERROR', permanent: false });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('maps a connection reset mid-body to a transient network error', async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 10_000 });
      res.write('<rss version="2.0">', () => req.socket.destroy());
    });
    const err = await failure(fetcher().fetchFeed(base, {}));
    expect(err).toMatchObject({ code: 'FEED_NETWORK_ERROR', permanent: false });
  });

  it('rejects non-http URLs permanently', async () => {
    const err = await failure(fetcher().fetchFeed('ftp://127.0.0.1/feed.xml', {}));
    expect(err).toMatchObject({ code: 'FETCH_REFUSED', permanent: true });
  });
});
