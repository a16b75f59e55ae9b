import { escapeHtml } from '../templates/escape.ts';

/**
 * The public pages, as plain strings. No external assets, and no script except the confirm page's
 * one-line auto-submit, allowed by its hash (reader/confirm-page.ts); every page works with JS
 * off. Every interpolated value goes through escapeHtml, including our own config (an operator's
 * postal address may hold "&" or "<").
 */

export interface PageContext {
  /** Base URL without trailing slash; used for the "home" link. */
  publicUrl: string;
  /** Physical address shown in the footer (CAN-SPAM asks for one on list mail and its pages). */
  postalAddress: string;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#f4f1ea}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;border-top:6px solid #0b5394}
h1{font-size:1.6rem;margin:0 0 .75rem;line-height:1.25}
p{margin:.5rem 0 1rem}
label{display:block;font-weight:600;margin-bottom:.35rem}
input[type=email],select{width:100%;max-width:100%;padding:.65rem .75rem;font:inherit;border:2px solid #767676;border-radius:4px;background:#fff}
input:focus,select:focus,button:focus,a:focus{outline:3px solid #f2a900;outline-offset:2px}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin:.35rem 0}
.check input{margin-top:.35rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.issue li{margin:.25rem 0}
.story{margin:1.25rem 0}
.story h3{font-size:1.1rem;margin:0 0 .25rem}
.sources{font-size:.85rem;color:#555}
.pager{display:flex;justify-content:space-between;margin-top:1.5rem}
nav.site{font-size:.9rem}
nav.site a{margin-right:1rem}
input[aria-invalid=true]{border-color:#b00020}
button{margin-top:1rem;padding:.65rem 1.25rem;font:inherit;font-weight:600;color:#fff;background:#0b5394;border:0;border-radius:4px;cursor:pointer}
button:hover{background:#073763}
.hint{font-size:.9rem;color:#555}
.error{color:#b00020;font-weight:600}
footer{max-width:34rem;margin:0 auto 2rem;padding:0 2rem;font-size:.8rem;color:#555}
a{color:#0b5394;overflow-wrap:anywhere}
@media (max-width:36rem){main{margin:0;border-radius:0;padding:1.25rem}}
`;

export function layout(ctx: PageContext, title: string, body: string, opts: { script?: string; indexable?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.indexable ? '' : '<meta name="robots" content="noindex">\n'}<title>${escapeHtml(title)} · Frontera</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
<footer>
<nav class="site" aria-label="Frontera"><a href="${escapeHtml(ctx.publicUrl)}/">Subscribe</a><a href="${escapeHtml(ctx.publicUrl)}/archive">Past issues</a></nav>
<p>Frontera · a weekly digest on Mexico’s strategy against the cartels and US–Mexico relations.</p>
<p>${escapeHtml(ctx.postalAddress)}</p>
</footer>
${opts.script === undefined ? '' : `<script>${opts.script}</script>\n`}</body>
</html>
`;
}

export function homeLink(ctx: PageContext, text: string): string {
  return `<a href="${escapeHtml(ctx.publicUrl)}/">${escapeHtml(text)}</a>`;
}

/** The subscribe form; `error` and `email` refill it after a rejected submission. */
export function subscribePage(ctx: PageContext, opts: { error?: string; email?: string; sample?: { url: string; label: string } } = {}): string {
  const invalid = opts.error !== undefined;
  const error = invalid
    ? `<p id="email-error" class="error" role="alert">${escapeHtml(opts.error ?? '')}</p>`
    : '';
  const describedBy = invalid ? 'email-error email-hint' : 'email-hint';
  return layout(
    ctx,
    'Subscribe',
    `<h1>Frontera</h1>
<p>Once a week: what outlets in Mexico and the US reported on the fight against the cartels,
security cooperation, extraditions, tariffs, the border and fentanyl, grouped into stories with links
to every source. English and Spanish coverage.</p>
<form method="post" action="subscribe" novalidate>
<label for="email">Email address</label>
${error}<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254"
 value="${escapeHtml(opts.email ?? '')}" aria-describedby="${describedBy}"${invalid ? ' aria-invalid="true"' : ''}>
<p id="email-hint" class="hint">We will email you a link to confirm. One email a week; unsubscribe in one click.</p>
<div class="hp" aria-hidden="true"><label for="website">Leave this field empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>
${opts.sample ? `<p>See a sample: <a href="${escapeHtml(opts.sample.url)}">${escapeHtml(opts.sample.label)}</a>.</p>` : ''}`,
  );
}

/**
 * Shown for every accepted request, whatever the address's state (new, pending, confirmed,
 * suppressed), so the form cannot be used to learn who subscribes.
 */
export function checkInboxPage(ctx: PageContext): string {
  return layout(
    ctx,
    'Check your inbox',
    `<h1>Check your inbox</h1>
<p>If this address can receive Frontera, a confirmation email is on its way. Open the link in it to
start receiving the weekly digest.</p>
<p class="hint">Nothing after a few minutes? Look in your spam folder, or ${homeLink(ctx, 'try again')}.</p>`,
  );
}

export function confirmedPage(ctx: PageContext, opts: { already?: boolean; when?: string; preferencesUrl?: string } = {}): string {
  const next = opts.when ? `The next issue arrives ${escapeHtml(opts.when)}.` : 'The next Frontera digest will arrive in your inbox.';
  const prefs = opts.preferencesUrl ? `<p><a href="${escapeHtml(opts.preferencesUrl)}">Choose your themes</a> or pause for a few weeks.</p>` : '';
  return layout(
    ctx,
    opts.already ? 'Already confirmed' : 'Subscription confirmed',
    `<h1>${opts.already ? 'Already confirmed' : 'You’re subscribed'}</h1>
<p>${opts.already ? 'This subscription was already confirmed; there is nothing more to do.' : 'Thank you.'} ${next}
A welcome email with a link to the latest issue is on its way. Every issue has a one-click unsubscribe link at the bottom.</p>
${prefs}`,
  );
}

/** A genuine confirm link for an address that unsubscribed or bounced since; it must start over. */
export function confirmInactivePage(ctx: PageContext): string {
  return layout(
    ctx,
    'Link no longer active',
    `<h1>This link is no longer active</h1>
<p>This address was unsubscribed after the link was sent. To receive Frontera again,
${homeLink(ctx, 'subscribe once more')} and confirm the new email.</p>`,
  );
}

export function expiredLinkPage(ctx: PageContext): string {
  return layout(
    ctx,
    'Link expired',
    `<h1>This confirmation link has expired</h1>
<p>Confirmation links work for a limited time, so that an address signed up by somebody else does
not stay one click from subscribed. ${homeLink(ctx, 'Subscribe again')} and confirm the new email.</p>`,
  );
}

export function invalidLinkPage(ctx: PageContext, kind: 'confirmation' | 'unsubscribe' | 'preferences'): string {
  return layout(
    ctx,
    'Invalid link',
    `<h1>This ${kind} link is not valid</h1>
<p>It may have been cut off by your email program. Copy the whole link from the email into your
browser's address bar, or ${kind !== 'confirmation' ? 'reply to any digest to ask us to remove you' : homeLink(ctx, 'subscribe again')}.</p>`,
  );
}

/**
 * The page an unsubscribe link opens. It does not unsubscribe: link scanners and previews fetch
 * GET URLs, so only the POST from this button (or a mail client's RFC 8058 POST) acts.
 */
export function unsubscribeFormPage(ctx: PageContext, token: string, preferencesUrl?: string): string {
  return layout(
    ctx,
    'Unsubscribe',
    `<h1>Unsubscribe from Frontera?</h1>
<p>You will stop receiving the weekly digest at this address.</p>
<form method="post" action="unsubscribe?token=${encodeURIComponent(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>
${preferencesUrl ? `<p class="hint">Too much mail? <a href="${escapeHtml(preferencesUrl)}">Choose fewer themes or pause for a few weeks</a> instead.</p>` : ''}`,
  );
}

/** A preferences link of a reader who has since left: nothing to set, a way back instead. */
export function endedPage(ctx: PageContext): string {
  return layout(
    ctx,
    'Not subscribed',
    `<h1>This address is no longer subscribed</h1>
<p>There are no preferences to change. To receive Frontera again, ${homeLink(ctx, 'subscribe once more')} and confirm the new email.</p>`,
  );
}

export function unsubscribedPage(ctx: PageContext): string {
  return layout(
    ctx,
    'Unsubscribed',
    `<h1>You’re unsubscribed</h1>
<p>This address will not receive Frontera any more. Sorry to see you go.</p>
<p class="hint">Changed your mind? ${homeLink(ctx, 'Subscribe again')}.</p>`,
  );
}

export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(ctx, title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n<p>${homeLink(ctx, 'Back to Frontera')}</p>`);
}
