import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantRenders } from '../../src/pipeline/digest-variants.ts';
import { sendBatch } from '../../src/pipeline/send-batch.ts';
import { planSend } from '../../src/pipeline/send-digest.ts';
import { startReaderStack, type ReaderStack } from '../helpers/reader-stack.ts';
import { saveThemedDigest } from '../helpers/themed-digest.ts';

/**
 * Preferences in the send path: paused readers are left out of the audience, and each reader's
 * digest holds only their themes, each distinct choice compiled once, not once per reader.
 */

let s: ReaderStack;
beforeAll(async () => {
  s = await startReaderStack({ workers: false });
});
afterAll(async () => s?.stop());

describe('per-theme digests and pauses', () => {
  it('sends each reader only their themes, compiles each choice once, and skips paused readers', async () => {
    const store = s.app.store;
    await saveThemedDigest(store, 'd-variants', s.base);
    const everyone = await store.upsertSubscriber({ email: 'all@example.org', status: 'confirmed' });
    const border = [1, 2, 3].map((i) => `border${i}@example.org`);
    for (const email of border) {
      const sub = await store.upsertSubscriber({ email, status: 'confirmed' });
      await store.updateSubscriber(sub.id, { themes: 'border-migration' });
    }
    // Chose a theme with no story this week besides one that has stories: gets only the latter.
    const mixed = await store.upsertSubscriber({ email: 'mixed@example.org', status: 'confirmed' });
    await store.updateSubscriber(mixed.id, { themes: 'security-cartels,trade-tariffs' });
    const paused = await store.upsertSubscriber({ email: 'paused@example.org', status: 'confirmed' });
    await store.updateSubscriber(paused.id, { pausedUntil: new Date(Date.now() + 14 * 86_400_000).toISOString() });
    const resumed = await store.upsertSubscriber({ email: 'resumed@example.org', status: 'confirmed' });
    await store.updateSubscriber(resumed.id, { pausedUntil: new Date(Date.now() - 1000).toISOString() });

    const plan = await planSend({ store, logger: s.app.logger, clock: s.app.clock, batchSize: 100 }, 'd-variants');
    expect(plan.audience).toBe(6);
    expect(plan.batches.flat()).not.toContain(paused.id);
    expect(plan.batches.flat()).toContain(resumed.id);

    const before = variantRenders.count;
    const { env } = s.app.config;
    const result = await sendBatch(
      {
        store,
        mailer: s.app.mailer,
        clock: s.app.clock,
        logger: s.app.logger,
        mail: { from: env.MAIL_FROM, publicUrl: env.PUBLIC_URL, secret: s.app.secret, postalAddress: env.POSTAL_ADDRESS },
        concurrency: 3,
      },
      'd-variants',
      plan.batches[0]!,
    );
    expect(result.sent).toBe(6);
    // Two distinct choices besides "everything": two compilations for five readers.
    expect(variantRenders.count - before).toBe(2);

    const mails = new Map<string, { html: string; text: string }>();
    for (const m of s.sink.messages) {
      const parsed = await simpleParser(m.raw);
      mails.set(m.envelope.to[0]!, { html: String(parsed.html), text: parsed.text ?? '' });
    }
    expect(mails.has('paused@example.org')).toBe(false);
    for (const email of border) {
      expect(mails.get(email)!.text).toContain('Border story 3');
      expect(mails.get(email)!.text).not.toContain('Cartel story');
    }
    expect(mails.get('mixed@example.org')!.text).toContain('Cartel story 1');
    expect(mails.get('mixed@example.org')!.text).not.toContain('Border story');
    expect(mails.get('all@example.org')!.text).toMatch(/Cartel story 1[\s\S]*Border story 3/);
    // Every digest carries the reader's own signed preferences link, nobody else's.
    expect(mails.get('all@example.org')!.html).toContain(`${s.base}/preferences?token=v1.${Buffer.from(everyone.id).toString('base64url')}.`);
    expect(mails.get('mixed@example.org')!.text).toContain(`/preferences?token=v1.${Buffer.from(mixed.id).toString('base64url')}.`);
    expect([...mails.values()].every((m) => !m.html.includes('%%FRONTERA'))).toBe(true);
  });
});
