import type { Article, Delivery, DeliveryState, Digest, Language, Subscriber, SubscriberStatus } from '../domain/model.ts';

/**
 * The ports the pipeline steps depend on. Adapters (src/adapters) implement them; the composition
 * root (src/app.ts) wires them. Steps never import bullmq, ioredis or nodemailer directly.
 */

// ---------- fetching and parsing feeds ----------

export interface FetchValidators {
  etag?: string;
  lastModified?: string;
}

export type FetchResult =
  | { status: 'not-modified'; finalUrl: string }
  | { status: 'ok'; finalUrl: string; body: string; validators: FetchValidators; bytes: number };

export interface PageResult {
  finalUrl: string;
  body: string;
  bytes: number;
  contentType?: string;
}

export interface FeedFetcher {
  /**
   * Conditional GET with caps, behind the SSRF guard and per-host politeness; throws FrontError
   * (FEED_TIMEOUT, FEED_TOO_LARGE, FEED_HTTP_ERROR with retryAfterMs, FETCH_REFUSED…).
   */
  fetchFeed(url: string, validators: FetchValidators): Promise<FetchResult>;
  /** An article page, through the same guard, caps and politeness. */
  fetchPage(url: string): Promise<PageResult>;
}

/** One item as the parser saw it, before normalisation; strings may hold HTML. */
export interface RawItem {
  title?: string;
  link?: string;
  guid?: string;
  /** Short description / summary / Atom summary. */
  summary?: string;
  /** Full body (content:encoded, Atom content), often HTML. */
  content?: string;
  publishedAt?: string;
  author?: string;
  categories?: string[];
}

/** What `feeds check` reports and collect logs. */
export type FeedFormat = 'rss' | 'rss-1.0' | 'atom' | 'news-sitemap' | 'json-feed';

export interface ParsedFeed {
  format: FeedFormat;
  /** Version as the document states it (RSS 0.91/2.0, JSON Feed 1.1), when it does. */
  version?: string;
  title?: string;
  link?: string;
  language?: string;
  items: RawItem[];
}

export interface FeedParser {
  /** Throws FrontError FEED_PARSE_ERROR for a document that is not a feed. */
  parseFeed(body: string): Promise<ParsedFeed>;
}

export interface ArticleExtractor {
  /** Plain, capped main text of an article page; throws FrontError PAGE_NO_ARTICLE when there is none. */
  extractText(html: string, url: string): Promise<string>;
}

// ---------- the store ----------

export interface FeedState {
  feedId: string;
  etag?: string;
  lastModified?: string;
  lastFetchedAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorCode?: string;
  /** When the last failure happened; with lastSuccessAt it tells whether a feed failed a whole week. */
  lastFailureAt?: string;
  /** Backoff after failures (and Retry-After): collect skips the feed until then. */
  nextAttemptAt?: string;
  consecutiveFailures: number;
  itemsSeen: number;
  articlesAdded: number;
}

export interface SaveArticlesResult {
  added: number;
  updated: number;
  /** Items recognised as a wire copy of an article we already had; its sources grew. */
  merged: number;
  unchanged: number;
}

export interface ArticleStore {
  getFeedState(feedId: string): Promise<FeedState | undefined>;
  putFeedState(state: FeedState): Promise<void>;
  /**
   * Stores normalised articles idempotently: the same canonical URL or (feed, GUID) updates in
   * place; a near-duplicate fingerprint within the recent window merges sources into the existing
   * article. A second save of the same items adds nothing.
   */
  saveArticles(articles: Article[]): Promise<SaveArticlesResult>;
  articlesBetween(from: Date, to: Date): Promise<Article[]>;
  getArticle(id: string): Promise<Article | undefined>;
}

/**
 * The digest compiled once per edition, with per-subscriber placeholders still in it. The main
 * fields are the English edition; `byLanguage` holds the others (Spanish).
 */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  byLanguage?: { es?: { subject: string; html: string; text: string } };
}

