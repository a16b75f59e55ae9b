import type { Digest, Language, Subscriber } from '../domain/model.ts';
import { prepareMime, type PreparedMime } from '../templates/mime.ts';
import { PLACEHOLDERS, renderDigest } from '../templates/render.ts';
import { chosenThemes } from './preferences.ts';
import type { DigestStore, Logger, SubscriberStore } from './ports.ts';

/**
 * Per-reader theme choices without per-reader rendering: every subscriber maps to a variant key
 * (the themes they get that have stories this week, or 'all'), and each distinct key is compiled
 * and MIME-encoded once per digest per worker process, then spliced per recipient like the full
 * issue. Variants are built from the same stored digest, so every reader's stories are the same
 * stories, only fewer.
 */

export const ALL = 'all';
export const SPLICED = [PLACEHOLDERS.unsubscribeUrl, PLACEHOLDERS.email, PLACEHOLDERS.preferencesUrl];

export interface VariantMail {
  subject: string;
  mime: PreparedMime;
  /** The issue in the other editions (Spanish), when the digest was rendered in them. */
  byLanguage?: { es?: { subject: string; mime: PreparedMime } };
}

export interface VariantDeps {
  store: Pick<DigestStore, 'getDigest'> & Pick<SubscriberStore, 'themeChoices'>;
  mail: { from: string; replyTo?: string; publicUrl: string; postalAddress?: string };
  logger?: Logger;
}

/** The themes (with stories) this reader receives from this digest; 'all' when that is all of them. */
export function variantKey(subscriber: Pick<Subscriber, 'themes'>, digest: Digest): string {
  const present = digest.themes.filter((t) => t.stories.length > 0).map((t) => t.id);
  if (!subscriber.themes) return ALL;
  const chosen = new Set(chosenThemes(subscriber, digest.themes.map((t) => t.id)));
  const kept = present.filter((id) => chosen.has(id));
  return kept.length === present.length ? ALL : kept.join(',');
}

/** digest id → variant key → the compiled mail; promises, so concurrent lanes share one render. */
const compiled = new Map<string, { digest: Promise<Digest | undefined>; variants: Map<string, Promise<VariantMail>> }>();
export const variantRenders = { count: 0 };

function entryFor(deps: VariantDeps, digestId: string) {
  let entry = compiled.get(digestId);
  if (!entry) {
    // A worker lives for weeks: keep the latest couple of digests only.
    if (compiled.size >= 2) compiled.delete(compiled.keys().next().value as string);
    entry = { digest: deps.store.getDigest(digestId), variants: new Map() };
    compiled.set(digestId, entry);
  }
  return entry;
}

/**
 * For a send batch: reads every subscriber's theme choice in one round trip, then answers each
 * delivery with its compiled variant (or `full`).
 */
export async function variantsForBatch(
  deps: VariantDeps,
  digestId: string,
  subscriberIds: string[],
  full: VariantMail,
): Promise<(subscriberId: string, lang?: Language) => Promise<VariantMail>> {
  const choices = await deps.store.themeChoices(subscriberIds);
  return (subscriberId, lang) => mailForSubscriber(deps, digestId, { id: subscriberId, themes: choices.get(subscriberId), lang }, full);
}

/**
 * The mail for this subscriber: `full` (the stored, already-prepared issue) for 'all', else the
 * variant of their themes, compiled on first use. Without a postal address to render the footer
 * with, a variant cannot be built honestly, so the full issue goes out (and that is logged).
 */
export async function mailForSubscriber(
  deps: VariantDeps,
  digestId: string,
  subscriber: Pick<Subscriber, 'id' | 'themes' | 'lang'>,
  full: VariantMail,
): Promise<VariantMail> {
  // The edition: the subscriber's language when the issue was rendered in it, else English.
  const lang: Language = subscriber.lang === 'es' && full.byLanguage?.es ? 'es' : 'en';
  const whole = lang === 'es' ? full.byLanguage!.es! : full;
  if (!subscriber.themes) return whole;
  const entry = entryFor(deps, digestId);
  const digest = await entry.digest;
  if (!digest) return whole;
  const key = variantKey(subscriber, digest);
  if (key === ALL) return whole;
  if (deps.mail.postalAddress === undefined) {
    deps.logger?.warn({ digestId, subscriberId: subscriber.id }, 'send.variant_unavailable');
    return whole;
  }
  // One compiled variant per (edition, theme choice).
  const cacheKey = `${lang}:${key}`;
  let variant = entry.variants.get(cacheKey);
  if (!variant) {
    variant = compileVariant(deps, digest, key, lang);
    entry.variants.set(cacheKey, variant);
    // A failed render is not cached: the batch's retry tries again.
    variant.catch(() => entry.variants.delete(cacheKey));
  }
  return variant;
}

async function compileVariant(deps: VariantDeps, digest: Digest, key: string, lang: Language): Promise<VariantMail> {
  variantRenders.count++;
  const keep = new Set(key === '' ? [] : key.split(','));
  const narrowed: Digest = { ...digest, themes: digest.themes.filter((t) => keep.has(t.id)) };
  const rendered = await renderDigest(narrowed, { publicUrl: deps.mail.publicUrl, postalAddress: deps.mail.postalAddress ?? '' }, lang);
  const mime = prepareMime({ from: deps.mail.from, replyTo: deps.mail.replyTo, subject: rendered.subject, html: rendered.html, text: rendered.text, placeholders: SPLICED });
  return { subject: rendered.subject, mime };
}
