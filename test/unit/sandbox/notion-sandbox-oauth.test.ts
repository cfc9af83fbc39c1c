import { UnknownHTTPResponseError } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import {
  authorizeQuery,
  CLIENT_ID,
  CLIENT_SECRET,
  connect,
  consentFields,
  notion,
  obtainCode,
  REDIRECT_URI,
  submitConsent,
} from './notion-test-helpers.js';

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<UnknownHTTPResponseError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof UnknownHTTPResponseError)) throw new Error('expected an UnknownHTTPResponseError rejection');
  return outcome;
}

describe('notion sandbox: OAuth', () => {
  let sandbox: NotionSandbox;
  let clock = Date.now();
  let wsId: string;

  beforeAll(async () => {
    sandbox = await startNotionSandbox({
      clients: [
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'Tweet <Saver>' },
        { clientId: 'client-2', clientSecret: 'secret-2', redirectUris: ['http://127.0.0.1:9/other'] },
      ],
      now: () => clock,
    });
    wsId = sandbox.addWorkspace({
      name: 'Acme & "Co"',
      icon: '🚀',
      owner: { name: 'Ada', email: 'ada@example.com' },
    }).id;
    sandbox.addTable(wsId, { title: 'Reading <list>', properties: { Name: 'title', URL: 'url' } });
    sandbox.addPage(wsId, { title: 'Inbox' });
  });
  afterAll(() => sandbox.close());

  it('shows an escaped, self-contained consent page', async () => {
    const res = await fetch(`${sandbox.url}/v1/oauth/authorize?${authorizeQuery()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Tweet &lt;Saver&gt; wants to access Acme &amp; &quot;Co&quot;');
    expect(html).toContain('Reading &lt;list&gt;');
    expect(html).not.toContain('<Saver>');
    expect(html).toMatch(/<input type="radio" id="ws-0" name="workspace_id" value="[0-9a-f-]{36}" checked>/);
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('value="allow"');
    expect(html).toContain('value="cancel"');
  });

  it.each([
    ['a redirect_uri that is not registered', { redirect_uri: 'http://evil.example/cb' }],
    ['an unknown client', { client_id: 'nope' }],
    ['response_type other than code', { response_type: 'token' }],
    ['owner other than user', { owner: 'workspace' }],
  ])('answers %s with a 400 page and no redirect', async (_label, override) => {
    const res = await fetch(`${sandbox.url}/v1/oauth/authorize?${authorizeQuery(override)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('refuses a consent post whose redirect_uri was tampered with, without redirecting', async () => {
    const fields = consentFields(wsId, 'allow').map(([k, v]): [string, string] => [
      k,
      k === 'redirect_uri' ? 'http://evil.example/cb' : v,
    ]);
    const res = await submitConsent(sandbox, fields);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses an unknown workspace and unknown form fields', async () => {
    const unknownWs = await submitConsent(sandbox, consentFields('00000000-0000-0000-0000-000000000000', 'allow'));
    expect(unknownWs.status).toBe(400);
    const extra = await submitConsent(sandbox, [...consentFields(wsId, 'allow'), ['next', 'http://evil.example']]);
    expect(extra.status).toBe(400);
  });

  it('works when its own form is submitted as a browser would', async () => {
    const html = await (await fetch(`${sandbox.url}/v1/oauth/authorize?${authorizeQuery()}`)).text();
    const fields: [string, string][] = [];
    for (const m of html.matchAll(
      /<input type="(hidden|radio|checkbox)"[^>]*?name="([^"]+)" value="([^"]*)"([^>]*)>/g,
    )) {
      const [, type, name, value, rest] = m;
      if (type === 'hidden' || rest!.includes('checked')) fields.push([name!, value!.replace(/&amp;/g, '&')]);
    }
    fields.push(['decision', 'allow']);
    const res = await submitConsent(sandbox, fields);
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code')!;
    const token = await notion(sandbox).oauth.token({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    const found = await notion(sandbox, token.access_token).search({});
    expect(found.results.map((r) => r.object).sort()).toEqual(['data_source', 'page']);
  });

  it('shares nothing when the user unticks every box, and refuses unknown ids', async () => {
    const code = await obtainCode(sandbox, wsId, ['']);
    const token = await notion(sandbox).oauth.token({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    await expect(notion(sandbox, token.access_token).search({})).resolves.toMatchObject({ results: [] });
    const res = await submitConsent(sandbox, consentFields(wsId, 'allow', ['11111111-1111-1111-1111-111111111111']));
    expect(res.status).toBe(400);
  });

  it('redirects Cancel to access_denied with the state', async () => {
    const res = await submitConsent(sandbox, consentFields(wsId, 'cancel'));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('omits state from the redirect when none was given', async () => {
    const res = await submitConsent(sandbox, consentFields(wsId, 'allow', undefined, ''));
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.has('state')).toBe(false);
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('exchanges a code exactly once', async () => {
    const before = sandbox.tokenExchanges();
    const code = await obtainCode(sandbox, wsId);
    const oauth = notion(sandbox).oauth;
    const args = {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'authorization_code' as const,
      code,
      redirect_uri: REDIRECT_URI,
    };
    const token = await oauth.token(args);
    expect(token.access_token).toMatch(/^ntn_/);
    expect(token.refresh_token).toMatch(/^nrt_/);
    expect(token).toMatchObject({
      token_type: 'bearer',
      workspace_id: wsId,
      workspace_name: 'Acme & "Co"',
      workspace_icon: '🚀',
      duplicated_template_id: null,
      owner: {
        type: 'user',
        user: { object: 'user', type: 'person', name: 'Ada', avatar_url: null, person: { email: 'ada@example.com' } },
      },
    });
    expect(token.bot_id).toMatch(/^[0-9a-f-]{36}$/);

    const replay = oauth.token(args);
    await expect(replay).rejects.toBeInstanceOf(UnknownHTTPResponseError);
    await expect(replay).rejects.toMatchObject({ status: 400 });
    const err = await rejection(replay);
    expect(JSON.parse(err.body)).toMatchObject({
      object: 'error',
      status: 400,
      code: 'invalid_grant',
      message: 'Invalid code: this code has been revoked.',
    });
    expect(sandbox.tokenExchanges()).toBe(before + 1);
  });

  it('rejects a wrong client secret with 401 invalid_client and keeps the code usable', async () => {
    const code = await obtainCode(sandbox, wsId);
    const oauth = notion(sandbox).oauth;
    const bad = oauth.token({
      client_id: CLIENT_ID,
      client_secret: 'wrong',
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    await expect(bad).rejects.toMatchObject({ status: 401 });
    const err = await rejection(bad);
    expect(JSON.parse(err.body)).toMatchObject({ code: 'invalid_client' });
    await expect(
      oauth.token({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      }),
    ).resolves.toBeTruthy();
  });

  it('rejects a code at another client, a mismatched or missing redirect_uri, and a missing code', async () => {
    const code = await obtainCode(sandbox, wsId);
    const oauth = notion(sandbox).oauth;
    await expect(
      oauth.token({
        client_id: 'client-2',
        client_secret: 'secret-2',
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      }),
    ).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_grant') });
    await expect(
      oauth.token({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/x',
      }),
    ).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_grant') });
    await expect(
      oauth.token({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code }),
    ).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_request') });
    await expect(
      oauth.token({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code: '' }),
    ).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_request') });
  });

  it('rejects an expired code', async () => {
    const code = await obtainCode(sandbox, wsId);
    clock += 10 * 60_000 + 1;
    await expect(
      notion(sandbox).oauth.token({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      }),
    ).rejects.toMatchObject({ status: 400, body: expect.stringContaining('invalid_grant') });
  });

  it('rejects unsupported grant types', async () => {
    const res = await fetch(`${sandbox.url}/v1/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'password' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ object: 'error', code: 'unsupported_grant_type' });
  });

  it('refreshes: new tokens work, old ones die', async () => {
    const first = await connect(sandbox, wsId);
    const refreshed = await notion(sandbox).oauth.token({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
    });
    expect(refreshed.bot_id).toBe(first.bot_id);
    expect(refreshed.access_token).not.toBe(first.access_token);
    await expect(notion(sandbox, refreshed.access_token).search({})).resolves.toMatchObject({ object: 'list' });
    await expect(notion(sandbox, first.access_token).search({})).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    await expect(
      notion(sandbox).oauth.token({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token!,
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('revokes and introspects tokens', async () => {
    const ws = sandbox.addWorkspace({ name: 'Revocation' }).id;
    const token = await connect(sandbox, ws);
    const oauth = notion(sandbox).oauth;
    expect(sandbox.activeTokenCount(ws)).toBe(1);
    await expect(
      oauth.introspect({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: token.access_token }),
    ).resolves.toMatchObject({ active: true });
    await expect(
      oauth.revoke({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: token.access_token }),
    ).resolves.toBeTruthy();
    expect(sandbox.activeTokenCount(ws)).toBe(0);
    await expect(
      oauth.introspect({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: token.access_token }),
    ).resolves.toMatchObject({ active: false });
    await expect(notion(sandbox, token.access_token).search({})).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
  });

  it('logs requests with the grant type but no secrets', async () => {
    await connect(sandbox, wsId);
    const tokenCalls = sandbox.requests.filter((r) => r.path === '/v1/oauth/token');
    expect(tokenCalls.at(-1)).toMatchObject({ method: 'POST', grantType: 'authorization_code' });
    const logged = JSON.stringify(sandbox.requests);
    expect(logged).not.toMatch(/ntn_|nrt_|code=|st-123/);
  });
});

describe('notion sandbox: consent page, pages and tables with the same title', () => {
  it('names the page each page or table sits in, escaped', async () => {
    const sandbox = await startNotionSandbox({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    });
    try {
      const ws = sandbox.addWorkspace({ name: 'Acme' }).id;
      sandbox.addTable(ws, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text' } });
      const wiki = sandbox.addPage(ws, { title: 'Team <wiki>' });
      sandbox.addPage(ws, { title: 'Notes', parentPageId: wiki.pageId });
      sandbox.addTable(ws, {
        title: 'Tweets',
        properties: { Name: 'title', Tweet: 'rich_text' },
        parentPageId: wiki.pageId,
      });

      const html = await (await fetch(`${sandbox.url}/v1/oauth/authorize?${authorizeQuery()}`)).text();
      const items = [...html.matchAll(/<span>([^<]*)<span class="kind">([^<]*)<\/span><\/span>/g)].map(
        (m) => `${m[1]} | ${m[2]}`,
      );
      expect(items).toEqual([
        'Team &lt;wiki&gt; | Page',
        'Notes | Page in Team &lt;wiki&gt;',
        'Tweets | Table',
        'Tweets | Table in Team &lt;wiki&gt;',
      ]);
      expect(sandbox.tables(ws).map((t) => t.parentPage)).toEqual([
        undefined,
        { id: wiki.pageId, title: 'Team <wiki>' },
      ]);
    } finally {
      await sandbox.close();
    }
  });
});
