/**
 * The URL of a request from its request line, or undefined when the target is malformed. Only origin-form
 * (`/path?query`) and absolute-form (`http://host/path`, sent by proxies) are accepted. A target such as `//[` must
 * not be resolved against a base URL: `new URL('//[', base)` reads it as a host and throws. Pure; never throws.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (target === undefined || target.length === 0) return undefined;
  try {
    // `//host/…` is a network-path reference, which no client sends as a path: refused rather than guessed at.
    if (target.startsWith('//')) return undefined;
    if (target.startsWith('/')) return new URL(`http://localhost${target}`);
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      return new URL(`http://localhost${absolute.pathname}${absolute.search}`);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
