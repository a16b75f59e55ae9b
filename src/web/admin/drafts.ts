import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import type { EditAction } from '../../domain/editing.ts';
import { describeError, isFrontError } from '../../domain/errors.ts';
import { editDigest, reviewDigest, type ReviewAction } from '../../pipeline/review-digest.ts';
import { enqueueSend } from '../../jobs/producers.ts';
import { sendTestCopies } from '../../pipeline/test-copies.ts';
import { escapeHtml as e } from '../../templates/escape.ts';
import { PLACEHOLDERS } from '../../templates/personalize.ts';
import { reviewDeps } from '../../workers/deps.ts';
import { flash, layout, postButton } from './layout.ts';

const ID = /^[A-Za-z0-9_-]{1,80}$/;
type Body = Record<string, string | undefined>;
export const ADMIN_ACTOR = 'admin';

function field(req: FastifyRequest, name: string): string {
  const v = (req.body as Body | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

/** Post/redirect/get: the outcome travels in the query string of the page it returns to. */
function back(reply: FastifyReply, to: string, outcome: { done?: string; error?: string }): FastifyReply {
  const q = outcome.error ? `error=${encodeURIComponent(outcome.error)}` : `done=${encodeURIComponent(outcome.done ?? '')}`;
  return reply.redirect(`${to}?${q}`, 303);
}

export function registerDrafts(admin: FastifyInstance, app: App): void {
  const deps = reviewDeps(app);
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

  admin.get('/', async (req, reply) => {
    const digests = await app.store.listDigests(30);
    const rows = digests
      .map((d) => {
        const stories = d.themes.reduce((n, t) => n + t.stories.length, 0);
        return `<tr><td><a href="/admin/drafts/${e(d.id)}">${e(d.id)}</a></td><td>${e(d.status)}</td><td>${e(d.periodStart.slice(0, 10))} → ${e(d.periodEnd.slice(0, 10))}</td>
<td>${stories}</td><td><a href="/admin/deliveries/${e(d.id)}">deliveries</a></td></tr>`;
      })
      .join('');
    const body = `${flash(req.query)}<table><tr><th>Digest</th><th>Status</th><th>Window</th><th>Stories</th><th></th></tr>${rows || '<tr><td colspan="5">No digest yet.</td></tr>'}</table>`;
    return html(reply, layout('Drafts & issues', body, { csrf: reply.generateCsrf() }));
  });

  admin.get<{ Params: { id: string } }>('/drafts/:id', async (req, reply) => {
    const id = req.params.id;
    const digest = ID.test(id) ? await app.store.getDigest(id) : undefined;
    if (!digest) return html(reply, layout('Not found', `<p>No digest ${e(id)}.</p>`, { csrf: reply.generateCsrf() }), 404);
    const csrf = reply.generateCsrf();
    const url = `/admin/drafts/${encodeURIComponent(id)}`;
    const editable = digest.status === 'draft' || digest.status === 'held';
    const base = (await app.store.getDigestBase(id)) ?? digest;
    const themes = [...app.config.topic.themes, app.config.topic.otherTheme];
    const counts = await app.store.deliveryCounts(id);
    const recipients = (await app.store.countSubscribers()).confirmed;
    const actions = (['approve', 'hold', 'discard'] as const).map((a) => postButton(`${url}/review`, a[0]!.toUpperCase() + a.slice(1), csrf, { action: a })).join(' ');
    const edit = (kind: string, storyId: string, label: string) => postButton(`${url}/edit`, label, csrf, { kind, storyId });
    const dropped = new Set(digest.edits?.dropped ?? []);
    const storyBlocks = base.themes
      .flatMap((t) => t.stories.map((s) => ({ s, current: digest.themes.flatMap((x) => x.stories.map((y) => ({ y, theme: x.id }))).find((x) => x.y.id === s.id) })))
      .map(({ s, current }) => {
        const isDropped = dropped.has(s.id);
        const pinned = digest.edits?.pinned.includes(s.id);
        const controls = !editable
          ? ''
          : `<div>${isDropped ? edit('restore', s.id, 'Restore') : edit('drop', s.id, 'Drop')} ${pinned ? edit('unpin', s.id, 'Unpin') : edit('pin', s.id, 'Pin to top')}
<form method="post" action="${e(url)}/edit" class="inline"><input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="kind" value="headline"><input type="hidden" name="storyId" value="${e(s.id)}">
<input name="text" size="60" aria-label="Headline for ${e(s.id)}" value="${e(current?.y.headline ?? s.headline)}"><button>Change headline</button></form>
${s.alternate ? `<form method="post" action="${e(url)}/edit" class="inline"><input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="kind" value="headline"><input type="hidden" name="storyId" value="${e(s.id)}"><input type="hidden" name="lang" value="${e(s.alternate.language)}">
<input name="text" size="60" aria-label="Headline (${e(s.alternate.language.toUpperCase())} edition) for ${e(s.id)}" value="${e(current?.y.alternate?.headline ?? s.alternate.headline)}"><button>Change ${e(s.alternate.language.toUpperCase())} headline</button></form>
` : ''}<form method="post" action="${e(url)}/edit" class="inline"><input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="kind" value="move"><input type="hidden" name="storyId" value="${e(s.id)}">
<select name="themeId" aria-label="Theme for ${e(s.id)}">${themes.map((t) => `<option value="${e(t.id)}"${(current?.theme ?? s.theme) === t.id ? ' selected' : ''}>${e(t.title)}</option>`).join('')}</select><button>Move</button></form></div>`;
        return `<div class="story${isDropped ? ' dropped' : ''}" data-story="${e(s.id)}"><strong>${e(current?.y.headline ?? s.headline)}</strong>
${pinned ? ' <em>(pinned)</em>' : ''}${isDropped ? ' <em>(dropped)</em>' : ''} <span class="muted">${e(s.outlets.join(', '))} · ${e(s.id)}</span>${controls}</div>`;
      })
      .join('');
    const note = editable
      ? `<form method="post" action="${e(url)}/edit">${`<input type="hidden" name="_csrf" value="${e(csrf)}">`}<input type="hidden" name="kind" value="note">
<label>Editor's note (shown at the top)<br><textarea name="text" rows="3" cols="90">${e(digest.editorNote ?? '')}</textarea></label><br><button>Save note</button></form>`
      : digest.editorNote ? `<p><strong>Editor's note:</strong> ${e(digest.editorNote)}</p>` : '';
    const body = `${flash(req.query)}<p>Status <strong>${e(digest.status)}</strong> · ${e(digest.periodStart.slice(0, 16))} → ${e(digest.periodEnd.slice(0, 16))} ·
${recipients} confirmed subscribers · <a href="${e(url)}/preview">Preview the issue</a> · <a href="/admin/deliveries/${e(id)}">Deliveries</a> (accepted ${counts.sent})</p>
<p>${actions} ${postButton(`${url}/test`, 'Send test copies to reviewers', csrf)} ${digest.status === 'approved' ? postButton(`${url}/send`, 'Send now', csrf) : ''}</p>
${note}<h2>Stories</h2>${storyBlocks}`;
    return html(reply, layout(digest.title, body, { csrf }));
  });

  admin.get<{ Params: { id: string } }>('/drafts/:id/preview', async (req, reply) => {
    const rendered = ID.test(req.params.id) ? await app.store.getRendered(req.params.id) : undefined;
    if (!rendered) return reply.code(404).type('text/plain').send('no such digest');
    const page = rendered.html.split(PLACEHOLDERS.unsubscribeUrl).join(`${app.config.env.PUBLIC_URL}/`).split(PLACEHOLDERS.email).join('preview@example.org');
    return html(reply, page);
  });

  const guarded = { preHandler: admin.csrfProtection };

  admin.post<{ Params: { id: string } }>('/drafts/:id/review', guarded, async (req, reply) => {
    const url = `/admin/drafts/${encodeURIComponent(req.params.id)}`;
    const action = field(req, 'action');
    if (!['approve', 'hold', 'discard'].includes(action)) return back(reply, url, { error: `unknown action "${action}"` });
    try {
      const { from, to } = await reviewDigest(deps, req.params.id, action as ReviewAction, ADMIN_ACTOR, field(req, 'reason') || undefined);
      return back(reply, url, { done: `${from} → ${to}` });
    } catch (err) {
      return back(reply, url, { error: userError(err) });
    }
  });

  admin.post<{ Params: { id: string } }>('/drafts/:id/edit', guarded, async (req, reply) => {
    const url = `/admin/drafts/${encodeURIComponent(req.params.id)}`;
    const kind = field(req, 'kind');
    const storyId = field(req, 'storyId');
    let action: EditAction;
    if (kind === 'note') action = { kind, text: field(req, 'text') };
    else if (kind === 'headline') {
      const lang = field(req, 'lang');
      if (lang && lang !== 'en' && lang !== 'es') return back(reply, url, { error: `unknown edition "${lang}"` });
      action = { kind, storyId, text: field(req, 'text'), ...(lang ? { lang: lang as 'en' | 'es' } : {}) };
    }
    else if (kind === 'move') action = { kind, storyId, themeId: field(req, 'themeId') };
    else if (kind === 'drop' || kind === 'restore' || kind === 'pin' || kind === 'unpin') action = { kind, storyId };
    else return back(reply, url, { error: `unknown edit "${kind}"` });
    try {
      await editDigest(deps, req.params.id, action, ADMIN_ACTOR);
      return back(reply, url, { done: `${kind}: saved and re-rendered` });
    } catch (err) {
      return back(reply, url, { error: userError(err) });
    }
  });

  admin.post<{ Params: { id: string } }>('/drafts/:id/send', guarded, async (req, reply) => {
    const url = `/admin/drafts/${encodeURIComponent(req.params.id)}`;
    const digest = await app.store.getDigest(req.params.id);
    if (digest?.status !== 'approved') return back(reply, url, { error: `only an approved digest is sent from here (it is ${digest?.status ?? 'missing'})` });
    const job = await enqueueSend(app.queues, digest.id, ADMIN_ACTOR);
    return back(reply, url, { done: `send queued (job ${job.id}); a running worker sends it` });
  });

  admin.post<{ Params: { id: string } }>('/drafts/:id/test', guarded, async (req, reply) => {
    const url = `/admin/drafts/${encodeURIComponent(req.params.id)}`;
    const reviewers = app.config.env.REVIEWER_EMAILS;
    if (reviewers.length === 0) return back(reply, url, { error: 'REVIEWER_EMAILS is not set' });
    const { env } = app.config;
    try {
      const mail = { from: env.MAIL_FROM, replyTo: env.MAIL_REPLY_TO, publicUrl: env.PUBLIC_URL };
      const result = await sendTestCopies({ store: app.store, mailer: app.mailer, clock: app.clock, mail }, req.params.id, reviewers, ADMIN_ACTOR);
      if (!result) return back(reply, url, { error: `no rendered digest ${req.params.id}` });
      for (const f of result.failed) req.log.warn({ event: 'admin.test_copy_failed', error: f.error }, 'admin.test_copy_failed');
      return back(reply, url, result.failed.length === 0 ? { done: `test copies accepted for ${result.accepted.length} reviewer(s)` } : { error: `${result.failed.length} test copies failed: ${result.failed[0]!.error}` });
    } catch (err) {
      return back(reply, url, { error: userError(err) });
    }
  });
}

export function userError(err: unknown): string {
  if (isFrontError(err)) return err.message;
  const { message } = describeError(err);
  return message;
}
