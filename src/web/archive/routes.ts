import type { FastifyInstance } from 'fastify';
import type { Digest } from '../../domain/model.ts';
import type { DigestStore } from '../../pipeline/ports.ts';
import * as pages from '../pages.ts';
import { queryParam, sendHtml, type WebDeps } from '../server.ts';
import { atomFeed } from './feed.ts';
import { archiveListPage, issuePage, summarize, type IssueSummary } from './pages.ts';

const ARCHIVE_ID = /^[A-Za-z0-9_-]{1,80}$/;
// Drafts are unreviewed; only what was approved for sending is public by its link, and the
// listing shows what went out (or is going out).
// A partially sent or paused issue went out to (most) readers: it belongs in the archive.
const VIEWABLE: ReadonlySet<string> = new Set(['approved', 'sending', 'sent', 'partially_sent', 'paused']);
const LISTED: ReadonlySet<string> = new Set(['sending', 'sent', 'partially_sent', 'paused']);
const PAGE_SIZE = 10;
const FEED_SIZE = 20;
const MAX_PAGE = 10_000;

type Listed = IssueSummary & { updated: string };

/**
 * Listing summaries are cached per process for sent digests only: 'sent' is final, so the cache
 * can never show a digest that is not (or no longer) public. Others are read each time (few).
 */
function createIssueIndex(store: DigestStore) {
  const cache = new Map<string, Listed>();
  return async function listed(): Promise<Listed[]> {
    const ids = store.digestIds ? await store.digestIds() : (await store.listDigests(100_000)).map((d) => d.id);
    const missing = ids.filter((id) => !cache.has(id));
    const loaded = await Promise.all(missing.map((id) => store.getDigest(id)));
    const fresh = new Map<string, Listed>();
    for (const d of loaded) {
      if (!d || !LISTED.has(d.status)) continue;
      const entry = { ...summarize(d), updated: d.periodEnd };
      if (d.status === 'sent') cache.set(d.id, entry);
      else fresh.set(d.id, entry);
    }
    return ids.flatMap((id) => {
      const e = cache.get(id) ?? fresh.get(id);
      return e ? [e] : [];
    });
  };
}

const indexes = new WeakMap<object, ReturnType<typeof createIssueIndex>>();
function indexFor(store: DigestStore) {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = createIssueIndex(store)));
  return index;
}

/** The newest listed issue as a sample for the sign-up page. */
export async function latestIssueLink(deps: Pick<WebDeps, 'store'>, ctx: pages.PageContext): Promise<{ url: string; label: string } | undefined> {
  const [latest] = await indexFor(deps.store)();
  return latest ? { url: `${ctx.publicUrl}/archive/${encodeURIComponent(latest.id)}`, label: `the latest issue (${latest.periodLabel})` } : undefined;
}

export function registerArchive(app: FastifyInstance, deps: WebDeps, ctx: pages.PageContext): void {
  const listed = indexFor(deps.store);
  const notFound = (reply: Parameters<typeof sendHtml>[0]) =>
    sendHtml(reply, 404, pages.messagePage(ctx, 'Not found', 'There is no published digest here.'));

  app.get('/archive', async (req, reply) => {
    const raw = queryParam(req, 'page') || '1';
    const query = req.query as Record<string, unknown>;
    if (Array.isArray(query.page) || !/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) {
      return sendHtml(reply, 400, pages.messagePage(ctx, 'Bad request', 'The page must be one whole number, 1 or more.'));
    }
    const page = Number(raw);
    const all = await listed();
    const slice = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    if (page > 1 && slice.length === 0) return notFound(reply);
    reply.header('cache-control', 'public, max-age=300');
    return sendHtml(reply, 200, archiveListPage(ctx, slice, page, all.length > page * PAGE_SIZE));
  });

  app.get('/archive/feed.xml', async (_req, reply) => {
    const all = await listed();
    reply.header('cache-control', 'public, max-age=900');
    return reply.code(200).type('application/atom+xml; charset=utf-8').send(atomFeed(ctx.publicUrl, all.slice(0, FEED_SIZE)));
  });

  app.get<{ Params: { id: string } }>('/archive/:id', async (req, reply) => {
    const { id } = req.params;
    if (!ARCHIVE_ID.test(id)) return notFound(reply);
    const digest: Digest | undefined = await deps.store.getDigest(id);
    if (!digest || !VIEWABLE.has(digest.status)) return notFound(reply);
    return sendHtml(reply, 200, issuePage(ctx, digest));
  });
}
