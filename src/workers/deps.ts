import type { App } from '../app.ts';
import type { NotifyDeps } from '../pipeline/notify-editors.ts';
import type { ReviewDeps } from '../pipeline/review-digest.ts';

/** What the review loop needs from the app; shared by the CLI, the admin and the build worker. */
export function reviewDeps(app: App): ReviewDeps {
  const { env } = app.config;
  return { store: app.store, logger: app.logger, topic: app.config.topic, view: { publicUrl: env.PUBLIC_URL, postalAddress: env.POSTAL_ADDRESS } };
}

export function notifyDeps(app: App): NotifyDeps {
  const { env } = app.config;
  return { store: app.store, mailer: app.mailer, logger: app.logger, editors: env.EDITOR_EMAILS, publicUrl: env.PUBLIC_URL, sendAt: env.SEND_AT?.label };
}
