import { createHash } from 'node:crypto';

/*
 * The OAuth routes' cookies. Each sign-in (state) and each confirmation page (connect link) has a
 * cookie of its own, so a second connect in the same browser does not overwrite the first one's, and
 * a cookie planted under a fixed name cannot block anyone. The name is derived from a digest, never
 * the value itself: names show up where values do not (devtools lists, proxies that log names).
 * Over https the names carry the `__Host-` prefix, which browsers accept only with Secure, Path=/ and
 * no Domain: a sibling subdomain can then neither set nor shadow them.
 */

/** Where the cookies are sent: all paths for `__Host-` (it requires Path=/), else only the OAuth routes. */
export function oauthCookiePath(secure: boolean): string {
  return secure ? '/' : '/oauth/notion';
}

function cookieName(kind: string, value: string, secure: boolean): string {
  const digest = createHash('sha256').update(`${kind}:${value}`, 'utf8').digest('hex').slice(0, 32);
  return `${secure ? '__Host-' : ''}stn_${kind}_${digest}`;
}

/** The cookie that binds an OAuth state to the browser that started the sign-in. */
export function stateCookieName(state: string, secure: boolean): string {
  return cookieName('state', state, secure);
}

/** The cookie that holds the confirmation page's form token for one connect link. */
export function confirmCookieName(linkToken: string, secure: boolean): string {
  return cookieName('confirm', linkToken, secure);
}
