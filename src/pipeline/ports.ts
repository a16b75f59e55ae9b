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

export interface FeedFetcher {
  /** Conditional GET with caps; throws FrontError (FEED_TIMEOUT, FEED_TOO_LARGE, FEED_HTTP_ERROR…). */
  fetchFeed(url: string, validators: FetchValidators): Promise<FetchResult>;
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

export interface ParsedFeed {
  title?: string;
  link?: string;
  language?: string;
  items: RawItem[];
}

export interface FeedParser {
  /** Throws FrontError FEED_PARSE_ERROR for XML that is not a feed. */
  parseFeed(xml: string): Promise<ParsedFeed>;
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
  setDigestStatus(id: string, status: Digest['status']): Promise<void>;
  /** story id → digest id it last appeared in, for the story ids given. */
  storyHistory(storyIds: string[]): Promise<Map<string, string>>;
  recordStories(digestId: string, storyIds: string[]): Promise<void>;
}

export interface SubscriberStore {
  /**
   * Adds or, for a known address, updates status; emails are compared case-insensitively.
   * `onlyFrom` makes the status change conditional, atomically: a known subscriber whose current
   * status is not listed keeps it (a sign-up never demotes someone who just confirmed).
   */
  upsertSubscriber(input: {
    email: string;
    name?: string;
    status: SubscriberStatus;
    onlyFrom?: SubscriberStatus[];
    /** The edition they read; left as it is when undefined. */
    lang?: Language;
  }): Promise<Subscriber>;
  getSubscriber(id: string): Promise<Subscriber | undefined>;
  /** True at most once per `ttlMs` per subscriber: the right to send them a confirmation email. */
  claimConfirmationSlot(id: string, ttlMs: number): Promise<boolean>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  listSubscribers(status?: SubscriberStatus): Promise<Subscriber[]>;
  setSubscriberStatus(id: string, status: SubscriberStatus): Promise<Subscriber | undefined>;
  removeSubscriber(id: string): Promise<boolean>;
}

export type ClaimResult =
  | { claimed: true }
  | { claimed: false; reason: 'already-claimed' | 'not-in-audience' | 'unsubscribed'; state?: DeliveryState };

export interface DeliveryLedger {
  /**
   * Freezes the audience of a digest (the confirmed subscribers at this moment) once; later calls
   * return the frozen list. Creates a `pending` delivery per subscriber.
   */
  freezeAudience(digestId: string, subscriberIds: string[]): Promise<string[]>;
  audience(digestId: string): Promise<string[]>;
  /**
   * Atomically moves pending → sending (or failed → sending for a retry), and only while the
   * subscriber is still confirmed. Exactly one caller ever wins for a given (digest, subscriber).
   */
  claimDelivery(digestId: string, subscriberId: string): Promise<ClaimResult>;
  /** Records the outcome of a claimed delivery. */
  recordOutcome(
    digestId: string,
    subscriberId: string,
    outcome: { state: Exclude<DeliveryState, 'pending' | 'sending'>; messageId?: string; error?: string },
  ): Promise<void>;
  getDelivery(digestId: string, subscriberId: string): Promise<Delivery | undefined>;
  /** Every delivery of a digest (optionally in one state), for operators reconciling a send. */
  listDeliveries(digestId: string, state?: DeliveryState): Promise<Delivery[]>;
  deliveryCounts(digestId: string): Promise<Record<DeliveryState, number>>;
}

export interface Store extends ArticleStore, DigestStore, SubscriberStore, DeliveryLedger {}

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
  close(): Promise<void>;
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
