import { describe, expect, it } from 'vitest';
import { createFeedParser, MAX_ITEMS_PER_FEED } from '../../src/adapters/feed-parser.ts';
import { FrontError } from '../../src/domain/errors.ts';

const RSS2 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Milenio — Política</title>
    <link>https://www.milenio.com/politica</link>
    <atom:link href="https://www.milenio.com/rss/politica" rel="self" type="application/rss+xml"/>
    <description>Noticias de política</description>
    <language>es-MX</language>
    <item>
      <title>Sheinbaum descarta intervención de EU contra cárteles</title>
      <link>https://www.milenio.com/politica/sheinbaum-descarta-intervencion</link>
      <guid isPermaLink="false">milenio-2025-0601-001</guid>
      <pubDate>Sun, 01 Jun 2025 14:30:00 -0600</pubDate>
      <dc:creator><![CDATA[Redacción Milenio]]></dc:creator>
      <category domain="seccion">Política</category>
      <category>Seguridad</category>
      <description><![CDATA[<p>La presidenta reiteró que la <b>soberanía</b> no se negocia.</p>]]></description>
      <content:encoded><![CDATA[<p>La presidenta reiteró que la soberanía no se negocia.</p><p>Texto completo…</p>]]></content:encoded>
    </item>
    <item>
      <title>Extraditan a 26 presuntos narcotraficantes</title>
      <guid>https://www.milenio.com/policia/extraditan-26</guid>
      <pubDate>Sat, 31 May 2025 09:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
  <title type="text">Border Report</title>
  <link rel="self" href="https://borderreport.example/feed.atom"/>
  <link rel="alternate" type="text/html" href="https://borderreport.example/"/>
  <id>tag:borderreport.example,2025:feed</id>
  <updated>2025-06-02T12:00:00Z</updated>
  <entry>
    <title type="html">US and Mexico sign fentanyl &lt;em&gt;accord&lt;/em&gt;</title>
    <link rel="self" href="https://borderreport.example/api/entries/42"/>
    <link rel="alternate" type="text/html" href="https://borderreport.example/2025/06/fentanyl-accord"/>
    <link rel="enclosure" type="image/jpeg" href="https://borderreport.example/img/42.jpg"/>
    <id>tag:borderreport.example,2025:entry-42</id>
    <published>2025-06-02T10:15:00-05:00</published>
    <updated>2025-06-02T11:00:00Z</updated>
    <author><name>Julia Ortiz</name><email>jortiz@borderreport.example</email></author>
    <category term="security" label="Security"/>
    <category term="fentanyl"/>
    <summary>Officials announced joint inspections at ports of entry.</summary>
    <content type="html">&lt;p&gt;Officials announced &lt;a href="https://x.example"&gt;joint inspections&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Entry with an unusable date</title>
    <link href="https://borderreport.example/2025/06/odd"/>
    <id>tag:borderreport.example,2025:entry-43</id>
    <published>last Tuesday</published>
    <updated>2025-06-01T08:00:00Z</updated>
  </entry>
</feed>`;

const RDF = `<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://noticias.example/rss">
    <title>Noticias RDF</title>
    <link>https://noticias.example/</link>
    <description>RSS 1.0</description>
    <dc:language>es</dc:language>
  </channel>
  <item rdf:about="https://noticias.example/2025/06/aranceles">
    <title>Aranceles: México responde</title>
    <link>https://noticias.example/2025/06/aranceles</link>
    <description>Economía ofrece medidas recíprocas.</description>
    <dc:date>2025-06-03T07:00:00-06:00</dc:date>
    <dc:creator>Luis Pérez</dc:creator>
    <dc:subject>Comercio</dc:subject>
  </item>
