import { loadTopic } from '../src/config/files.ts';
import { composeDigest } from '../src/domain/digest.ts';
import { clusterStories } from '../src/domain/stories.ts';
import { renderDigest } from '../src/templates/render.ts';
import { datasetArticles, fmt, medianMs } from './lib.ts';

/**
 * Build = cluster → themes → rank → summarise → compose, then render once, on real headlines.
 * The baseline is the same build on a quarter of the articles: all-pairs clustering would cost
 * 16× for 4× the articles; candidate generation should keep the ratio far below that.
 */
export async function benchBuild(): Promise<void> {
  const topic = loadTopic('config/topic.yaml');
  const sizes = [5_000, 20_000];
  const medians = new Map<number, { build: number; cluster: number; stories: number }>();
  for (const n of sizes) {
    const articles = datasetArticles(n);
    const times = articles.map((a) => Date.parse(a.publishedAt));
    const period = { start: new Date(Math.min(...times)), end: new Date(Math.max(...times) + 1) };
    let stories = 0;
    const cluster = await medianMs(3, () => {
      stories = clusterStories(articles).length;
    });
    const build = await medianMs(3, async () => {
      const digest = composeDigest({
        id: 'd_bench',
        articles,
        topic,
        feeds: [],
        period,
        now: period.end,
        history: new Map(),
        limits: { maxStories: 24, maxPerTheme: 6 },
      });
      if (digest) await renderDigest(digest, { publicUrl: 'https://frontera.example', postalAddress: 'Apartado Postal 123, CDMX' });
    });
    medians.set(n, { build: build.median, cluster: cluster.median, stories });
    console.log(`build ${n.toLocaleString()} articles: median ${fmt(build.median)} (runs ${build.all.map(fmt).join(', ')}); clustering alone ${fmt(cluster.median)} → ${stories.toLocaleString()} stories`);
  }
  const a = medians.get(5_000)!;
  const b = medians.get(20_000)!;
  console.log(`ratio 20,000 / 5,000: build ${(b.build / a.build).toFixed(2)}×, clustering ${(b.cluster / a.cluster).toFixed(2)}× (all-pairs would be 16×)`);
}
