import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopic } from '../../src/config/files.ts';
import { clusterStories } from '../../src/domain/stories.ts';
import { makeArticle } from './article-factory.ts';

/** Cluster membership as sorted lists of article ids, sorted. */
function groupsOf(clusters: { articles: { id: string }[] }[]): string[][] {
  return clusters.map((c) => c.articles.map((a) => a.id).sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

const outlets = ['reuters', 'ap', 'bbc', 'guardian', 'npr', 'elpais', 'abc', 'sky', 'wapo', 'nyt', 'aljazeera', 'ft'];
let serial = 0;
const at = (id: string, hour: number, title: string, summary: string) => {
  const feedId = outlets[serial++ % outlets.length]!;
  return makeArticle({ id, hour, feedId, outlet: feedId, title, summary });
};

// A week's big story: the US halts water-treaty payments to Mexico (day one), then, a day later, a
// deal restores them. Every report shares "water", "treaty", "Mexico"; what is new at the onset of
// the second development ("deal", "restored", "resume") sets it apart.
function waterWeek() {
  serial = 0;
  return [
    at('halt-1', 0, 'US halts water treaty deliveries to Mexico', 'Washington stopped water deliveries owed under the 1944 treaty, citing a shortfall on the Rio Grande.'),
    at('halt-2', 1, 'Washington stops Rio Grande water deliveries to Mexico', 'The United States halted deliveries under the 1944 water treaty in a dispute over the Rio Grande.'),
    at('halt-3', 2, 'Mexico protests US halt of treaty water deliveries', 'Mexico protested after Washington halted water deliveries under the 1944 treaty.'),
    at('halt-4', 4, 'Mexican farmers fear US halt of Rio Grande treaty water', 'Farmers along the Rio Grande said the halt of treaty water deliveries to Mexico would ruin the harvest.'),
    at('halt-5', 6, 'Why the 1944 water treaty matters for Mexico', 'The 1944 treaty shares Rio Grande and Colorado water between the United States and Mexico.'),
    at('halt-6', 8, 'US water treaty halt rattles Mexican growers', 'Mexican growers warned that the halt of treaty water deliveries threatens crops along the Rio Grande.'),
    at('halt-7', 10, 'Mexico to seek talks with Washington on treaty water halt', 'Mexico will seek talks with Washington on Tuesday over the halted treaty water deliveries.'),
    at('halt-8', 12, 'Rio Grande water halt deepens US-Mexico treaty dispute', 'The halt of water deliveries under the 1944 treaty deepened the dispute between Washington and Mexico.'),
    at('halt-9', 12.5, 'Mexico warns treaty water halt will hurt Rio Grande towns', 'Mexican officials warned that the halt of water deliveries under the 1944 treaty would hurt towns along the Rio Grande.'),
    at('halt-10', 13, 'US defends halt of Rio Grande treaty water to Mexico', 'Washington defended the halt of treaty water deliveries to Mexico, citing the 1944 treaty.'),
    at('deal-1', 14, 'US ends Rio Grande water treaty halt in deal with Mexico', 'Washington restored the treaty water deliveries to Mexico it had halted on the Rio Grande, after a deal.'),
    at('deal-2', 15, 'Treaty water deliveries to Mexico restored after deal', 'The United States restored water deliveries to Mexico under the 1944 treaty after a deal ended the halt.'),
    at('explainer', 16, 'How the 1944 water treaty divides the Rio Grande', 'How the 1944 treaty shares Rio Grande water between Mexico and the United States, and why deliveries halt.'),
    at('deal-3', 17, 'Mexico hails deal as US restores treaty water on the Rio Grande', 'Mexico hailed the deal after Washington restored water deliveries under the 1944 treaty.'),
    at('deal-4', 18, 'Rio Grande water deal: US restores treaty deliveries to Mexico', 'Treaty water deliveries to Mexico are restored under the deal, ending the halt, officials said.'),
    at('deal-5', 19, 'Mexican growers relieved as water deal restores treaty deliveries', 'Growers along the Rio Grande were relieved that the deal restored treaty water deliveries from Washington.'),
    at('deal-6', 20, 'What the US-Mexico water deal means for the 1944 treaty', 'The deal restores the halted treaty water deliveries to Mexico on the Rio Grande.'),
    at('deal-7', 20.5, 'Treaty water flows again to Mexico after deal', 'Rio Grande water deliveries to Mexico under the 1944 treaty were restored after the deal.'),
    at('growers', 21, 'Rio Grande growers count losses from treaty water halt', 'Mexican growers along the Rio Grande counted the losses from the halt of treaty water deliveries.'),
  ];
}

describe('clusterStories: developments within a story', () => {
  it('splits a story where new terms arrive, and files each article by what it reports', () => {
    const articles = waterWeek();
    const groups = groupsOf(clusterStories(articles));
    // The talks planned before the deal stay with the halt; so do the explainer and the losses
    // story published after it, which only discuss the subject.
    const deal = articles.filter((a) => a.id.startsWith('deal-')).map((a) => a.id).sort();
    const halt = articles.filter((a) => !a.id.startsWith('deal-')).map((a) => a.id).sort();
    expect(groups).toEqual([deal, halt]);
    // Without the onset rule the week is one story.
    expect(clusterStories(articles, { burstAlpha: 0 })).toHaveLength(1);
  });

  it('after the turn, files a reaction or analysis with the turn and an explainer or effects piece with the event', () => {
    // Neither late piece repeats the deal's new words ("deal", "restored"); what tells them apart
    // is their genre: a verdict on who won is about the news of its day, a guide to how the treaty
    // works or what growers lose explains the measure.
    const verdict = at('verdict', 21.5, 'Mexico and Washington both claim victory in Rio Grande water standoff', 'Both governments said the 1944 treaty dispute over Rio Grande water ended on their terms.');
    const guide = at('guide', 22, 'Rio Grande water treaty explained', 'Experts say the 1944 treaty dispute over Rio Grande water will come back every dry year.');
    const articles = [...waterWeek(), verdict, guide];
    const groups = groupsOf(clusterStories(articles));
    const deal = groups.find((g) => g.includes('deal-1'))!;
    const halt = groups.find((g) => g.includes('halt-1'))!;
    expect(deal).toContain('verdict');
    expect(halt).toContain('guide');
    expect(halt).toEqual(expect.arrayContaining(['explainer', 'growers']));
  });

  it('does not split a story whose words merely vary (no term arrives improbably late)', () => {
    const articles = waterWeek().filter((a) => a.id.startsWith('halt-'));
    expect(groupsOf(clusterStories(articles))).toEqual([articles.map((a) => a.id).sort()]);
  });

  it('does not link an outlet’s newsletter editions by their weekday titles', () => {
    serial = 0;
    const articles = [
      makeArticle({ id: 'mon', hour: 0, feedId: 'nyt', outlet: 'NYT', title: 'Monday Briefing', summary: 'Floods in Veracruz displace thousands.' }),
      makeArticle({ id: 'tue', hour: 24, feedId: 'nyt', outlet: 'NYT', title: 'Tuesday Briefing', summary: 'Marines arrest a cartel leader in Sinaloa.' }),
      makeArticle({ id: 'wed', hour: 48, feedId: 'nyt', outlet: 'NYT', title: 'Wednesday Briefing', summary: 'Pemex reports record losses.' }),
    ];
    expect(clusterStories(articles)).toHaveLength(3);
  });
});

describe('clusterStories: follow-ups and themes', () => {
  const topic = loadTopic(join(resolve(import.meta.dirname, '../..'), 'config/topic.yaml'));

  it('with a topic, a lone article joins a story only if, themed alone, it would go to the story’s section', () => {
    serial = 0;
    const story = [
      at('tariff-1', 0, 'US imposes 25% tariffs on Mexican steel', 'Washington imposed tariffs of 25% on steel from Mexico on Monday.'),
      at('tariff-2', 1, 'Mexico vows response to US steel tariffs', 'Mexico said it would answer the 25% tariffs on its steel.'),
      at('tariff-3', 2, 'Steel tariffs on Mexico take effect', 'The 25% tariffs on Mexican steel took effect, trade officials said.'),
    ];
    const aside = at('aside', 3, 'Washington names Mexican cartels in new order', 'An order issued by Washington names six cartels from Mexico.');
    // A strict merge and a lenient attachment, so that the aside can only join as a follow-up.
    const opts = { threshold: 0.3, attachFactor: 0.2 };
    const without = groupsOf(clusterStories([...story, aside], opts));
    expect(without).toContainEqual(['aside', 'tariff-1', 'tariff-2', 'tariff-3']);
    const withTopic = groupsOf(clusterStories([...story, aside], opts, topic));
    expect(withTopic).toContainEqual(['tariff-1', 'tariff-2', 'tariff-3']);
    expect(withTopic).toContainEqual(['aside']);
    // Mentioning the story's theme is not enough when another theme weighs more.
    const mostly = at('mostly', 3, 'Washington names Mexican cartels in new order', 'An order issued by Washington names six cartels from Mexico as organized crime groups, days after the tariffs.');
    expect(groupsOf(clusterStories([...story, mostly], opts))).toContainEqual(['mostly', 'tariff-1', 'tariff-2', 'tariff-3']);
    expect(groupsOf(clusterStories([...story, mostly], opts, topic))).toContainEqual(['mostly']);
  });

  it('a story keeps taking follow-ups for as long as it has run (from a sixth of the gap up to the gap)', () => {
    serial = 0;
    const story = (hours: number[]) =>
      hours.map((h, k) =>
        at(`steel-${k}`, h, 'US imposes 25% tariffs on Mexican steel', `Washington imposed tariffs of 25% on steel from Mexico, report ${k}.`),
      );
    const reply = (hour: number) => at('reply', hour, 'Mexico says steel tariffs would cost US jobs', 'Mexico warned the 25% steel tariffs would cost jobs in the United States.');
    // A strict merge and a lenient attachment, so that the reply can only join as a follow-up.
    const opts = { threshold: 0.6, attachFactor: 0.1 };
    // Reported for 30 hours, the story still takes a reply 16 hours after its last report...
    const long = story([0, 6, 12, 18, 24, 30]);
    expect(groupsOf(clusterStories([...long, reply(46)], opts))).toContainEqual([...long.map((a) => a.id), 'reply'].sort());
    // ...but a story told within 6 hours takes only close pieces 16 hours later (a sixth of the
    // 72-hour gap is 12), and the reply is not as close as the merge bar of 0.6.
    const short = story([0, 2, 4, 6]);
    expect(groupsOf(clusterStories([...short, reply(22)], opts))).toContainEqual(['reply']);
    expect(groupsOf(clusterStories([...short, reply(16)], opts))).toContainEqual([...short.map((a) => a.id), 'reply'].sort());
  });

  it('takes the next day’s analysis of a short story only when it is as close as a merge requires', () => {
    serial = 0;
    const short = [0, 1, 2, 3].map((h, k) =>
      at(`steel-${k}`, h, 'US imposes 25% tariffs on Mexican steel', `Washington imposed tariffs of 25% on steel from Mexico, report ${k}.`),
    );
    const analysis = at('analysis', 20, 'Why the 25% steel tariffs on Mexico matter', 'The tariffs of 25% that Washington imposed on Mexican steel reach far beyond the mills.');
    const other = at('other', 20, 'US weighs tariffs on Mexican tomatoes', 'Washington is considering duties on tomatoes from Mexico after a complaint by Florida growers.');
    // A high merge bar (spreadBase) keeps both pieces out of the merge, so they can only join as
    // follow-ups, 17 hours after a story told in 3: past its own running time (12 h).
    const opts = { spreadBase: 0.6 };
    const groups = groupsOf(clusterStories([...short, analysis, other], opts));
    expect(groups).toContainEqual([...short.map((a) => a.id), 'analysis'].sort());
    expect(groups).toContainEqual(['other']);
    // Past a day, even a close analysis is a story of its own.
    const late = { ...analysis, publishedAt: new Date(Date.parse(analysis.publishedAt) + 8 * 3_600_000).toISOString() };
    expect(groupsOf(clusterStories([...short, late], opts))).toContainEqual(['analysis']);
  });
});
