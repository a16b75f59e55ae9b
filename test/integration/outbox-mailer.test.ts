import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRaw, prepareMime } from '../../src/templates/mime.ts';
import { createOutboxMailer } from '../../src/adapters/outbox-mailer.ts';

let root: string | undefined;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function outboxDir(): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'frontera-outbox-'));
  return join(root, 'nested', 'outbox'); // does not exist yet: the mailer creates it
}

describe('createOutboxMailer', () => {
  it('writes a raw message as an .eml named by time, recipient and message id', async () => {
    const dir = await outboxDir();
    const mailer = createOutboxMailer(dir);
    const prepared = prepareMime({ from: 'Frontera <d@frontera.example>', subject: 'Resumen — semana', html: '<p>Hola %%E%%</p>', text: 'Hola %%E%%', placeholders: ['%%E%%'] });
    const raw = buildRaw(prepared, { '%%E%%': 'ana@ejemplo.mx' }, { to: 'ana@ejemplo.mx', messageId: '<d1.s1@frontera.example>', date: new Date(), extra: {} });
    const result = await mailer.sendRaw({ from: 'd@frontera.example', to: '../../Ana <ana@ejemplo.mx>' }, raw, '<d1.s1@frontera.example>');
    expect(result.messageId).toBe('<d1.s1@frontera.example>');
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z_[A-Za-z0-9@._-]+_d1\.s1@frontera\.example\.eml$/);
    expect(files[0]).not.toContain('/');
    const bytes = await readFile(join(dir, files[0]!));
    expect(bytes.equals(raw)).toBe(true);
    expect((await simpleParser(bytes)).text).toBe('Hola ana@ejemplo.mx');
  });

  it('builds one-off messages itself and leaves no temporary files behind', async () => {
    const dir = await outboxDir();
    const mailer = createOutboxMailer(dir, { from: 'Frontera <d@frontera.example>', replyTo: 'ed@frontera.example' });
    const sends = Array.from({ length: 5 }, (_, i) =>
      mailer.sendMail({ to: `p${i}@ejemplo.mx`, subject: 'Confirmá tu suscripción', html: '<p>Confirmación — “Frontera”</p>', text: 'Confirmación — “Frontera”', headers: { 'X-Frontera-Kind': 'confirm' } }),
    );
    const results = await Promise.all(sends);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(5);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(5);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    const parsed = await simpleParser(await readFile(join(dir, files[0]!)));
    expect(parsed.subject).toBe('Confirmá tu suscripción');
    expect(parsed.html).toBe('<p>Confirmación — “Frontera”</p>');
    expect(parsed.replyTo?.value[0]?.address).toBe('ed@frontera.example');
    expect(parsed.headers.get('x-frontera-kind')).toBe('confirm');
    await mailer.close();
  });
});