export interface DigestStore {
  saveDigest(digest: Digest, rendered: RenderedMail): Promise<void>;
  getDigest(id: string): Promise<Digest | undefined>;
  getRendered(id: string): Promise<RenderedMail | undefined>;
  latestDigest(): Promise<Digest | undefined>;
  listDigests(limit: number): Promise<Digest[]>;
  /** Every digest id, newest period first (cheap: no bodies), for the public archive's pages. */
  digestIds?(): Promise<string[]>;
  setDigestStatus(id: string, status: Digest['status']): Promise<void>;
  /**
   * Moves the digest to `to` only if its status is one of `from`, atomically (two editors, or an
   * editor and the automatic send, never both win). Returns the status it had; throws
   * DIGEST_NOT_FOUND, or DIGEST_STATE when it was in another state.
   */
  transitionDigest(id: string, from: Digest['status'][], to: Digest['status']): Promise<Digest['status']>;
  /** The digest as the build composed it, before editors' changes; undefined when never edited. */
  getDigestBase(id: string): Promise<Digest | undefined>;
  saveDigestBase(id: string, base: Digest): Promise<void>;
  /** story id → digest id it last appeared in, for the story ids given. */
  storyHistory(storyIds: string[]): Promise<Map<string, string>>;
  recordStories(digestId: string, storyIds: string[]): Promise<void>;
}

/** Consent and preference fields a step may set on a subscriber; '' clears a field. */
export type SubscriberFields = Partial<
  Record<'source' | 'requestedAt' | 'confirmedAt' | 'ipHash' | 'endedReason' | 'endedAt' | 'themes' | 'pausedUntil' | 'lang', string>
>;
export type UpsertOutcome = 'created' | 'changed' | 'unchanged' | 'suppressed';
export interface SuppressionEntry {
  reason: string;
  at: string;
}

export interface SubscriberStore {
  /**
   * Adds or, for a known address, updates status; emails are compared case-insensitively.
   * `onlyFrom` makes the status change conditional, atomically: a known subscriber whose current
   * status is not listed keeps it (a sign-up never demotes someone who just confirmed). `fields`
   * are written only when the record is created or the change applies. With `suppressionHash`,
   * a new address found in the suppression list is not created (outcome 'suppressed') unless
   * `allowSuppressed` (a fresh double opt-in may bring it back).
   */
  upsertSubscriber(input: {
    email: string;
    name?: string;
    status: SubscriberStatus;
    onlyFrom?: SubscriberStatus[];
    fields?: SubscriberFields;
    suppressionHash?: string;
    allowSuppressed?: boolean;
    /** Only create; a known address is left exactly as it is (outcome 'unchanged'). */
    createOnly?: boolean;
  }): Promise<Subscriber>;
  /** The same script as upsertSubscriber, telling what happened; `subscriber` is absent only when suppressed. */
  addSubscriber(input: Parameters<SubscriberStore['upsertSubscriber']>[0]): Promise<{ outcome: UpsertOutcome; subscriber?: Subscriber }>;
  /** Atomic status change when the current status is in `from` (any when omitted), with fields. */
  transitionSubscriber(
    id: string,
    to: SubscriberStatus,
    opts?: { from?: SubscriberStatus[]; fields?: SubscriberFields },
  ): Promise<{ previous?: SubscriberStatus; changed: boolean }>;
  /** The theme choice of each subscriber given (absent: every theme), in one round trip for a batch. */
  themeChoices(ids: string[]): Promise<Map<string, string | undefined>>;
  /** Sets fields on an existing subscriber (preferences); undefined when there is none. */
  updateSubscriber(id: string, fields: SubscriberFields): Promise<Subscriber | undefined>;
  getSubscriber(id: string): Promise<Subscriber | undefined>;
  /** True at most once per `ttlMs` per inbox (a normalised, hashed mailbox): the right to send it a confirmation. */
  claimMailboxSlot(mailboxHash: string, ttlMs: number): Promise<boolean>;
  /** Gives the slot back after a send that did not happen, so the retry is not throttled. */
  releaseMailboxSlot(mailboxHash: string): Promise<void>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  listSubscribers(status?: SubscriberStatus): Promise<Subscriber[]>;
  setSubscriberStatus(id: string, status: SubscriberStatus): Promise<Subscriber | undefined>;
  removeSubscriber(id: string): Promise<boolean>;
  getSuppression(hash: string): Promise<SuppressionEntry | undefined>;
  suppress(hash: string, entry: SuppressionEntry): Promise<void>;
  unsuppress(hash: string): Promise<void>;
  /**
   * Erases a subscriber everywhere (record, consent fields, email index, delivery ledger entries)
   * and keeps only the keyed hash in the suppression list, in one script per digest touched.
   */
  forgetSubscriber(id: string, hash: string, entry: SuppressionEntry): Promise<{ ledgerEntries: number }>;
}

