import type { Redis } from 'ioredis';
import type { ClaimConfirmation } from '../pipeline/ports.ts';

/**
 * Redis replication is asynchronous: a primary that acknowledged a claim and then died before
 * passing it on leaves a replica that, once promoted, still sees the delivery `pending`, and the
 * next batch would send it again. WAIT blocks this connection until `replicas` replicas have
 * acknowledged every write it made so far (the claim included), or the timeout passes. Only
 * after that may the SMTP transaction start. WAIT does not make Redis strongly consistent, but a
 * claim that a replica holds survives the failover Sentinel would perform.
 */
export function createClaimConfirmer(redis: Redis, opts: { replicas: number; timeoutMs: number }): () => Promise<ClaimConfirmation> {
  return async () => {
    const acked = Number(await redis.call('WAIT', String(opts.replicas), String(opts.timeoutMs)));
    if (acked >= opts.replicas) return { ok: true };
    return {
      ok: false,
      detail: `REDIS_NOT_REPLICATED: the claim reached ${acked} of ${opts.replicas} replica(s) within ${opts.timeoutMs} ms; not sent, retried later`,
    };
  };
}
