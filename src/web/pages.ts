import { escapeHtml } from '../templates/escape.ts';

/**
 * The public pages, as plain strings. No external assets and no script: the CSP forbids both, and
 * every page must work in a text browser or with JS off. Every interpolated value goes through
 * escapeHtml, including our own config (an operator's postal address may hold "&" or "<").
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
input[type=email]{width:100%;padding:.65rem .75rem;font:inherit;border:2px solid #767676;border-radius:4px}
input[type=email]:focus,button:focus{outline:3px solid #f2a900;outline-offset:2px}
input[aria-invalid=true]{border-color:#b00020}
button{margin-top:1rem;padding:.65rem 1.25rem;font:inherit;font-weight:600;color:#fff;background:#0b5394;border:0;border-radius:4px;cursor:pointer}
button:hover{background:#073763}
.hint{font-size:.9rem;color:#555}
.error{color:#b00020;font-weight:600}
footer{max-width:34rem;margin:0 auto 2rem;padding:0 2rem;font-size:.8rem;color:#555}
a{color:#0b5394}
@media (max-width:36rem){main{margin:0;border-radius:0;padding:1.25rem}}
`;

function layout(ctx: PageContext, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Frontera</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
<footer>
<p>Frontera · a weekly digest on Mexico’s strategy against the cartels and US–Mexico relations.</p>
<p>${escapeHtml(ctx.postalAddress)}</p>
</footer>
</body>
</html>
`;
}

function homeLink(ctx: PageContext, text: string): string {
  return `<a href="${escapeHtml(ctx.publicUrl)}/">${escapeHtml(text)}</a>`;
}

/** The subscribe form; `error` and `email` refill it after a rejected submission. */
export function subscribePage(ctx: PageContext, opts: { error?: string; email?: string } = {}): string {
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
<button type="submit">Subscribe</button>
</form>`,
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

export function confirmedPage(ctx: PageContext): string {
  return layout(
    ctx,
    'Subscription confirmed',
    `<h1>You’re subscribed</h1>
<p>Thank you. The next Frontera digest will arrive in your inbox. Every issue has a one-click
unsubscribe link at the bottom.</p>`,
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

export function invalidLinkPage(ctx: PageContext, kind: 'confirmation' | 'unsubscribe'): string {
  return layout(
    ctx,
    'Invalid link',
    `<h1>This ${kind} link is not valid</h1>
<p>It may have been cut off by your email program. Copy the whole link from the email into your
browser's address bar, or ${kind === 'unsubscribe' ? 'reply to any digest to ask us to remove you' : homeLink(ctx, 'subscribe again')}.</p>`,
  );
}

/**
 * The page an unsubscribe link opens. It does not unsubscribe: link scanners and previews fetch
 * GET URLs, so only the POST from this button (or a mail client's RFC 8058 POST) acts.
 */
export function unsubscribeFormPage(ctx: PageContext, token: string): string {
  return layout(
    ctx,
    'Unsubscribe',
    `<h1>Unsubscribe from Frontera?</h1>
<p>You will stop receiving the weekly digest at this address.</p>
<form method="post" action="unsubscribe?token=${encodeURIComponent(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
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
