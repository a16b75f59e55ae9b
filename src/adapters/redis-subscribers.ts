import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FrontError } from '../domain/errors.ts';
import { Subscriber, SubscriberStatus } from '../domain/model.ts';
import type { SubscriberFields, SubscriberStore, SuppressionEntry, UpsertOutcome } from '../pipeline/ports.ts';
import { chunk, defineScript, execPipeline, type RedisKeys } from './redis-keys.ts';
import { UPSERT_LUA, TRANSITION_LUA, UPDATE_LUA, FORGET_LUA, FORGET_DELIVERY_LUA, REMOVE_LUA, SET_STATUS_LUA } from './redis-subscriber-scripts.ts';

/** Lua's cjson turns an empty table into [] and back; an object literal keeps `pairs` happy either way. */
export function fieldsJson(fields: SubscriberFields | undefined): string {
  const clean = Object.fromEntries(Object.entries(fields ?? {}).filter(([, v]) => typeof v === 'string'));
  return JSON.stringify(clean);
}

/** The index key of an address: addresses differing only in case or spaces are one subscriber. */
export const emailKey = (email: string) => email.normalize('NFC').trim().toLowerCase();

export function createSubscriberStore(redis: Redis, k: RedisKeys): SubscriberStore {
  const upsert = defineScript(redis, 'fronteraUpsertSubscriber', UPSERT_LUA);
  const setStatus = defineScript(redis, 'fronteraSetSubscriberStatus', SET_STATUS_LUA);
  const remove = defineScript(redis, 'fronteraRemoveSubscriber', REMOVE_LUA);
  const transition = defineScript(redis, 'fronteraTransitionSubscriber', TRANSITION_LUA);
  const update = defineScript(redis, 'fronteraUpdateSubscriber', UPDATE_LUA);
  const forget = defineScript(redis, 'fronteraForgetSubscriber', FORGET_LUA);
  const forgetDelivery = defineScript(redis, 'fronteraForgetDelivery', FORGET_DELIVERY_LUA);
  const statusPrefix = k.subscribersByStatus('' as SubscriberStatus);

  async function getSubscriber(id: string): Promise<Subscriber | undefined> {
    const h = await redis.hgetall(k.subscriber(id));
    return Object.keys(h).length ? Subscriber.parse(h) : undefined;
  }

  async function addSubscriber(input: Parameters<SubscriberStore['upsertSubscriber']>[0]) {
    const { email, name, status, onlyFrom } = input;
    const trimmed = email.normalize('NFC').trim();
    const [id, outcome] = (await upsert.run(
      [k.subscriberEmails, k.suppressed],
      [
        emailKey(trimmed),
        trimmed,
        name?.trim() ?? '',
        name === undefined ? '0' : '1',
        SubscriberStatus.parse(status),
        new Date().toISOString(),
        `sub_${randomBytes(10).toString('hex')}`,
        k.subscriberPrefix,
        statusPrefix,
        // '-' matches no status: create-only (an import never overwrites who is already there).
        input.createOnly ? '-' : (onlyFrom ?? []).map((st) => SubscriberStatus.parse(st)).join(','),
        input.suppressionHash ?? '',
        input.allowSuppressed ? '1' : '0',
        fieldsJson(input.fields),
      ],
    )) as [string, UpsertOutcome];
    if (outcome === 'suppressed') return { outcome };
    const subscriber = await getSubscriber(id);
    if (!subscriber) throw new Error(`subscriber ${id} vanished right after upsert`);
    return { outcome, subscriber };
  }

  return {
    addSubscriber,

    async upsertSubscriber(input) {
      const { subscriber } = await addSubscriber(input);
      if (!subscriber) throw new FrontError('SUBSCRIBER_SUPPRESSED', 'This address is on the suppression list', { permanent: true });
      return subscriber;
    },

    getSubscriber,

    async transitionSubscriber(id, to, opts = {}) {
      const [previous, changed] = (await transition.run(
        [],
        [id, SubscriberStatus.parse(to), new Date().toISOString(), k.subscriberPrefix, statusPrefix, (opts.from ?? []).join(','), fieldsJson(opts.fields)],
      )) as [string, number];
      return previous === '' ? { changed: false } : { previous: SubscriberStatus.parse(previous), changed: changed === 1 };
    },

    async themeChoices(ids) {
      const pipe = redis.pipeline();
      for (const id of ids) pipe.hget(k.subscriber(id), 'themes');
      const values = (await execPipeline(pipe)) as (string | null)[];
      return new Map(ids.map((id, i) => [id, values[i] || undefined]));
    },

    async updateSubscriber(id, fields) {
      const ok = await update.run([k.subscriber(id)], [new Date().toISOString(), fieldsJson(fields)]);
      return ok === 1 ? getSubscriber(id) : undefined;
    },

    async claimMailboxSlot(mailboxHash, ttlMs) {
      // SET NX PX: two form posts racing each other get one slot, and the slot expires by itself.
      return (await redis.set(k.mailboxThrottle(mailboxHash), '1', 'PX', ttlMs, 'NX')) === 'OK';
    },

    async releaseMailboxSlot(mailboxHash) {
      await redis.del(k.mailboxThrottle(mailboxHash));
    },

    async getSuppression(hash) {
      const raw = await redis.hget(k.suppressed, hash);
      return raw ? (JSON.parse(raw) as SuppressionEntry) : undefined;
    },

    async suppress(hash, entry) {
      await redis.hset(k.suppressed, hash, JSON.stringify(entry));
    },

    async unsuppress(hash) {
      await redis.hdel(k.suppressed, hash);
    },

    async forgetSubscriber(id, hash, entry) {
      const sub = await getSubscriber(id);
      let ledgerEntries = 0;
      // Every digest's ledger, not only the audiences we know of: a record may outlive its audience entry.
      const digestIds = await redis.zrange(k.digestsByPeriodEnd, 0, -1);
      for (const part of chunk(digestIds, 200)) {
        const pipe = redis.pipeline();
        for (const digestId of part) forgetDelivery.queue(pipe, [k.deliveries(digestId), k.audience(digestId), k.deliveryCounts(digestId)], [id]);
        ledgerEntries += ((await execPipeline(pipe)) as number[]).reduce((a, b) => a + b, 0);
      }
      await forget.run(
        [k.subscriberEmails, k.subscriber(id), k.suppressed, k.confirmationSent(id)],
        [sub ? emailKey(sub.email) : '', id, statusPrefix, hash, JSON.stringify(entry)],
      );
      return { ledgerEntries };
    },

    async findByEmail(email) {
      const id = await redis.hget(k.subscriberEmails, emailKey(email));
      return id ? getSubscriber(id) : undefined;
    },

    async listSubscribers(status) {
      const ids = status
        ? await redis.smembers(k.subscribersByStatus(status))
        : await redis.sunion(...SubscriberStatus.options.map((s) => k.subscribersByStatus(s)));
      if (ids.length === 0) return [];
      const pipe = redis.pipeline();
      for (const id of ids) pipe.hgetall(k.subscriber(id));
      const hashes = (await execPipeline(pipe)) as Record<string, string>[];
      return hashes
        .filter((h) => Object.keys(h).length > 0)
        .map((h) => Subscriber.parse(h))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async setSubscriberStatus(id, status) {
      const ok = await setStatus.run([], [id, SubscriberStatus.parse(status), new Date().toISOString(), k.subscriberPrefix, statusPrefix]);
      return ok === 1 ? getSubscriber(id) : undefined;
    },

    async removeSubscriber(id) {
      const sub = await getSubscriber(id);
      if (!sub) return false;
      return (await remove.run([k.subscriberEmails, k.subscriber(id)], [emailKey(sub.email), id, statusPrefix])) === 1;
    },
  };
}
