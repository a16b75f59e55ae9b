import { z } from 'zod';
import { DigestEdits } from './editing.ts';

/**
 * The shared vocabulary of the pipeline. Every value that crosses a boundary (Redis, a job, the
 * CLI's --json) is one of these schemas, so a corrupt record fails loudly where it is read.
 */

export const Language = z.enum(['en', 'es']);
export type Language = z.infer<typeof Language>;

/** Where an outlet is based; ranking counts Mexican and US coverage both. */
export const Country = z.enum(['MX', 'US', 'INT']);
export type Country = z.infer<typeof Country>;

export const FeedConfig = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  url: z.string().min(1),
  language: Language,
  country: Country.default('INT'),
  /** Editorial weight used by ranking; 1 is an ordinary outlet. */
  weight: z.number().min(0).max(5).default(1),
  enabled: z.boolean().default(true),
  /**
   * Fetch each relevant article's page for its main text: true always, "auto" when the feed gives
   * only a teaser, false (default) for feeds that carry the full text or link to pages without it.
   */
  fullText: z.union([z.boolean(), z.literal('auto')]).optional(),
});
export type FeedConfig = z.infer<typeof FeedConfig>;

/** One outlet that carried an article (wire copy republished elsewhere adds more). */
export const ArticleSource = z.object({
  feedId: z.string(),
  outlet: z.string(),
  url: z.string(),
});
export type ArticleSource = z.infer<typeof ArticleSource>;

export const Article = z.object({
  /** Stable id derived from the canonical URL (see domain/articles.ts). */
  id: z.string(),
  feedId: z.string(),
  outlet: z.string(),
  url: z.string(),
  guid: z.string().optional(),
  title: z.string(),
  summary: z.string(),
  language: Language,
  publishedAt: z.string(),
  fetchedAt: z.string(),
  relevance: z.number(),
  /** 64-bit SimHash of the text, as 16 hex digits; used to spot wire copies. */
  fingerprint: z.string(),
  /** Main text of the article's page (plain, capped) when the feed gave only a teaser. */
  fullText: z.string().optional(),
  /** Every outlet that carried this text, the first one included. */
  sources: z.array(ArticleSource).min(1),
});
export type Article = z.infer<typeof Article>;

export const SummarySentence = z.object({
  text: z.string(),
  language: Language,
  /** Articles whose text supports the sentence; the first is where it was taken from. */
  sources: z.array(z.object({ articleId: z.string(), outlet: z.string(), url: z.string() })).min(1),
});
export type SummarySentence = z.infer<typeof SummarySentence>;

export const Story = z.object({
  id: z.string(),
  headline: z.string(),
  theme: z.string(),
  score: z.number(),
  language: Language,
  firstPublishedAt: z.string(),
  lastPublishedAt: z.string(),
  outlets: z.array(z.string()),
  summary: z.array(SummarySentence).min(1),
  articles: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      url: z.string(),
      outlet: z.string(),
      language: Language,
      publishedAt: z.string(),
    }),
  ),
  /** Set when the story already ran in an earlier digest. */
  continuesFrom: z.object({ digestId: z.string(), url: z.string().optional() }).optional(),
  /** The article the headline was taken from: the headline links to it. */
  headlineUrl: z.string().optional(),
  /** One link per outlet that carried the story (wire copies included), so every credit links. */
  outletLinks: z.array(z.object({ outlet: z.string(), url: z.string() })).optional(),
  /** Distinct outlets that covered the story, by the country of their feed. */
  coverage: z.object({ MX: z.number().int(), US: z.number().int(), INT: z.number().int() }).optional(),
  /**
   * The story told from its outlets in the other language, when it has any: the bilingual edition
   * shows each reader the version in their language (the main fields are the majority language).
   */
  alternate: z
    .object({ language: Language, headline: z.string(), headlineUrl: z.string().optional(), summary: z.array(SummarySentence).min(1) })
    .optional(),
});
export type Story = z.infer<typeof Story>;

/**
 * draft → approved → sending → sent; an editor may hold a draft (no automatic send until it is
 * approved again) or discard it (never sent; its window is free for another build).
 * `partially_sent`: the send finished with failed or uncertain deliveries left (a new `send` retries
 * the failed); `paused`: the circuit breaker stopped the send after a run of policy rejections.
 */
export const DigestStatus = z.enum(['draft', 'approved', 'held', 'discarded', 'sending', 'sent', 'partially_sent', 'paused']);
export type DigestStatus = z.infer<typeof DigestStatus>;

