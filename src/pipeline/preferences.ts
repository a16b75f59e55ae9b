import { FrontError } from '../domain/errors.ts';
import type { Language, Subscriber } from '../domain/model.ts';
import { verifyToken } from '../domain/tokens.ts';
import type { Clock, SubscriberStore } from './ports.ts';

/**
 * Reader preferences, from a signed link (no expiry, like unsubscribe): the themes to receive,
 * a pause of 2–8 weeks, the edition language. The send path reads them through variantKey and
 * isPaused, so each distinct choice is rendered once per digest, not once per reader.
 */

export interface PreferenceDeps {
  store: SubscriberStore;
  secret: string;
  clock?: Clock;
}

export interface PreferenceInput {
  themes: string[];
  /** 'keep' leaves any pause as it is; '0' resumes; '2'…'8' pauses for that many weeks. */
  pause: string;
  lang?: string;
}

const PAUSE_WEEKS = new Set(['2', '3', '4', '5', '6', '7', '8']);
const WEEK_MS = 7 * 86_400_000;

/** The subscriber a preferences link names: 'invalid' for a forged or unknown one, 'ended' once they left. */
export async function subscriberForPreferences(deps: PreferenceDeps, token: string): Promise<Subscriber | 'invalid' | 'ended'> {
  const id = verifyToken(deps.secret, 'preferences', token);
  if (id === undefined) return 'invalid';
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) return 'invalid';
  return subscriber.status === 'confirmed' || subscriber.status === 'pending' ? subscriber : 'ended';
}

/** The theme ids a subscriber receives; every theme when they never chose. */
export function chosenThemes(subscriber: Pick<Subscriber, 'themes'>, allThemeIds: readonly string[]): string[] {
  if (!subscriber.themes) return [...allThemeIds];
  const chosen = new Set(subscriber.themes.split(','));
  const kept = allThemeIds.filter((id) => chosen.has(id));
  return kept.length > 0 ? kept : [...allThemeIds];
}

export function isPaused(subscriber: Pick<Subscriber, 'pausedUntil'>, now: Date): boolean {
  return subscriber.pausedUntil !== undefined && Date.parse(subscriber.pausedUntil) > now.getTime();
}

/**
 * Validates and stores a preferences form. Themes must be known ids (at least one; all of them
 * is stored as "no choice", so a theme added later reaches them too).
 */
export async function savePreferences(
  deps: PreferenceDeps,
  subscriber: Subscriber,
  input: PreferenceInput,
  options: { themeIds: readonly string[]; languages: readonly Language[] },
): Promise<Subscriber> {
  const known = new Set(options.themeIds);
  const unknown = input.themes.filter((t) => !known.has(t));
  if (unknown.length > 0) throw invalid(`Unknown theme "${unknown[0]!.slice(0, 40)}".`);
  const themes = [...new Set(input.themes)];
  if (themes.length === 0) throw invalid('Choose at least one theme, or unsubscribe below.');
  let pausedUntil: string | undefined;
  if (input.pause === '0') pausedUntil = '';
  else if (PAUSE_WEEKS.has(input.pause)) pausedUntil = new Date((deps.clock?.now() ?? new Date()).getTime() + Number(input.pause) * WEEK_MS).toISOString();
  else if (input.pause !== 'keep') throw invalid('Pause must be between 2 and 8 weeks.');
  let lang: string | undefined;
  if (input.lang !== undefined) {
    if (!(options.languages as readonly string[]).includes(input.lang) || options.languages.length < 2) throw invalid('That edition language is not offered.');
    lang = input.lang;
  }
  const updated = await deps.store.updateSubscriber(subscriber.id, {
    themes: themes.length === options.themeIds.length ? '' : options.themeIds.filter((id) => themes.includes(id)).join(','),
    ...(pausedUntil === undefined ? {} : { pausedUntil }),
    ...(lang === undefined ? {} : { lang }),
  });
  if (!updated) throw invalid('This subscription no longer exists.');
  return updated;
}

function invalid(message: string): FrontError {
  return new FrontError('SUBSCRIBER_INVALID', message, { permanent: true });
}
