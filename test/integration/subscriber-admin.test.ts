import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSubscribers } from '../../src/adapters/subscribers-io.ts';
import { readerMailJobs } from '../../src/jobs/producers.ts';
import { addByOperator, forgetSubscriber, removeByOperator } from '../../src/pipeline/subscriber-admin.ts';
import { suppressionHash } from '../../src/pipeline/mailbox.ts';
import { STACK_SECRET, startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';

/**
 * What `subscribers add|remove|forget` do, against the real store, the mail queue's worker and an
 * SMTP server: opt-outs hold, a re-subscription is a fresh double opt-in, erasure keeps a hash.
 */

let s: ReaderStack;
let admin: Parameters<typeof addByOperator>[0];
beforeAll(async () => {
  s = await startReaderStack();
  admin = { store: s.app.store, jobs: readerMailJobs(s.app.queues), secret: STACK_SECRET };
});
afterAll(async () => s?.stop());

describe('operator subscriber commands', () => {
  it('adds as confirmed with a cli consent record, and leaves a confirmed reader alone', async () => {
    const r = await addByOperator(admin, { email: 'op@example.org', status: 'confirmed' });
    expect(r).toMatchObject({ outcome: 'added', status: 'confirmed' });
    expect(await s.app.store.findByEmail('op@example.org')).toMatchObject({ source: 'cli', confirmedAt: expect.any(String) });
    expect((await addByOperator(admin, { email: 'OP@example.org', status: 'pending' })).outcome).toBe('unchanged');
  });

  it('remove keeps the record as removed and suppressed; add refuses it; --resubscribe mails a fresh confirmation', async () => {
    expect(await removeByOperator(admin, 'op@example.org')).toEqual({ found: true, previous: 'confirmed' });
    expect(await s.app.store.findByEmail('op@example.org')).toMatchObject({ status: 'unsubscribed', endedReason: 'removed', endedAt: expect.any(String) });
    await expect(addByOperator(admin, { email: 'op@example.org', status: 'confirmed' })).rejects.toMatchObject({ code: 'SUBSCRIBER_SUPPRESSED' });
    expect((await s.app.store.findByEmail('op@example.org'))!.status).toBe('unsubscribed');

    const re = await addByOperator(admin, { email: 'op@example.org', status: 'confirmed', resubscribe: true });
    expect(re).toMatchObject({ outcome: 'confirmation-queued', status: 'pending' });
    const [mail] = await s.mails(1);
    expect(mail!.subject).toBe('Confirm your Frontera subscription');
    expect(s.sink.messages[0]!.envelope.to).toEqual(['op@example.org']);
  });

  it('forget erases the person everywhere but a keyed hash, so add refuses and export leaves them out', async () => {
    await addByOperator(admin, { email: 'erase-me@example.org', status: 'confirmed' });
    expect(await everythingInRedis()).toContain('erase-me');
    expect(await forgetSubscriber(admin, 'Erase-Me@example.org')).toEqual({ found: true, ledgerEntries: 0 });
    expect(await s.app.store.findByEmail('erase-me@example.org')).toBeUndefined();
    expect(await everythingInRedis()).not.toContain('erase-me');
    expect(await s.app.store.getSuppression(suppressionHash(STACK_SECRET, 'erase-me@example.org'))).toMatchObject({ reason: 'erased' });
    await expect(addByOperator(admin, { email: 'erase-me@example.org', status: 'confirmed' })).rejects.toThrow(/suppressed \(erased\)/);
    expect(await exportSubscribers(s.app.store, 'csv')).not.toContain('erase-me');
    // An address never seen is still put on the list, so an erasure request is honoured up front.
    expect(await forgetSubscriber(admin, 'never@example.org')).toEqual({ found: false, ledgerEntries: 0 });
    await expect(addByOperator(admin, { email: 'never@example.org', status: 'confirmed' })).rejects.toMatchObject({ code: 'SUBSCRIBER_SUPPRESSED' });
  });
});

/** Every value in Redis as text (BullMQ's own keys included: job data must not hold addresses). */
async function everythingInRedis(): Promise<string> {
  const r = s.app.redis;
  const out: unknown[] = [];
  for (const key of await r.keys('*')) {
    const type = await r.type(key);
    if (type === 'string') out.push(await r.get(key));
    else if (type === 'hash') out.push(await r.hgetall(key));
    else if (type === 'set') out.push(await r.smembers(key));
    else if (type === 'zset') out.push(await r.zrange(key, 0, -1));
    else if (type === 'list') out.push(await r.lrange(key, 0, -1));
    else if (type === 'stream') out.push(await r.xrange(key, '-', '+'));
    out.push(key);
  }
  return JSON.stringify(out);
}
