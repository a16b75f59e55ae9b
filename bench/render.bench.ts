import mjml2html from 'mjml';
import { buildDigestMjml } from '../src/templates/digest-mjml.ts';
import { buildRaw, prepareMime } from '../src/templates/mime.ts';
import { PLACEHOLDERS, renderDigest } from '../src/templates/render.ts';
import { toViewModel } from '../src/templates/view-model.ts';
import { makeLargeDigest } from '../test/unit/digest-fixture.ts';
import { fmt, medianMs } from './lib.ts';

const ctx = { publicUrl: 'https://frontera.example', postalAddress: 'Apartado Postal 123, CDMX' };

/**
 * Render once + personalise 10,000 messages the way sendBatch does (encode the MIME body once,
 * splice each subscriber's link into the encoded form, producing the real bytes), against the
 * baseline of compiling MJML per subscriber (measured on 20 compiles and scaled).
 */
export async function benchRender(): Promise<void> {
  const digest = makeLargeDigest();
  const N = 10_000;
  let bytes = 0;
  const once = await medianMs(5, async () => {
    const rendered = await renderDigest(digest, ctx);
    const mime = prepareMime({ from: 'Frontera <digest@frontera.example>', ...rendered, placeholders: Object.values(PLACEHOLDERS) });
    const date = new Date();
    bytes = 0;
    for (let i = 0; i < N; i++) {
      const url = `https://frontera.example/unsubscribe?token=v1.${i}.abc`;
      const raw = buildRaw(
        mime,
        { [PLACEHOLDERS.unsubscribeUrl]: url, [PLACEHOLDERS.email]: `reader${i}@example.org` },
        { to: `reader${i}@example.org`, messageId: `<d.${i}@frontera.example>`, date, extra: { 'List-Unsubscribe': `<${url}>` } },
      );
      bytes += raw.length;
    }
  });
  const rendered = await renderDigest(digest, ctx);
  const source = buildDigestMjml(toViewModel(digest, ctx));
  const perCompile = await medianMs(3, async () => {
    for (let i = 0; i < 20; i++) await mjml2html(source.replace('%%FRONTERA_EMAIL%%', `reader${i}@example.org`), { validationLevel: 'strict' });
  });
  const baselineMs = (perCompile.median / 20) * N;
  console.log(`render once + personalise ${N.toLocaleString()} messages: median ${fmt(once.median)} (runs: ${once.all.map(fmt).join(', ')})`);
  console.log(`  html ${(rendered.html.length / 1024).toFixed(1)} KB, text ${(rendered.text.length / 1024).toFixed(1)} KB, ${(bytes / 1e6).toFixed(0)} MB of encoded messages built`);
  console.log(`  baseline, MJML compiled per subscriber: ${fmt(perCompile.median / 20)} each → ${fmt(baselineMs)} for ${N.toLocaleString()} (scaled from 20)`);
  console.log(`  ratio baseline / render-once: ${(baselineMs / once.median).toFixed(0)}×`);
}
