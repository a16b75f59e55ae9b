import { escapeHtml, isHttpUrl } from './escape.ts';
import type { RenderedDigest } from './render.ts';

/**
 * Per-subscriber values are spliced into the once-rendered digest. The tokens use only
 * `%`, capitals and `_`: MJML passes them through, HTML escaping leaves them unchanged, and
 * nothing a feed can supply produces them (feed text is escaped, and `%%` survives escaping, but
 * a feed-supplied `%%FRONTERA_…%%` would be replaced too — harmless, it only repeats the
 * reader's own address or link to themselves).
 */
export const PLACEHOLDERS = {
  unsubscribeUrl: '%%FRONTERA_UNSUBSCRIBE_URL%%',
  email: '%%FRONTERA_EMAIL%%',
  preferencesUrl: '%%FRONTERA_PREFERENCES_URL%%',
} as const;

export interface PersonalValues {
  unsubscribeUrl: string;
  email: string;
  /** The reader's signed preferences link; without one, the unsubscribe page (which links it) stands in. */
  preferencesUrl?: string;
}

type Slot = keyof typeof PLACEHOLDERS;

const SLOT_BY_TOKEN = new Map<string, Slot>(
  (Object.entries(PLACEHOLDERS) as [Slot, string][]).map(([slot, token]) => [token, slot]),
);
const SPLITTER = new RegExp(`(${Object.values(PLACEHOLDERS).join('|')})`);

/** Literal pieces alternate with slots: pieces[0] slot[0] pieces[1] … pieces[n]. */
interface Template {
  pieces: string[];
  slots: Slot[];
}

function compile(source: string): Template {
  const parts = source.split(SPLITTER);
  const pieces: string[] = [];
  const slots: Slot[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) pieces.push(part);
    else slots.push(SLOT_BY_TOKEN.get(part) as Slot);
  });
  return { pieces, slots };
}

function fill(t: Template, values: Record<Slot, string>): string {
  // `+=` builds a rope that V8 flattens once, when the mailer first reads the string.
  let out = t.pieces[0] ?? '';
  for (let i = 0; i < t.slots.length; i++) out += values[t.slots[i] as Slot] + (t.pieces[i + 1] ?? '');
  return out;
}

/** Splits the digest once; the returned function only joins, so it is cheap per subscriber. */
export function preparePersonalization(rendered: RenderedDigest): (values: PersonalValues) => { html: string; text: string } {
  const html = compile(rendered.html);
  const text = compile(rendered.text);
  return (values) => {
    // A bad unsubscribe link is a legal problem, not a cosmetic one: refuse to send without it.
    if (!isHttpUrl(values.unsubscribeUrl)) throw new Error('unsubscribeUrl must be an absolute http(s) URL');
    const preferencesUrl = values.preferencesUrl && isHttpUrl(values.preferencesUrl) ? values.preferencesUrl : values.unsubscribeUrl;
    return {
      html: fill(html, { unsubscribeUrl: escapeHtml(values.unsubscribeUrl), email: escapeHtml(values.email), preferencesUrl: escapeHtml(preferencesUrl) }),
      text: fill(text, { ...values, preferencesUrl }),
    };
  };
}

/** One-off convenience; for a send run use preparePersonalization once per digest. */
export function personalize(rendered: RenderedDigest, values: PersonalValues): { html: string; text: string } {
  return preparePersonalization(rendered)(values);
}
