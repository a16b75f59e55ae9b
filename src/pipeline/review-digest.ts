import { applyEdits, EditError, NO_EDITS, updateEdits, type EditAction } from '../domain/editing.ts';
import { FrontError } from '../domain/errors.ts';
import type { Digest, TopicConfig } from '../domain/model.ts';
import type { ViewContext } from '../templates/view-model.ts';
import type { AuditLog, DigestStore, Logger } from './ports.ts';
import { assertNoOverlap } from './digest-window.ts';

/**
 * The review loop: a draft is approved, held or discarded, and edited before that. Every
 * transition is one atomic status change (so an editor and the automatic send never both win)
 * followed by an audit entry naming who did it.
 */
export interface ReviewDeps {
  store: DigestStore & AuditLog;
  logger: Logger;
  topic: TopicConfig;
  view: ViewContext;
  maxHtmlBytes?: number;
}

export type ReviewAction = 'approve' | 'hold' | 'discard';

const FROM: Record<ReviewAction, Digest['status'][]> = {
  approve: ['draft', 'held'],
  hold: ['draft', 'approved'],
  discard: ['draft', 'held', 'approved'],
};
const TO: Record<ReviewAction, Digest['status']> = { approve: 'approved', hold: 'held', discard: 'discarded' };

export async function reviewDigest(
  deps: ReviewDeps,
  digestId: string,
  action: ReviewAction,
  actor: string,
  reason?: string,
): Promise<{ from: Digest['status']; to: Digest['status'] }> {
  const to = TO[action];
  if (action === 'approve') {
    // Two drafts may cover overlapping weeks; once one is issued, the other must not be.
    const digest = await deps.store.getDigest(digestId);
    if (digest) await assertNoOverlap(deps.store, new Date(digest.periodStart), new Date(digest.periodEnd), digestId);
  }
  const from = await deps.store.transitionDigest(digestId, FROM[action], to);
  await deps.store.recordAudit({ actor, action, digestId, detail: `${from} → ${to}${reason ? `: ${reason}` : ''}` });
  deps.logger.info({ digestId, action, from, to, actor }, `digest.${action}`);
  return { from, to };
}

/** Drafts and held digests can be edited; anything approved or later is what readers will get. */
const EDITABLE: Digest['status'][] = ['draft', 'held'];

export function describeEdit(action: EditAction): string {
  switch (action.kind) {
    case 'note':
      return action.text.trim() ? `note: ${action.text.trim().slice(0, 120)}` : 'note removed';
    case 'headline':
      return `headline ${action.storyId}${action.lang ? ` (${action.lang})` : ''}: ${action.text.slice(0, 120)}`;
    case 'move':
      return `move ${action.storyId} → ${action.themeId}`;
    default:
      return `${action.kind} ${action.storyId}`;
  }
}

/**
 * Applies one editor's change and re-renders. The build's own composition is kept as the base, so
 * every change is re-applied from it (a restored story comes back as built).
 */
export async function editDigest(deps: ReviewDeps, digestId: string, action: EditAction, actor: string): Promise<Digest> {
  const { store } = deps;
  const current = await store.getDigest(digestId);
  if (!current) throw new FrontError('DIGEST_NOT_FOUND', `no digest with id ${digestId}`, { permanent: true });
  if (!EDITABLE.includes(current.status)) {
    throw new FrontError('DIGEST_STATE', `digest ${digestId} is ${current.status}; only a draft or held digest can be edited`, { permanent: true });
  }
  const base = (await store.getDigestBase(digestId)) ?? withoutEdits(current);
  const themes = [...deps.topic.themes, deps.topic.otherTheme];
  let edits;
  try {
    edits = updateEdits(base, current.edits ?? NO_EDITS, action, themes);
  } catch (err) {
    if (err instanceof EditError) throw new FrontError('DIGEST_EDIT_INVALID', err.message, { permanent: true });
    throw err;
  }
  const edited = applyEdits(base, edits, themes);
  if (edited.themes.length === 0) throw new FrontError('DIGEST_EDIT_INVALID', 'that would leave the digest without a story; discard it instead', { permanent: true });
  // Loaded here: MJML costs half a second to load, and approve/hold never render.
  const { MAX_HTML_BYTES, renderWithinLimit } = await import('./build-digest.ts');
  const { digest, rendered } = await renderWithinLimit(edited, deps.view, deps.maxHtmlBytes ?? MAX_HTML_BYTES);
  await store.saveDigestBase(digestId, base);
  // Re-check the status just before saving: an approve that landed while rendering wins.
  const latest = await store.getDigest(digestId);
  if (!latest || !EDITABLE.includes(latest.status)) {
    throw new FrontError('DIGEST_STATE', `digest ${digestId} became ${latest?.status ?? 'missing'} while editing; the change was not saved`, { permanent: true });
  }
  await store.saveDigest({ ...digest, status: latest.status }, rendered);
  await store.recordAudit({ actor, action: 'edit', digestId, detail: describeEdit(action) });
  deps.logger.info({ digestId, edit: action.kind, actor }, 'digest.edited');
  return digest;
}

function withoutEdits(d: Digest): Digest {
  const { edits: _e, editorNote: _n, ...rest } = d;
  return rest;
}
