import type { Redis } from 'ioredis';
import { FrontError } from '../domain/errors.ts';
import { Digest } from '../domain/model.ts';
import type { DigestStore, RenderedMail } from '../pipeline/ports.ts';
import { defineScript, type RedisKeys } from './redis-keys.ts';

/** Compare-and-set, so two operators changing a digest's status never overwrite each other. */
const CAS_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

const parseDigest = (json: string) => Digest.parse(JSON.parse(json));

export function createDigestStore(redis: Redis, k: RedisKeys): DigestStore {
  const cas = defineScript(redis, 'fronteraCompareAndSet', CAS_LUA);

  async function listDigests(limit: number): Promise<Digest[]> {
    if (limit <= 0) return [];
    const ids = await redis.zrevrange(k.digestsByPeriodEnd, 0, limit - 1);
    if (ids.length === 0) return [];
    const values = await redis.mget(...ids.map((id) => k.digest(id)));
    return values.flatMap((json) => (json ? [parseDigest(json)] : []));
  }

  /** The English edition in the plain fields (as before editions existed), the others prefixed. */
  function renderedFields(rendered: RenderedMail): Record<string, string> {
    const fields: Record<string, string> = { subject: rendered.subject, html: rendered.html, text: rendered.text };
    const es = rendered.byLanguage?.es;
    if (es) Object.assign(fields, { 'es:subject': es.subject, 'es:html': es.html, 'es:text': es.text });
    return fields;
  }

  return {
    async saveDigest(digest, rendered) {
      const d = Digest.parse(digest);
      // One MULTI so a reader never sees the digest listed without its rendered body.
      await redis
        .multi()
        .set(k.digest(d.id), JSON.stringify(d))
        .del(k.digestRendered(d.id))
        .hset(k.digestRendered(d.id), renderedFields(rendered))
        .zadd(k.digestsByPeriodEnd, Date.parse(d.periodEnd) || 0, d.id)
        .exec();
    },

    async getDigest(id) {
      const json = await redis.get(k.digest(id));
      return json ? parseDigest(json) : undefined;
    },

    async getRendered(id) {
      const r = await redis.hgetall(k.digestRendered(id));
      if (r.subject === undefined || r.html === undefined || r.text === undefined) return undefined;
      const es = r['es:subject'] !== undefined && r['es:html'] !== undefined && r['es:text'] !== undefined
        ? { subject: r['es:subject'], html: r['es:html'], text: r['es:text'] }
        : undefined;
      return { subject: r.subject, html: r.html, text: r.text, ...(es ? { byLanguage: { es } } : {}) };
    },

    async latestDigest() {
      return (await listDigests(1))[0];
    },

    listDigests,

    async digestIds() {
      return redis.zrevrange(k.digestsByPeriodEnd, 0, -1);
    },

    async setDigestStatus(id, status) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const json = await redis.get(k.digest(id));
        if (!json) throw new FrontError('DIGEST_NOT_FOUND', `digest ${id} not found`, { permanent: true });
        const next = JSON.stringify({ ...parseDigest(json), status });
        if ((await cas.run([k.digest(id)], [json, next])) === 1) return;
      }
      throw new Error(`setDigestStatus(${id}): too many concurrent updates`);
    },

    async transitionDigest(id, from, to) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const json = await redis.get(k.digest(id));
        if (!json) throw new FrontError('DIGEST_NOT_FOUND', `no digest with id ${id}`, { permanent: true });
        const current = parseDigest(json);
        if (!from.includes(current.status)) {
          throw new FrontError('DIGEST_STATE', `digest ${id} is ${current.status}; only a ${from.join(' or ')} digest can become ${to}`, { permanent: true });
        }
        if ((await cas.run([k.digest(id)], [json, JSON.stringify({ ...current, status: to })])) === 1) return current.status;
      }
      throw new Error(`transitionDigest(${id}): too many concurrent updates`);
    },

    async getDigestBase(id) {
      const json = await redis.get(k.digestBase(id));
      return json ? parseDigest(json) : undefined;
    },

    async saveDigestBase(id, base) {
      await redis.set(k.digestBase(id), JSON.stringify(Digest.parse(base)));
    },

    async storyHistory(storyIds) {
      const out = new Map<string, string>();
      if (storyIds.length === 0) return out;
      const values = await redis.hmget(k.storyHistory, ...storyIds);
      storyIds.forEach((sid, i) => {
        const v = values[i];
        if (v) out.set(sid, v);
      });
      return out;
    },

    async recordStories(digestId, storyIds) {
      if (storyIds.length === 0) return;
      await redis.hset(k.storyHistory, Object.fromEntries(storyIds.map((s) => [s, digestId])));
    },
  };
}