/** Bulk paths for operators (import, listings): pipelined, never one round trip per row. */
export interface SubscriberBulkStore {
  /** upsertSubscriber's script over many rows, in order; `id` is '' where the outcome is 'suppressed'. */
  upsertSubscribers(rows: Parameters<SubscriberStore['upsertSubscriber']>[0][]): Promise<{ id: string; outcome: UpsertOutcome }[]>;
  /** id → email for the ids that still exist. */
  subscriberEmails(ids: string[]): Promise<Map<string, string>>;
  /** id → status for the ids that still exist. */
  subscriberStatuses(ids: string[]): Promise<Map<string, SubscriberStatus>>;
}

export type ClaimResult =
  | { claimed: true; email?: string; lang?: Language }
  | { claimed: false; reason: 'already-claimed' | 'not-in-audience' | 'unsubscribed' | 'paused'; state?: DeliveryState };

/** A claim's owner token (unique per attempt) and how long it holds without an outcome. */
export interface ClaimLease {
  owner: string;
  leaseMs: number;
}

/** The policy-rejection circuit breaker of one send; tripped while `trippedAt` is set. */
export interface SendBreaker {
  consecutive: number;
  trippedAt?: string;
  reason?: string;
}

export interface DeliveryOutcome {
  state: Exclude<DeliveryState, 'pending' | 'sending'>;
  messageId?: string;
  error?: string;
  /** A policy or sender-side rejection: counts towards the breaker, which trips at `tripAfter` in a row. */
  policy?: boolean;
  tripAfter?: number;
}

/** Whether a claim is durable enough to act on (acknowledged by the configured replicas). */
export type ClaimConfirmation = { ok: true } | { ok: false; detail: string };

export interface DeliveryLedger {
  /** Freezes the audience once from the ids given (later calls return the frozen list). Small sends and tests. */
  freezeAudience(digestId: string, subscriberIds: string[]): Promise<string[]>;
  /**
   * Freezes the audience once from the confirmed subscribers, in chunks handed to onChunk as they
   * are frozen (so batches can start before the whole list is read). `frozenNow` is false when an
   * earlier call froze it, and onChunk was not called.
   */
  freezeConfirmed(
    digestId: string,
    onChunk: (ids: string[]) => Promise<void>,
    opts?: { chunkSize?: number; pausedBefore?: Date },
  ): Promise<{ frozenNow: boolean; audience: number }>;
  /** For a send run again: `failed` back to `pending`, and every pending id in chunks. */
  requeuePending(digestId: string, onChunk: (ids: string[]) => Promise<void>, chunkSize?: number): Promise<{ requeued: number; pending: number }>;
  audience(digestId: string): Promise<string[]>;
  /**
   * Atomically moves pending → sending with a lease, only while the subscriber is still confirmed
   * and the send is not paused. Exactly one owner ever wins for a given (digest, subscriber); the
   * same owner claiming again (a lost reply) wins again.
   */
  claimDelivery(digestId: string, subscriberId: string, lease?: ClaimLease): Promise<ClaimResult>;
  /** Extends a lease still held by this owner; false if it is no longer theirs. */
  renewLease(digestId: string, subscriberId: string, lease: ClaimLease): Promise<boolean>;
  /** Records the outcome of a claimed (or uncertain) delivery; the same outcome twice is a no-op. */
  recordOutcome(digestId: string, subscriberId: string, outcome: DeliveryOutcome): Promise<void>;
  /** Turns `sending` deliveries whose lease ran out into `uncertain`; returns how many. */
  expireLeases(digestId: string): Promise<number>;
  /** When the earliest lease still held runs out; undefined when nothing is `sending`. */
  nextLeaseExpiry(digestId: string): Promise<Date | undefined>;
  sendBreaker(digestId: string): Promise<SendBreaker>;
  /** Clears a tripped breaker (an operator resuming); true if there was one. */
  resumeSend(digestId: string): Promise<boolean>;
  getDelivery(digestId: string, subscriberId: string): Promise<Delivery | undefined>;
  /** Every delivery of a digest (optionally in one state), for operators reconciling a send. */
  listDeliveries(digestId: string, state?: DeliveryState): Promise<Delivery[]>;
  deliveryCounts(digestId: string): Promise<Record<DeliveryState, number>>;
}

