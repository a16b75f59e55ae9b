import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../../app.ts';
import { DeliveryState, SubscriberStatus } from '../../domain/model.ts';
import { metricsKey } from '../../workers/metrics.ts';

/**
 * Prometheus metrics at /metrics, read from Redis at scrape time: the queues, the ledger and the
 * workers' counters live there, not in this process. Counters come from a Redis hash the workers
 * increment, so they survive restarts and add up across workers.
 */
export function createMetrics(app: App): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'frontera_process_' });
  const { queues, store } = app;
  const hash = () => app.redis.hgetall(metricsKey(app.config.env.REDIS_PREFIX));

  new Gauge({
    name: 'frontera_queue_jobs',
    help: 'Jobs per BullMQ queue and state',
    labelNames: ['queue', 'state'],
    registers: [register],
    async collect() {
      this.reset();
      for (const q of [queues.collect, queues.build, queues.send]) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'frontera_deliveries',
    help: 'Deliveries of the most recent digests by ledger state (sent = accepted by the SMTP server)',
    labelNames: ['digest', 'state'],
    registers: [register],
    async collect() {
      this.reset();
      for (const d of await store.listDigests(5)) {
        const counts = await store.deliveryCounts(d.id);
        for (const state of DeliveryState.options) this.set({ digest: d.id, state }, counts[state]);
      }
    },
  });
  new Gauge({
    name: 'frontera_subscribers',
    help: 'Subscribers by status',
    labelNames: ['status'],
    registers: [register],
    async collect() {
      const counts = await store.countSubscribers();
      for (const s of SubscriberStatus.options) this.set({ status: s }, counts[s]);
    },
  });
  new Counter({
    name: 'frontera_feed_fetches_total',
    help: 'Feed fetches by result (ok, not_modified, or the error code)',
    labelNames: ['result'],
    registers: [register],
    async collect() {
      this.reset();
      for (const [field, value] of Object.entries(await hash())) {
        if (field.startsWith('feed_fetch:')) this.inc({ result: field.slice('feed_fetch:'.length) }, Number(value));
      }
    },
  });
  new Counter({
    name: 'frontera_build_duration_seconds_sum',
    help: 'Total seconds spent building digests',
    registers: [register],
    async collect() {
      this.reset();
      this.inc(Number((await hash()).build_seconds_sum ?? 0));
    },
  });
  new Counter({
    name: 'frontera_builds_total',
    help: 'Digest builds run',
    registers: [register],
    async collect() {
      this.reset();
      this.inc(Number((await hash()).build_count ?? 0));
    },
  });
  new Gauge({
    name: 'frontera_build_last_duration_seconds',
    help: 'Duration of the last digest build',
    registers: [register],
    async collect() {
      this.set(Number((await hash()).build_last_seconds ?? 0));
    },
  });
  return register;
}

export function registerMetrics(server: FastifyInstance, app: App): void {
  const register = createMetrics(app);
  server.get('/metrics', async (_req, reply) => reply.type(register.contentType).send(await register.metrics()));
}