export const Digest = z.object({
  id: z.string(),
  title: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  createdAt: z.string(),
  status: DigestStatus,
  articleCount: z.number().int(),
  outletCount: z.number().int(),
  /** Ids of the week's most important stories (3–5), most important first: the lead. */
  lead: z.array(z.string()).optional(),
  /** Outlets whose feed failed for the whole window: named at the end so readers know what is missing. */
  missingSources: z.array(z.string()).optional(),
  themes: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      /** The section's name in the Spanish edition. */
      titleEs: z.string().optional(),
      stories: z.array(Story),
    }),
  ),
  /** An editor's note shown at the top of the issue. */
  editorNote: z.string().optional(),
  /** The editors' changes (domain/editing.ts), kept so they can be undone and survive a rebuild. */
  edits: DigestEdits.optional(),
});
export type Digest = z.infer<typeof Digest>;

export const SubscriberStatus = z.enum(['pending', 'confirmed', 'unsubscribed', 'bounced']);
export type SubscriberStatus = z.infer<typeof SubscriberStatus>;

/** How consent was given, and how it ended (kept for the record; `complained` comes from ARF reports). */
export const ConsentSource = z.enum(['web', 'import', 'cli']);
export type ConsentSource = z.infer<typeof ConsentSource>;
export const ConsentEnd = z.enum(['unsubscribed', 'bounced', 'complained', 'removed']);
export type ConsentEnd = z.infer<typeof ConsentEnd>;

export const Subscriber = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().optional(),
  status: SubscriberStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Consent record: where the request came from, when it was asked and confirmed. */
  source: ConsentSource.optional(),
  requestedAt: z.string().optional(),
  confirmedAt: z.string().optional(),
  /** Keyed hash (HMAC) of the client IP that asked; never the IP itself. */
  ipHash: z.string().optional(),
  endedReason: ConsentEnd.optional(),
  endedAt: z.string().optional(),
  /** Preferences: theme ids (comma-separated; absent = every theme), pause, edition language. */
  themes: z.string().optional(),
  pausedUntil: z.string().optional(),
  lang: Language.optional(),
});
export type Subscriber = z.infer<typeof Subscriber>;

/** `skipped`: the subscriber left (unsubscribed, bounced, removed) between freeze and claim. */
export const DeliveryState = z.enum(['pending', 'sending', 'sent', 'failed', 'bounced', 'uncertain', 'skipped']);
export type DeliveryState = z.infer<typeof DeliveryState>;

export const Delivery = z.object({
  digestId: z.string(),
  subscriberId: z.string(),
  state: DeliveryState,
  attempts: z.number().int(),
  updatedAt: z.string(),
  messageId: z.string().optional(),
  error: z.string().optional(),
  /** While `sending`: until when the claim holds; an expired lease becomes `uncertain`. */
  leaseUntil: z.string().optional(),
  /** What a later bounce, delay notice or complaint said about this delivery (inbound receiver). */
  report: z.string().optional(),
  reportedAt: z.string().optional(),
});
export type Delivery = z.infer<typeof Delivery>;

/** A theme section as configured in topic.yaml. */
export interface ThemeConfig {
  id: string;
  title: string;
  /** The section's name in the Spanish edition. */
  titleEs?: string;
  /** Terms (EN and ES, already folded: lower-case, no accents) with their weights. */
  terms: Record<string, number>;
}

/** Relevance rules as configured in topic.yaml, folded at load time. */
export interface TopicConfig {
  name: string;
  /** Terms that make an article about this beat, with weights. Multi-word terms allowed. */
  terms: Record<string, number>;
  /** Terms that anchor the article in Mexico; an article needs at least one to count. */
  anchors: string[];
  /** Terms that pull an article away (other countries' cartels, sports "cartel" usage…). */
  negative: Record<string, number>;
  /** Minimum score for an article to be kept. */
  threshold: number;
  /**
   * Terms that stand for Mexico only in a given context: "the border" next to Trump, asylum or
   * CBP is the US–Mexico border. Each term counts as an anchor when one of `with` also appears.
   */
  contextAnchors?: Array<{ terms: string[]; with: string[] }>;
  /** Other countries: a headline about one of them that never names Mexico is not Mexico's story. */
  elsewhere?: string[];
  themes: ThemeConfig[];
  /** The catch-all section for stories that fit no theme. */
  otherTheme: { id: string; title: string; titleEs?: string };
}