export interface DsnRecipient {
  finalRecipient?: string;
  action: string;
  status: string;
  diagnostic?: string;
}

/** A parsed inbound message: a DSN (RFC 3464), an ARF report (RFC 5965), or neither. */
export type InboundReport =
  | { kind: 'dsn'; recipients: DsnRecipient[]; addresses: string[]; messageIds: string[] }
  | { kind: 'arf'; feedbackType: string; addresses: string[]; messageIds: string[] }
  | { kind: 'none'; why: string };

/** What arrived after the SMTP server had accepted a message (inbound receiver). */
export interface LateReport {
  /** bounced: hard bounce (suppress); failed: permanent, not the mailbox; delayed: transient; complained: spam report; noted: anything else worth keeping. */
  kind: 'bounced' | 'failed' | 'delayed' | 'complained' | 'noted';
  reason: string;
}

export interface LateReportStore {
  /** Digest ids whose return-path key (domain/return-path.ts) is `key`. */
  digestsForKey(key: string): Promise<string[]>;
  applyLateReport(
    digestId: string,
    subscriberId: string,
    report: LateReport,
  ): Promise<{ delivery: 'moved' | 'recorded' | 'no-delivery'; subscriber: string }>;
}

export interface CompactionResult {
  digestId: string;
  compactedAt: string;
  recordsBefore: number;
  removed: number;
  kept: number;
  /** MEMORY USAGE of the digest's ledger keys (records, audience, counts) before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

export interface LedgerCompactor {
  compactionInfo(digestId: string): Promise<CompactionResult | undefined>;
  /** Newest updatedAt among the digest's delivery records (undefined when it has none). */
  lastActivity(digestId: string): Promise<string | undefined>;
  /** Folds routine deliveries (sent, skipped) into the counts; keeps exceptions. */
  compactDeliveries(digestId: string): Promise<CompactionResult>;
}

/** Who did what to which digest, when: every review and send transition. */
export interface AuditEntry {
  at: string;
  /** "cli:ana", "admin", "schedule" */
  actor: string;
  action: string;
  digestId?: string;
  detail?: string;
}

export interface AuditLog {
  recordAudit(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>;
  /** Newest first. */
  listAudit(opts?: { digestId?: string; limit?: number }): Promise<AuditEntry[]>;
}

export interface SubscriberCounts {
  countSubscribers(): Promise<Record<SubscriberStatus, number>>;
}

export interface Store extends ArticleStore, DigestStore, SubscriberStore, SubscriberBulkStore, DeliveryLedger, AuditLog, SubscriberCounts {}

// ---------- mail ----------

export interface OutgoingMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface Mailer {
  /** Resolves with the message id once the SMTP server accepted it; throws FrontError otherwise. */
  sendMail(message: OutgoingMessage): Promise<{ messageId: string; accepted: boolean }>;
  /**
   * Sends a message that is already encoded (RFC 5322). The digest's body is encoded once and
   * spliced per recipient (templates/mime.ts), which saves nodemailer's per-message build cost.
   */
  sendRaw(envelope: { from: string; to: string }, raw: Buffer, messageId: string): Promise<{ messageId: string }>;
  /** Opens one connection and says hello; throws FrontError SMTP_UNREACHABLE naming the server. */
  verify?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Reader mail goes through a queue so no HTTP answer waits for SMTP; job data carries the
 * subscriber id only. The worker decides whether anything is sent (state, per-inbox throttle).
 */
export interface ReaderMailJobs {
  confirmation(subscriberId: string): Promise<void>;
  welcome(subscriberId: string): Promise<void>;
}

// ---------- cross-cutting ----------

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}