</rdf:RDF>`;

async function parseError(xml: string): Promise<FrontError> {
  const err = await createFeedParser()
    .parseFeed(xml)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(FrontError);
  expect((err as FrontError).code).toBe('FEED_PARSE_ERROR');
  return err as FrontError;
}

describe('createFeedParser', () => {
  it('maps RSS 2.0 with content:encoded and dc:creator', async () => {
    const feed = await createFeedParser().parseFeed(RSS2);
    expect(feed).toMatchObject({ title: 'Milenio — Política', link: 'https://www.milenio.com/politica', language: 'es-MX' });
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]).toEqual({
      title: 'Sheinbaum descarta intervención de EU contra cárteles',
      link: 'https://www.milenio.com/politica/sheinbaum-descarta-intervencion',
      guid: 'milenio-2025-0601-001',
      summary: '<p>La presidenta reiteró que la <b>soberanía</b> no se negocia.</p>',
      content: '<p>La presidenta reiteró que la soberanía no se negocia.</p><p>Texto completo…</p>',
      publishedAt: '2025-06-01T20:30:00.000Z',
      author: 'Redacción Milenio',
      categories: ['Política', 'Seguridad'],
    });
    // No <link>: the permalink GUID stands in.
    expect(feed.items[1]).toMatchObject({
      link: 'https://www.milenio.com/policia/extraditan-26',
      guid: 'https://www.milenio.com/policia/extraditan-26',
      publishedAt: '2025-05-31T09:00:00.000Z',
    });
  });

  it('maps Atom, preferring rel=alternate and keeping summary and html content apart', async () => {
    const feed = await createFeedParser().parseFeed(ATOM);
    expect(feed).toMatchObject({ title: 'Border Report', link: 'https://borderreport.example/', language: 'en-US' });
    expect(feed.items[0]).toEqual({
      title: 'US and Mexico sign fentanyl <em>accord</em>',
      link: 'https://borderreport.example/2025/06/fentanyl-accord',
      guid: 'tag:borderreport.example,2025:entry-42',
      summary: 'Officials announced joint inspections at ports of entry.',
      content: '<p>Officials announced <a href="https://x.example">joint inspections</a>.</p>',
      publishedAt: '2025-06-02T15:15:00.000Z',
      author: 'Julia Ortiz',
      categories: ['security', 'fentanyl'],
    });
  });

  it('keeps a feed whose Atom entry has an unparseable date, using the next usable one', async () => {
    const feed = await createFeedParser().parseFeed(ATOM);
    expect(feed.items[1]).toMatchObject({
      link: 'https://borderreport.example/2025/06/odd',
      publishedAt: '2025-06-01T08:00:00.000Z',
    });
  });

  it('maps RSS 1.0 (RDF)', async () => {
    const feed = await createFeedParser().parseFeed(RDF);
    expect(feed).toMatchObject({ title: 'Noticias RDF', language: 'es' });
    expect(feed.items).toEqual([
      {
        title: 'Aranceles: México responde',
        link: 'https://noticias.example/2025/06/aranceles',
        guid: 'https://noticias.example/2025/06/aranceles',
        summary: 'Economía ofrece medidas recíprocas.',
        publishedAt: '2025-06-03T13:00:00.000Z',
        author: 'Luis Pérez',
        categories: ['Comercio'],
      },
    ]);
  });

  it('reads RSS 0.91 with an external DTD and a bare <rss> without version', async () => {
    const rss091 = `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Viejo</title><item><title>Uno</title><link>https://v.example/1</link></item></channel></rss>`;
    expect((await createFeedParser().parseFeed(rss091)).items).toEqual([{ title: 'Uno', link: 'https://v.example/1' }]);
    const bare = '\n\n<rss><channel><title>Sin versión</title><item><title>Dos</title></item></channel></rss>';
    expect((await createFeedParser().parseFeed(bare)).items).toEqual([{ title: 'Dos' }]);
  });

  it(`keeps only the first ${MAX_ITEMS_PER_FEED} items`, async () => {
    const items = Array.from({ length: 600 }, (_, i) => `<item><title>n${i}</title></item>`).join('');
    const feed = await createFeedParser().parseFeed(`<rss version="2.0"><channel><title>x</title>${items}</channel></rss>`);
    expect(feed.items).toHaveLength(MAX_ITEMS_PER_FEED);
    expect(feed.items[0]?.title).toBe('n0');
    expect(feed.items.at(-1)?.title).toBe('n499');
  });

  it('rejects an HTML page', async () => {
    const html = '<!DOCTYPE html>\n<html lang="es"><head><title>Just a moment...</title></head><body><p>Checking your browser</p></body></html>';
    const err = await parseError(html);
    expect(err.message).toContain('<html>');
    expect(err.permanent).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['whitespace', '  \n '],
    ['plain text', 'Service Unavailable'],
    ['JSON', '{"items":[]}'],
  ])('rejects a non-XML body (%s)', async (_label, body) => {
    await parseError(body);
  });

  it('rejects truncated XML', async () => {
    const err = await parseError(RSS2.slice(0, RSS2.indexOf('<content:encoded>') + 40));
    expect(err.permanent).toBe(true);
  });

  it('rejects an entity-expansion bomb before parsing', async () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>`;
    const err = await parseError(bomb);
    expect(err.permanent).toBe(true);
  });

  it('rejects an external-entity (XXE) declaration', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>`;
    await parseError(xxe);
  });
});
