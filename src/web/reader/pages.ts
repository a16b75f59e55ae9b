import { createHash } from 'node:crypto';
import { escapeHtml } from '../../templates/escape.ts';
import { layout, type PageContext } from '../pages.ts';

/**
 * The confirm page a link opens. GET shows it and changes nothing: mail scanners fetch links.
 * A person's browser submits the form at once (this one-line script, allowed by its hash in the
 * page's CSP); without script, or if it is blocked, the button does the same.
 */
export const CONFIRM_SCRIPT = "document.getElementById('confirm-form').submit();";
export const CONFIRM_SCRIPT_HASH = `'sha256-${createHash('sha256').update(CONFIRM_SCRIPT).digest('base64')}'`;

export function confirmFormPage(ctx: PageContext, token: string): string {
  return layout(
    ctx,
    'Confirm your subscription',
    `<h1>Confirm your subscription</h1>
<p>Confirming… If nothing happens, press the button.</p>
<form id="confirm-form" method="post" action="confirm">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Confirm my subscription</button>
</form>`,
    { script: CONFIRM_SCRIPT },
  );
}

export interface PreferencesView {
  token: string;
  themes: { id: string; title: string; checked: boolean }[];
  pausedUntil?: string;
  /** Offered only when a bilingual edition exists. */
  languages?: { code: string; label: string; checked: boolean }[];
  unsubscribeUrl: string;
  saved?: boolean;
  error?: string;
}

const PAUSES = [2, 3, 4, 6, 8];

export function preferencesPage(ctx: PageContext, v: PreferencesView): string {
  const status = v.error
    ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>`
    : v.saved
      ? '<p role="status"><strong>Saved.</strong> Your next digest follows these choices.</p>'
      : '';
  const themes = v.themes
    .map(
      (t) =>
        `<label class="check"><input type="checkbox" name="themes" value="${escapeHtml(t.id)}"${t.checked ? ' checked' : ''}> ${escapeHtml(t.title)}</label>`,
    )
    .join('\n');
  const paused = v.pausedUntil ? `<p>Paused until ${escapeHtml(v.pausedUntil.slice(0, 10))}.</p>` : '';
  const pauseOptions = [
    `<option value="keep">${v.pausedUntil ? 'Keep the pause as it is' : 'Don’t pause'}</option>`,
    ...(v.pausedUntil ? ['<option value="0">Resume now</option>'] : []),
    ...PAUSES.map((w) => `<option value="${w}">Pause for ${w} weeks</option>`),
  ].join('');
  const languages = v.languages
    ? `<fieldset><legend>Edition language</legend>
${v.languages.map((l) => `<label class="check"><input type="radio" name="lang" value="${escapeHtml(l.code)}"${l.checked ? ' checked' : ''}> ${escapeHtml(l.label)}</label>`).join('\n')}
</fieldset>`
    : '';
  return layout(
    ctx,
    'Your preferences',
    `<h1>Your Frontera preferences</h1>
${status}
<form method="post" action="preferences">
<input type="hidden" name="token" value="${escapeHtml(v.token)}">
<fieldset><legend>Themes you receive</legend>
${themes}
</fieldset>
${languages}
${paused}<label for="pause">Pause</label>
<select id="pause" name="pause">${pauseOptions}</select>
<button type="submit">Save preferences</button>
</form>
<p class="hint">Or <a href="${escapeHtml(v.unsubscribeUrl)}">unsubscribe</a> from every issue.</p>`,
  );
}
