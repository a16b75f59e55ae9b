/**
 * Escaping for text that came from feeds. Everything feed-derived passes through here before it
 * enters the MJML source, so MJML's parser only ever sees our own tags: a headline holding
 * `<mj-include path="/etc/passwd"/>` arrives as `&lt;mj-include…` and stays text.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes for both text content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * True for absolute http(s) URLs. Anything else (javascript:, data:, vbscript:, relative paths,
 * protocol-relative `//host`) is refused: feed links are untrusted, and mail clients differ in
 * which schemes they neutralise.
 */
export function isHttpUrl(url: string): boolean {
  // Browsers ignore leading control characters and spaces, and tabs/newlines inside a scheme
  // ("java\nscript:"); URL's parser applies the same rules, so parsing decides, not a regex.
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:';
}

/** An href value ready to go between double quotes: the URL escaped, or '#' if it is not http(s). */
export function safeHref(url: string): string {
  if (!isHttpUrl(url)) return '#';
  // The original string (not parsed.href) is kept so what the reader sees matches the source's link;
  // escaping alone makes it safe inside the attribute.
  return escapeHtml(url.trim());
}
