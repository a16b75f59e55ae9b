import { describe, expect, it } from 'vitest';
import { canonicalUrl, urlHash } from '../../src/domain/urls.ts';

describe('canonicalUrl', () => {
  it('lower-cases scheme and host, drops default port, userinfo and fragment', () => {
    expect(canonicalUrl('HTTPS://user:secret@WWW.Reuters.COM:443/World/Americas/#comments')).toBe(
      'https://www.reuters.com/World/Americas/',
    );
    expect(canonicalUrl('http://example.com:80/a')).toBe('http://example.com/a');
    expect(canonicalUrl('http://example.com:8080/a')).toBe('http://example.com:8080/a');
  });

  it('removes tracking parameters and sorts the rest by key', () => {
    const input =
      'https://elpais.com/mexico/2025-03-01/nota.html?utm_source=twitter&utm_medium=social&z=1&fbclid=IwAR0&gclid=x&id=42' +
      '&mc_cid=1&mc_eid=2&igshid=3&at_medium=rss&at_campaign=c&ref=home&cmpid=x&ocid=y&_ga=1.2&yclid=9&smid=tw&ito=792&ns_mchannel=rss&a=b';
    expect(canonicalUrl(input)).toBe('https://elpais.com/mexico/2025-03-01/nota.html?a=b&id=42&z=1');
  });

  it('matches tracking keys case-insensitively and keeps the encoding of the others', () => {
    expect(canonicalUrl('https://e.com/p?UTM_Source=x&q=a%20b&WT.mc_id=1&CMP=share&flag')).toBe('https://e.com/p?flag&q=a%20b');
  });

  it('keeps repeated parameters in their original order', () => {
    expect(canonicalUrl('https://e.com/?tag=b&x=1&tag=a')).toBe('https://e.com/?tag=b&tag=a&x=1');
  });

  it('drops the "?" when only tracking parameters were present', () => {
    expect(canonicalUrl('https://apnews.com/article/mexico-cartels-abc123?utm_source=rss')).toBe(
      'https://apnews.com/article/mexico-cartels-abc123',
    );
  });

  it('keeps trailing slashes as published', () => {
    expect(canonicalUrl('https://www.proceso.com.mx/nacional/2025/3/1/nota/')).toBe('https://www.proceso.com.mx/nacional/2025/3/1/nota/');
    expect(canonicalUrl('https://www.proceso.com.mx/nacional/nota')).toBe('https://www.proceso.com.mx/nacional/nota');
    expect(canonicalUrl('https://www.proceso.com.mx')).toBe('https://www.proceso.com.mx/');
  });

  it('resolves relative links against a base', () => {
    expect(canonicalUrl('/seguridad/nota-1?ref=portada', 'https://www.milenio.com/rss/feed.xml')).toBe(
      'https://www.milenio.com/seguridad/nota-1',
    );
    expect(canonicalUrl('//www.jornada.com.mx/x', 'https://feeds.example.org/')).toBe('https://www.jornada.com.mx/x');
  });

  it('unwraps Google redirect links that carry the target in url=', () => {
    expect(
      canonicalUrl('https://news.google.com/url?sa=t&url=https%3A%2F%2Fwww.reuters.com%2Fworld%2Fmexico-extradites%3Futm_source%3Dgn&ct=ga'),
    ).toBe('https://www.reuters.com/world/mexico-extradites');
    expect(canonicalUrl('https://www.google.com/url?url=https://apnews.com/article/x&usg=abc')).toBe('https://apnews.com/article/x');
  });

  it('leaves Google links without a usable url= alone', () => {
    expect(canonicalUrl('https://news.google.com/rss/articles/CBMiK2h0dHBz?oc=5')).toBe('https://news.google.com/rss/articles/CBMiK2h0dHBz?oc=5');
    expect(canonicalUrl('https://news.google.com/url?url=javascript:alert(1)')).toBe('https://news.google.com/url?url=javascript:alert(1)');
  });

  it('treats a trailing dot on the host as the same host', () => {
    expect(canonicalUrl('https://www.infobae.com./mexico/')).toBe('https://www.infobae.com/mexico/');
  });

  it('returns undefined for garbage and non-http schemes', () => {
    for (const bad of ['', '   ', 'not a url', 'javascript:alert(1)', 'mailto:a@b.mx', 'ftp://e.com/x', 'data:text/html,hi', 'http://', 'https://' + 'a'.repeat(5000) + '.com']) {
      expect(canonicalUrl(bad)).toBeUndefined();
    }
    expect(canonicalUrl('relative/path')).toBeUndefined();
  });

  it('ignores surrounding whitespace and embedded newlines', () => {
    expect(canonicalUrl('\n  https://e.com/a\n/b  ')).toBe('https://e.com/a/b');
  });

  it('is idempotent', () => {
    const once = canonicalUrl('HTTP://E.com:80/a/?b=2&a=1&utm_x=1#f')!;
    expect(canonicalUrl(once)).toBe(once);
  });
});

describe('urlHash', () => {
  it('is the first 16 hex digits of the SHA-1', () => {
    // Computed independently: printf %s https://example.com/ | sha1sum
    expect(urlHash('https://example.com/')).toBe('b559c7edd3fb6737');
    expect(urlHash('https://example.com/')).not.toBe(urlHash('https://example.com/a'));
  });
});
