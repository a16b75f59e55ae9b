import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import { DeliveryState, SubscriberStatus } from '../../domain/model.ts';
import { settleDigest } from '../../pipeline/send-digest.ts';
import { escapeHtml as e } from '../../templates/escape.ts';
import { ADMIN_ACTOR, userError } from './drafts.ts';
import { flash, layout, postButton } from './layout.ts';

const ID = /^[A-Za-z0-9_-]{1,80}$/;

function field(req: FastifyRequest, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

function back(reply: FastifyReply, to: string, outcome: { done?: string; error?: string }): FastifyReply {
  const q = outcome.error ? `error=${encodeURIComponent(outcome.error)}` : `done=${encodeURIComponent(outcome.done ?? '')}`;
  return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}${q}`, 303);
}

/** Subscribers, deliveries with the reconcile actions, feed health and the audit log. */
export function registerOperations(admin: FastifyInstance, app: App): void {
  const { store } = app;
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const guarded = { preHandler: admin.csrfProtection };

  admin.get('/subscribers', async (req, reply) => {
    const csrf = reply.generateCsrf();
    const q = String((req.query as Record<string, unknown>).q ?? '').trim().toLowerCase().slice(0, 254);
    const byStatus = await store.countSubscribers();
    const counts = SubscriberStatus.options.map((s) => [s, byStatus[s]] as const);
    let results = '';
    if (q) {
      const found = (await store.listSubscribers()).filter((s) => s.email.toLowerCase().includes(q)).slice(0, 50);
      results = `<table><tr><th>Email</th><th>Status</th><th>Since</th><th></th></tr>${found
        .map(
          (s) => `<tr><td>${e(s.email)}</td><td>${e(s.status)}</td><td>${e(s.updatedAt.slice(0, 10))}</td>
<td>${s.status === 'confirmed' || s.status === 'pending' ? postButton('/admin/subscribers/suppress', 'Suppress', csrf, { email: s.email, q }) : ''}</td></tr>`,
        )
        .join('')}</table>${found.length === 50 ? '<p class="muted">First 50 matches.</p>' : ''}`;
    }
    const body = `${flash(req.query)}<p>${counts.map(([s, n]) => `${e(s)} <strong>${n}</strong>`).join(' · ')}</p>
<form method="get" action="/admin/subscribers"><label>Search by address <input name="q" value="${e(q)}"></label> <button>Search</button></form>${results}`;
    return html(reply, layout('Subscribers', body, { csrf }));
  });

  admin.post('/subscribers/suppress', guarded, async (req, reply) => {
    const email = field(req, 'email');
    const q = field(req, 'q');
    const to = `/admin/subscribers?q=${encodeURIComponent(q || email)}`;
    const s = email ? await store.findByEmail(email) : undefined;
    if (!s) return back(reply, to, { error: `no subscriber ${email}` });
    await store.setSubscriberStatus(s.id, 'unsubscribed');
    await store.recordAudit({ actor: ADMIN_ACTOR, action: 'suppress', detail: `subscriber ${s.id} (${s.status} → unsubscribed)` });
    return back(reply, to, { done: `${email} will receive nothing more` });
  });

  admin.get<{ Params: { id: string } }>('/deliveries/:id', async (req, reply) => {
    const id = req.params.id;
    const digest = ID.test(id) ? await store.getDigest(id) : undefined;
    const csrf = reply.generateCsrf();
    if (!digest) return html(reply, layout('Not found', `<p>No digest ${e(id)}.</p>`, { csrf }), 404);
    const counts = await store.deliveryCounts(id);
    const open = [...(await store.listDeliveries(id, 'uncertain')), ...(await store.listDeliveries(id, 'sending'))];
    const failed = await store.listDeliveries(id, 'failed');
    const row = async (d: (typeof open)[number], reconcile: boolean) => {
      const email = (await store.getSubscriber(d.subscriberId))?.email ?? '(removed)';
      const acts = reconcile
        ? `${postButton(`/admin/deliveries/${id}/resolve`, 'It arrived (sent)', csrf, { email, as: 'sent' })} ${postButton(`/admin/deliveries/${id}/resolve`, 'Retry on next send (failed)', csrf, { email, as: 'failed' })}`
        : '';
      return `<tr><td>${e(email)}</td><td>${e(d.state)}</td><td>${d.attempts}</td><td>${e(d.updatedAt.slice(0, 19))}</td><td>${e(d.error ?? '')}</td><td>${acts}</td></tr>`;
    };
    const rows = [...(await Promise.all(open.map((d) => row(d, true)))), ...(await Promise.all(failed.slice(0, 100).map((d) => row(d, false))))].join('');
    const body = `${flash(req.query)}<p>${DeliveryState.options.map((s) => `${e(s)} <strong>${counts[s]}</strong>`).join(' · ')}</p>
<p class="muted">Uncertain: the connection dropped after the message was handed over; check the SMTP server's log, then reconcile.</p>
<table><tr><th>Email</th><th>State</th><th>Attempts</th><th>Updated</th><th>Error</th><th></th></tr>${rows || '<tr><td colspan="6">Nothing to reconcile.</td></tr>'}</table>`;
    return html(reply, layout(`Deliveries of ${id}`, body, { csrf }));
  });

  admin.post<{ Params: { id: string } }>('/deliveries/:id/resolve', guarded, async (req, reply) => {
    const id = req.params.id;
    const to = `/admin/deliveries/${encodeURIComponent(id)}`;
    const as = field(req, 'as');
    const email = field(req, 'email');
    if (as !== 'sent' && as !== 'failed') return back(reply, to, { error: 'resolve as sent or failed' });
    try {
      const s = await store.findByEmail(email);
      const d = s && (await store.getDelivery(id, s.id));
      if (!s || !d) return back(reply, to, { error: `${email} has no delivery of ${id}` });
      if (d.state !== 'uncertain' && d.state !== 'sending') return back(reply, to, { error: `the delivery to ${email} is ${d.state}; nothing to reconcile` });
      await store.recordOutcome(id, s.id, { state: as, error: `resolved by an operator as ${as}` });
      await settleDigest(store, id, app.clock, app.logger);
      await store.recordAudit({ actor: ADMIN_ACTOR, action: 'resolve-delivery', digestId: id, detail: `subscriber ${s.id}: ${d.state} → ${as}` });
      return back(reply, to, { done: `${email}: ${d.state} → ${as}` });
    } catch (err) {
      return back(reply, to, { error: userError(err) });
    }
  });

  admin.get('/feeds', async (_req, reply) => {
    const rows = await Promise.all(
      app.config.feeds.map(async (f) => {
        const s = await store.getFeedState(f.id);
        const health = !f.enabled ? 'disabled' : !s?.lastFetchedAt ? 'not fetched yet' : s.lastError ? `FAILING ×${s.consecutiveFailures}: ${s.lastErrorCode ?? ''} ${s.lastError}` : 'ok';
        return `<tr><td>${e(f.id)}</td><td>${e(f.language)}</td><td>${e(s?.lastSuccessAt?.slice(0, 16) ?? '-')}</td><td>${s?.articlesAdded ?? 0}</td><td>${e(health)}</td></tr>`;
      }),
    );
    const body = `<table><tr><th>Feed</th><th>Lang</th><th>Last success</th><th>Articles</th><th>Health</th></tr>${rows.join('')}</table>`;
    return html(reply, layout('Feed health', body, { csrf: reply.generateCsrf() }));
  });

  admin.get('/audit', async (req, reply) => {
    const digestId = String((req.query as Record<string, unknown>).digest ?? '');
    const entries = await store.listAudit({ digestId: ID.test(digestId) ? digestId : undefined, limit: 200 });
    const rows = entries
      .map((a) => `<tr><td>${e(a.at.slice(0, 19))}</td><td>${e(a.actor)}</td><td>${e(a.action)}</td><td>${e(a.digestId ?? '')}</td><td>${e(a.detail ?? '')}</td></tr>`)
      .join('');
    const body = `<table><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Digest</th><th>Detail</th></tr>${rows || '<tr><td colspan="5">Nothing yet.</td></tr>'}</table>`;
    return html(reply, layout('Audit log', body, { csrf: reply.generateCsrf() }));
  });
}
