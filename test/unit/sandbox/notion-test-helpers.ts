import { Client, LogLevel } from '@notionhq/client';
import type { NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';

export const CLIENT_ID = 'client-1';
export const CLIENT_SECRET = 'secret-1';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** The real SDK pointed at the sandbox, without retries so 429s surface. */
export function notion(sandbox: NotionSandbox, auth?: string): Client {
  return new Client({ baseUrl: sandbox.url, auth, retry: false, logLevel: LogLevel.ERROR });
}

/** Query string of a valid authorize URL, with overrides (undefined drops a parameter). */
export function authorizeQuery(overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    owner: 'user',
    state: 'st-123',
    ...overrides,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return q.toString();
}

/** Submits the consent form as a browser would, without following the redirect. */
export async function submitConsent(sandbox: NotionSandbox, fields: [string, string][]): Promise<Response> {
  return fetch(`${sandbox.url}/v1/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The standard hidden fields of the consent form plus the user's choices. */
export function consentFields(
  workspaceId: string,
  decision: 'allow' | 'cancel',
  share?: string[],
  state = 'st-123',
): [string, string][] {
  const fields: [string, string][] = [
    ['client_id', CLIENT_ID],
    ['redirect_uri', REDIRECT_URI],
    ['state', state],
    ['response_type', 'code'],
    ['owner', 'user'],
    ['workspace_id', workspaceId],
    ['decision', decision],
  ];
  for (const id of share ?? []) fields.push(['share', id]);
  return fields;
}

/** Runs consent (Allow) and returns the code from the redirect. */
export async function obtainCode(sandbox: NotionSandbox, workspaceId: string, share?: string[]): Promise<string> {
  const res = await submitConsent(sandbox, consentFields(workspaceId, 'allow', share));
  if (res.status !== 302) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
  const location = new URL(res.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  if (!code) throw new Error('no code in redirect');
  return code;
}

/** The full flow: consent then token exchange through the SDK. */
export async function connect(sandbox: NotionSandbox, workspaceId: string, share?: string[]) {
  const code = await obtainCode(sandbox, workspaceId, share);
  return notion(sandbox).oauth.token({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
  });
}

/** Raw API call, for headers and inputs the SDK would never send. */
export function rawApi(
  sandbox: NotionSandbox,
  path: string,
  init: { method?: string; token?: string; version?: string | null; body?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.version !== null) headers['notion-version'] = init.version ?? '2025-09-03';
  return fetch(`${sandbox.url}${path}`, { method: init.method ?? 'POST', headers, body: init.body });
}
