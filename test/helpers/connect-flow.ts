import type { NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';

export interface BrowserVisit {
  /** The product's answer to the callback (the HTML page). */
  callback: Response;
  /** The callback URL the sandbox redirected to (with code/state or error). */
  callbackUrl: string;
  /** The state cookie the product set, as `name=value`. */
  cookie: string;
}

/**
 * Plays the browser: opens the connect link, follows the redirect to Notion's consent page,
 * submits it, and returns to the product's callback with the cookie it set.
 */
export async function visitConnectLink(
  connectUrl: string,
  notion: NotionSandbox,
  opts: { workspaceId?: string; share?: string[]; decision?: 'allow' | 'cancel' } = {},
): Promise<BrowserVisit> {
  const start = await fetch(connectUrl, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`start answered ${start.status}, not a redirect`);
  const setCookie = start.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const authorize = new URL(start.headers.get('location')!);
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
  const callbackUrl = decided.headers.get('location')!;
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
