import { escapeHtml as e } from '../../templates/escape.ts';

/** Admin pages: server-rendered HTML, no scripts; every value escaped here or by the caller. */
export function layout(title: string, body: string, opts: { nav?: boolean; csrf?: string } = {}): string {
  const nav = opts.nav === false ? '' : `<nav><a href="/admin">Drafts &amp; issues</a> <a href="/admin/subscribers">Subscribers</a>
<a href="/admin/feeds">Feeds</a> <a href="/admin/audit">Audit log</a> <a href="/admin/queues">Queues</a>
<form method="post" action="/admin/logout" class="inline"><input type="hidden" name="_csrf" value="${e(opts.csrf ?? '')}"><button>Log out</button></form></nav>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · Frontera admin</title><style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1d2125}
nav{display:flex;gap:14px;align-items:center;border-bottom:1px solid #ccd;padding-bottom:8px;margin-bottom:16px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e3ea;padding:4px 6px;text-align:left;vertical-align:top}
form.inline{display:inline}button{cursor:pointer}.muted{color:#5b6168}.error{color:#a00;font-weight:600}.ok{color:#060}
.story{border:1px solid #dde;padding:8px;margin:8px 0}.story.dropped{opacity:.55}
</style></head><body>${nav}<h1>${e(title)}</h1>${body}</body></html>`;
}

export function hidden(csrf: string): string {
  return `<input type="hidden" name="_csrf" value="${e(csrf)}">`;
}

export function postButton(action: string, label: string, csrf: string, fields: Record<string, string> = {}): string {
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`).join('');
  return `<form method="post" action="${e(action)}" class="inline">${hidden(csrf)}${inputs}<button>${e(label)}</button></form>`;
}

export function flash(query: unknown): string {
  const q = (query ?? {}) as Record<string, unknown>;
  if (typeof q.error === 'string') return `<p class="error" role="alert">${e(q.error.slice(0, 300))}</p>`;
  if (typeof q.done === 'string') return `<p class="ok" role="status">${e(q.done.slice(0, 300))}</p>`;
  return '';
}
