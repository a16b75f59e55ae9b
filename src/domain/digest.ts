import { Digest, type Article, type Country, type FeedConfig, type Story, type TopicConfig } from './model.ts';
import { rankStories, storyOutlets } from './ranking.ts';
import { clusterStories, matchPreviousStories, type ClusterOptions, type PreviousStory } from './stories.ts';
import { selectRelevant } from './story-relevance.ts';
import { summarizeStory } from './summaries.ts';
import { assignTheme } from './themes.ts';

/**
 * Builds one digest issue from the period's articles: relevant articles → stories → themes →
 * ranking → caps → summaries. Summaries are computed only for the stories that make the cut,
 * since they cost the most. The caller chooses the articles of the period; this adds no clock.
 */

export interface ComposeInput {
  id: string;
  articles: Article[];
  topic: TopicConfig;
  feeds: FeedConfig[];
  period: { start: Date; end: Date };
  now: Date;
  /** Story id → id of the digest it last ran in. */
  history: Map<string, string>;
  previousStories?: PreviousStory[];
  limits: { maxStories: number; maxPerTheme: number };
  /** Overrides topic.threshold for which articles count. */
  minRelevance?: number;
  /** Base URL of the public archive, for links to the issue a story continues from. */
  publicUrl?: string;
  clustering?: ClusterOptions;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "20–27 Nov 2026", "28 Nov – 5 Dec 2026", "29 Dec 2026 – 4 Jan 2027" (UTC dates). */
export function formatPeriod(start: Date, end: Date): string {
  const [d1, m1, y1] = [start.getUTCDate(), MONTHS[start.getUTCMonth()]!, start.getUTCFullYear()];
  const [d2, m2, y2] = [end.getUTCDate(), MONTHS[end.getUTCMonth()]!, end.getUTCFullYear()];
  if (y1 !== y2) return `${d1} ${m1} ${y1} – ${d2} ${m2} ${y2}`;
  if (m1 !== m2) return `${d1} ${m1} – ${d2} ${m2} ${y2}`;
  return `${d1}–${d2} ${m2} ${y2}`;
}

/** Distinct outlets of the story per country of their feed (INT when the feed is unknown). */
function coverageOf(articles: Article[], feedCountries: Map<string, Country>): Record<Country, number> {
  const counts: Record<Country, number> = { MX: 0, US: 0, INT: 0 };
  for (const feedId of storyOutlets(articles).values()) counts[feedCountries.get(feedId) ?? 'INT']++;
  return counts;
}

/** The first link seen for each outlet, in the story's chronological order. */
function outletLinks(articles: Article[]): Array<{ outlet: string; url: string }> {
  const links = new Map<string, string>();
  for (const a of [...articles].sort((x, y) => (x.publishedAt < y.publishedAt ? -1 : x.publishedAt > y.publishedAt ? 1 : 0))) {
    for (const s of a.sources) if (!links.has(s.outlet)) links.set(s.outlet, s.url);
  }
  return [...links].map(([outlet, url]) => ({ outlet, url }));
}

function buildStory(
  ranked: { id: string; articles: Article[]; score: number; theme: string },
  input: ComposeInput,
  feedCountries: Map<string, Country>,
): Story {
  const summary = summarizeStory(ranked.articles, { maxSentences: 3, maxWords: 70 });
  // The bilingual edition: the same story from its outlets in the other language, when it has any.
  const other = summary.language === 'en' ? 'es' : 'en';
  const alternate = ranked.articles.some((a) => a.language === other)
    ? summarizeStory(ranked.articles, { maxSentences: 3, maxWords: 70, language: other })
    : undefined;
  const times = ranked.articles.map((a) => a.publishedAt).sort();
  const digestId = input.history.get(ranked.id);
  const base = input.publicUrl?.replace(/\/+$/, '');
  return {
    id: ranked.id,
    headline: summary.headline,
    theme: ranked.theme,
    score: ranked.score,
    language: summary.language,
    firstPublishedAt: times[0]!,
    lastPublishedAt: times[times.length - 1]!,
    outlets: [...storyOutlets(ranked.articles).keys()],
    summary: summary.sentences,
    headlineUrl: summary.headlineUrl,
    outletLinks: outletLinks(ranked.articles),
    coverage: coverageOf(ranked.articles, feedCountries),
    ...(alternate && alternate.language === other
      ? { alternate: { language: other, headline: alternate.headline, headlineUrl: alternate.headlineUrl, summary: alternate.sentences } }
      : {}),
    articles: ranked.articles.map((a) => ({
      id: a.id,
      title: a.title,
      url: a.url,
      outlet: a.outlet,
      language: a.language,
      publishedAt: a.publishedAt,
    })),
    ...(digestId === undefined
      ? {}
      : { continuesFrom: base ? { digestId, url: `${base}/archive/${digestId}` } : { digestId } }),
  };
}

export function composeDigest(input: ComposeInput): Digest | undefined {
  const { relevant } = selectRelevant(input.articles, input.topic, { minRelevance: input.minRelevance });
  if (relevant.length === 0) return undefined;

  const clusters = clusterStories(relevant, input.clustering, input.topic);
  const previous = input.previousStories ?? [];
  // Matching reads every cluster's terms; with nothing to match against that is pure cost.
  const inherited = previous.length > 0 ? matchPreviousStories(clusters, previous) : new Map<string, string>();
  const previousArticles = new Map(previous.map((p) => [p.id, new Set(p.articleIds)]));
  const stories = clusters.map((cluster) => {
    const id = inherited.get(cluster.id) ?? cluster.id;
    const seen = previousArticles.get(id);
    return {
      id,
      articles: cluster.articles,
      theme: assignTheme(cluster.articles, input.topic),
      ...(seen ? { newArticles: cluster.articles.filter((a) => !seen.has(a.id)).length, previousSize: seen.size } : {}),
    };
  });

  const feedCountries = new Map<string, Country>(input.feeds.map((f) => [f.id, f.country]));
  const ranked = rankStories(stories, {
    now: input.now,
    feedWeights: new Map(input.feeds.map((f) => [f.id, f.weight])),
    feedCountries,
    previousStoryIds: new Set([...previous.map((p) => p.id), ...input.history.keys()]),
  });

  const perTheme = new Map<string, number>();
  const selected: typeof ranked = [];
  for (const story of ranked) {
    if (selected.length >= input.limits.maxStories) break;
    const count = perTheme.get(story.theme) ?? 0;
    if (count >= input.limits.maxPerTheme) continue;
    perTheme.set(story.theme, count + 1);
    selected.push(story);
  }

  const byTheme = new Map<string, Story[]>();
  for (const story of selected) byTheme.set(story.theme, [...(byTheme.get(story.theme) ?? []), buildStory(story, input, feedCountries)]);
  // Sections by their most important story (ranked order within each already), the catch-all last;
  // ties keep the order of topic.yaml.
  const sections = input.topic.themes
    .map((t, k) => ({ id: t.id, title: t.title, ...(t.titleEs ? { titleEs: t.titleEs } : {}), stories: byTheme.get(t.id) ?? [], k }))
    .filter((section) => section.stories.length > 0)
    .sort((a, b) => b.stories[0]!.score - a.stories[0]!.score || a.k - b.k)
    .map(({ k: _k, ...section }) => section);
  const other = byTheme.get(input.topic.otherTheme.id);
  const themes = other ? [...sections, { ...input.topic.otherTheme, stories: other }] : sections;

  return Digest.parse({
    id: input.id,
    title: `Frontera weekly · ${formatPeriod(input.period.start, input.period.end)}`,
    periodStart: input.period.start.toISOString(),
    periodEnd: input.period.end.toISOString(),
    createdAt: input.now.toISOString(),
    status: 'draft',
    articleCount: relevant.length,
    outletCount: storyOutlets(relevant).size,
    lead: leadStories(selected),
    themes,
  });
}

/**
 * The lead: the week's 3 most important stories, and a 4th and 5th when they weigh at least
 * half as much as the first (a week with one big story and many small ones leads with fewer).
 * Ranking scores already combine breadth across outlets and countries, novelty and weight.
 */
export function leadStories(ranked: Array<{ id: string; score: number }>): string[] {
  const top = ranked[0]?.score ?? 0;
  return ranked.filter((s, k) => k < 3 || (k < 5 && s.score >= top / 2)).map((s) => s.id);
}

/** Stories from the lowest ranked up: lowest score first, and on equal scores the id rankStories puts last. */
function lowestFirst(a: Story, b: Story): number {
  return a.score - b.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The digest without its `count` lowest-ranked stories (sections left empty are removed), for
 * when the rendered issue is too big to mail. Counts of the week's coverage stay as they were.
 */
export function dropLowestRanked(digest: Digest, count: number): Digest {
  if (count <= 0) return digest;
  const all = digest.themes.flatMap((t) => t.stories).sort(lowestFirst);
  const dropped = new Set(all.slice(0, count));
  const themes = digest.themes
    .map((t) => ({ ...t, stories: t.stories.filter((s) => !dropped.has(s)) }))
    .filter((t) => t.stories.length > 0);
  const kept = new Set(themes.flatMap((t) => t.stories.map((s) => s.id)));
  return { ...digest, ...(digest.lead ? { lead: digest.lead.filter((id) => kept.has(id)) } : {}), themes };
}
