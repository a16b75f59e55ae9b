import { describe, expect, it } from 'vitest';
import { foldText, htmlToText, truncateWords } from '../../src/domain/text.ts';

describe('foldText', () => {
  it('still folds accents, case and punctuation', () => {
    expect(foldText('EXTRADICIÓN de «cárteles»')).toBe('extradicion de carteles');
  });
});

describe('htmlToText', () => {
  it('drops invisible elements with their content', () => {
    const html =
      '<head><title>Page</title></head><p>Visible</p><script>alert("x")</script><style>p{color:red}</style>' +
      '<iframe src="x">frame text</iframe><noscript>enable js</noscript><svg><text>icon</text></svg><p>End</p>';
    expect(htmlToText(html, 1000)).toBe('Visible\nEnd');
  });

  it('matches closing tags case-insensitively and ignores look-alikes', () => {
    expect(htmlToText('a<SCRIPT type="x">var s = "</scripts>"; </Script >b', 100)).toBe('a b');
  });

  it('turns block tags into line breaks and strips inline tags without adding spaces', () => {
    expect(htmlToText('<div><h2>Title</h2><p>One <b>bo</b>ld<br>two</p><ul><li>x</li><li>y</li></ul></div>', 100)).toBe(
      'Title\nOne bold\ntwo\nx\ny',
    );
  });

  it('decodes named, decimal and hex entities', () => {
    expect(htmlToText('Le&oacute;n &amp; Ju&aacute;rez: &quot;hola&quot; &#39;s&#39; &#233;&#xE9;&#XF1; &ntilde;&Ntilde; &iquest;qu&eacute;? a&nbsp;b', 200)).toBe(
      'León & Juárez: "hola" \'s\' ééñ ñÑ ¿qué? a b',
    );
  });

  it('decodes entities once and leaves unknown ones alone', () => {
    expect(htmlToText('&amp;lt; &bogus; &#0; &#146;', 100)).toBe('&lt; &bogus; \ufffd ’');
  });

  it('unwraps HTML that was escaped twice', () => {
    expect(htmlToText('&lt;p&gt;Sheinbaum &lt;b&gt;responde&lt;/b&gt;&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;', 100)).toBe(
      'Sheinbaum responde',
    );
  });

  it('handles comments, CDATA, stray angle brackets and attributes containing ">"', () => {
    expect(htmlToText('<!-- hidden --><![CDATA[kept]]> 3 < 5 <a title="a>b" href=\'/x\'>link</a>', 100)).toBe('kept 3 < 5 link');
  });

  it('drops the rest of the input after an unterminated tag or comment', () => {
    expect(htmlToText('before <a href="x', 100)).toBe('before');
    expect(htmlToText('before <!-- never closed', 100)).toBe('before');
  });

  it('removes control and zero-width characters and collapses whitespace', () => {
    expect(htmlToText('  a\u0000b\u200b c \t\r\n\r\n  d\u00a0\u00a0e\ufeff  ', 100)).toBe('ab c\nd e');
  });

  it('caps length at a word boundary with an ellipsis', () => {
    const out = htmlToText('<p>La Guardia Nacional desplegó elementos en Culiacán</p>', 30);
    expect(out).toBe('La Guardia Nacional desplegó…');
    expect(out.length).toBeLessThanOrEqual(30);
  });

  it('stays linear on 2 MB of hostile markup', () => {
    const hostile = [
      '<a title="'.repeat(100_000),
      '<div '.repeat(100_000),
      '&amp'.repeat(100_000),
      '<'.repeat(200_000),
      '<script>'.repeat(50_000),
      '</'.repeat(200_000),
    ];
    for (const chunk of hostile) {
      const input = ('<p>Texto ' + chunk).slice(0, 2_000_000);
      const out = htmlToText(input, 600);
      expect(out.length).toBeLessThanOrEqual(600);
      expect(out.startsWith('Texto')).toBe(true);
    }
    const big = '<p>palabra <b>clave</b> &amp; más</p>'.repeat(60_000);
    expect(big.length).toBeGreaterThan(2_000_000);
    const out = htmlToText(big, 600);
    expect(out.startsWith('palabra clave & más\npalabra')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    // No wall-clock assertion (see DESIGN.md); a quadratic scan of 2 MB takes minutes and trips
    // this test's timeout, a linear one takes milliseconds.
  }, 20_000);
});

describe('truncateWords', () => {
  it('returns short text unchanged', () => {
    expect(truncateWords('corto', 10)).toBe('corto');
  });

  it('cuts at the last space and trims dangling punctuation', () => {
    expect(truncateWords('México, Estados Unidos, Canadá y más', 25)).toBe('México, Estados Unidos…');
  });

  it('keeps a word that ends exactly at the limit', () => {
    expect(truncateWords('uno dos tres cuatro', 8)).toBe('uno dos…');
  });

  it('cuts a single very long word mid-word', () => {
    expect(truncateWords('a'.repeat(50), 10)).toBe('aaaaaaaaa…');
  });

  it('never splits a surrogate pair', () => {
    const out = truncateWords('x'.repeat(8) + '😀😀😀', 10);
    expect(out).toBe('xxxxxxxx…');
  });

  it('handles degenerate limits', () => {
    expect(truncateWords('hola mundo', 0)).toBe('');
    expect(truncateWords('hola mundo', 1)).toBe('…');
  });
});
