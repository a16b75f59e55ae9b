import { parseArgs } from 'node:util';
import { createApp, type App } from '../../app.ts';
import { loadConfig } from '../../config/index.ts';
import { startInboundServer, type InboundServer } from '../../inbound/server.ts';

/** Starts the report receiver on INBOUND_HOST:INBOUND_PORT (flags override), for this app. */
export function startInbound(app: App, over: { host?: string; port?: number } = {}): Promise<InboundServer> {
  const { env } = app.config;
  return startInboundServer({
    store: app.reports,
    logger: app.logger,
    returnPath: app.returnPath,
    host: over.host ?? env.INBOUND_HOST,
    port: over.port ?? env.INBOUND_PORT ?? 2525,
    maxBytes: env.INBOUND_MAX_BYTES,
  });
}

/** `frontera inbound`: the receiver for late bounces and complaints, until SIGINT/SIGTERM. */
export async function inboundCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    console.error(`frontera inbound: --port must be a port number, got "${values.port}"`);
    return 2;
  }
  const app = await createApp(loadConfig());
  const server = await startInbound(app, { ...(values.host ? { host: values.host } : {}), ...(port === undefined ? {} : { port }) });
  console.log(
    `inbound: receiving reports for ${app.returnPath.localPart}(+TOKEN)@${app.returnPath.domain} on ${values.host ?? app.config.env.INBOUND_HOST}:${server.port}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  await app.close();
  return 0;
}
