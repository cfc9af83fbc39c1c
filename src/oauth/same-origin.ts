import type { IncomingHttpHeaders } from 'node:http';

export type SameOriginCheck = { ok: true } | { ok: false; reason: 'cross_site' | 'foreign_origin' | 'no_origin' };

/**
 * Whether a form POST came from a page of `publicOrigin` itself. Browsers send `Origin` on every
 * POST and `Sec-Fetch-Site` on every request (all current ones); each that is present must say
 * "same origin", and a POST with neither is refused: it did not come from our page in a browser.
 * Pure, so the rule is tested without a server.
 */
export function checkSameOrigin(headers: IncomingHttpHeaders, publicOrigin: string): SameOriginCheck {
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  if (origin === undefined && site === undefined) return { ok: false, reason: 'no_origin' };
  if (site !== undefined && site !== 'same-origin') return { ok: false, reason: 'cross_site' };
  if (origin !== undefined && origin !== publicOrigin) return { ok: false, reason: 'foreign_origin' };
  return { ok: true };
}
