import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on a loopback address that records every request it received. */
export interface LoopbackServer {
  url: string;
  port: number;
  requests: http.IncomingMessage[];
  server: http.Server;
  close(): Promise<void>;
}

export async function serveLoopback(handler: http.RequestListener, host = '127.0.0.1'): Promise<LoopbackServer> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostPart}:${port}`,
    port,
    requests,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
