import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';

/** Placeholder replaced below in this branch. */
export async function registerAdmin(server: FastifyInstance, app: App): Promise<void> {
  if (!app.config.env.ADMIN_PASSWORD_HASH) server.log.info('admin.disabled');
}
