import mjml2html from 'mjml';
import { buildDigestMjml } from '../src/templates/digest-mjml.ts';
import { preparePersonalization } from '../src/templates/personalize.ts';
import { renderDigest } from '../src/templates/render.ts';
import { toViewModel } from '../src/templates/view-model.ts';
import { makeLargeDigest } from '../test/unit/digest-fixture.ts';
import { fmt, medianMs } from './lib.ts';

const ctx = { publicUrl: 'https://frontera.example', postalAddress: 'Apartado Postal 123, CDMX' };

/**
 * Render once + personalise 10,000 messages, against the baseline of compiling MJML per
 * subscriber (measured on 20 compiles and scaled), which is what "never compile per subscriber"
 * saves.
 */
export async function benchRender(): Promise<void> {
  const digest = makeLargeDigest();
  const N = 10_000;
  let bytes = 0;
  const once = await medianMs(5, async () => {
    const rendered = await renderDigest(digest, ctx);
    const personalize = preparePersonalization(rendered);
    bytes = 0;
    for (let i = 0; i < N; i++) {
      const out = personalize({ unsubscribeUrl: `https://frontera.example/unsubscribe?token=v1.${i}.abc`, email: `reader${i}@example.org` });
      bytes += out.html.length + out.text.length;
    }
  });
  const rendered = await renderDigest(digest, ctx);
  const source = buildDigestMjml(toViewModel(digest, ctx));
  const perCompile = await medianMs(3, async () => {
    for (let i = 0; i < 20; i++) await mjml2html(source.replace('%%FRONTERA_EMAIL%%', `reader${i}@example.org`), { validationLevel: 'strict' });
  });
  const baselineMs = (perCompile.median / 20) * N;
  console.log(`render once + personalise ${N.toLocaleString()} messages: median ${fmt(once.median)} (runs: ${once.all.map(fmt).join(', ')})`);
  console.log(`  html ${(rendered.html.length / 1024).toFixed(1)} KB, text ${(rendered.text.length / 1024).toFixed(1)} KB, ${(bytes / 1e6).toFixed(0)} MB personalised`);
  console.log(`  baseline, MJML compiled per subscriber: ${fmt(perCompile.median / 20)} each → ${fmt(baselineMs)} for ${N.toLocaleString()} (scaled from 20)`);
  console.log(`  ratio baseline / render-once: ${(baselineMs / once.median).toFixed(0)}×`);
}
