import type { NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';

export interface BrowserVisit {
  /** The product's answer to the callback (the HTML page). */
  callback: Response;
  /** The callback URL the sandbox redirected to (with code/state or error). */
  callbackUrl: string;
  /** The state cookie the product set, as `name=value`. */
  cookie: string;
}

/** The `name=value` part of each Set-Cookie header of a response. */
export function cookiesSet(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

export interface Confirmed {
  /** The product's answer to the confirmation POST: a 303 to Notion when all went well. */
  res: Response;
  /** The confirmation page itself (GET of the link). */
  page: Response;
  /** The state cookie the POST set, as `name=value` (empty when it set none). */
  stateCookie: string;
}

/**
 * Plays the browser on the connect link: opens it (the confirmation page, which sets the form
 * token's cookie), then presses its button: a same-origin POST with the page's hidden field and
 * that cookie. `origin` overrides the Origin header the browser would send.
 */
export async function confirmConnectLink(
  connectUrl: string,
  opts: { origin?: string; via?: string } = {},
): Promise<Confirmed> {
  // `via`: the server's real address when the link names a public URL that does not resolve here.
  const link = new URL(connectUrl);
  const target = opts.via ? new URL(link.pathname + link.search, opts.via).href : connectUrl;
  const page = await fetch(target, { redirect: 'manual' });
  const html = await page.clone().text();
  if (page.status !== 200) return { res: page, page, stateCookie: '' };
  const formToken = /<input type="hidden" name="form_token" value="([^"]+)">/.exec(html)?.[1];
  if (!formToken) throw new Error('the connect page has no confirmation form');
  const res = await fetch(target, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ form_token: formToken }),
    headers: {
      cookie: cookiesSet(page).join('; '),
      origin: opts.origin ?? link.origin,
      'sec-fetch-site': 'same-origin',
    },
  });
  const stateCookie = cookiesSet(res).find((c) => /^(__Host-)?stn_state_/.test(c) && !c.endsWith('=')) ?? '';
  return { res, page, stateCookie };
}

/**
 * Plays the browser: opens the connect link, confirms on its page, follows the redirect to Notion's
 * consent page, submits it, and returns to the product's callback with the cookie it set.
 */
export async function visitConnectLink(
  connectUrl: string,
  notion: NotionSandbox,
  opts: { workspaceId?: string; share?: string[]; decision?: 'allow' | 'cancel' } = {},
): Promise<BrowserVisit> {
  const { res: start, stateCookie: cookie } = await confirmConnectLink(connectUrl);
  if (start.status !== 303) throw new Error(`start answered ${start.status}, not a redirect`);
  const callbackUrl = await consentAtNotion(start.headers.get('location')!, notion, opts);
  const callback = await fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' });
  return { callback, callbackUrl, cookie };
}

/** Connects through the whole browser flow and returns the callback page response. */
export async function completeConnect(
  connectUrl: string,
  notion: NotionSandbox,
  opts: { workspaceId?: string; share?: string[]; decision?: 'allow' | 'cancel' } = {},
): Promise<Response> {
  return (await visitConnectLink(connectUrl, notion, opts)).callback;
}

/**
 * Notion's part: opens the authorize URL the product redirected to, submits the consent form as the
 * user would, and returns where Notion sends the browser back to (the product's callback URL).
 */
export async function consentAtNotion(
  authorizeUrl: string,
  notion: NotionSandbox,
  opts: { workspaceId?: string; share?: string[]; decision?: 'allow' | 'cancel' } = {},
): Promise<string> {
  const authorize = new URL(authorizeUrl);
  if (!authorize.href.startsWith(notion.url)) throw new Error(`start redirected outside Notion: ${authorize.origin}`);

  const consent = await fetch(authorize, { redirect: 'manual' });
  if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}`);
  await consent.text();

  const form = new URLSearchParams();
  for (const name of ['client_id', 'redirect_uri', 'state', 'response_type', 'owner']) {
    const value = authorize.searchParams.get(name);
    if (value !== null) form.set(name, value);
  }
  form.set('workspace_id', opts.workspaceId ?? notion.workspaces()[0]!.id);
  for (const id of opts.share ?? []) form.append('share', id);
  form.set('decision', opts.decision ?? 'allow');
  const decided = await fetch(new URL('/v1/oauth/authorize', notion.url), {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  if (decided.status !== 302) throw new Error(`consent decision answered ${decided.status}`);
  return decided.headers.get('location')!;
}
