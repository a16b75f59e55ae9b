import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';

export const QUEUES_PATH = '/admin/queues';

/** Bull Board for the three queues, mounted inside the authenticated admin context. */
export async function registerQueues(admin: FastifyInstance, app: App): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [app.queues.collect, app.queues.build, app.queues.send].map((q) => new BullMQAdapter(q)),
    // @bull-board/fastify 9.10.1 nests its own @bull-board/api 9.10.1 beside our 9.10.2: the same
    // interface declared twice, so TypeScript sees two types. They agree at run time.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Frontera queues' } },
  });
  await admin.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
}
