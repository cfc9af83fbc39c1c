import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import type { ConnectedNotice, SaveOutcome } from '../../../src/core/outcomes.js';
import { stateCookieName } from '../../../src/oauth/browser-cookies.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { completeConnect, confirmConnectLink, visitConnectLink } from '../../helpers/connect-flow.js';
import { kim, sam } from '../../helpers/fixtures.js';
import { startProduct, TEST_CLIENT, type Product } from '../../helpers/product.js';
import { startWorld, type World } from '../../helpers/world.js';

function richText(row: { properties: Record<string, unknown> }, name: string): string {
  const prop = row.properties[name] as { rich_text?: { plain_text: string }[]; title?: { plain_text: string }[] };
  return (prop.rich_text ?? prop.title ?? []).map((t) => t.plain_text).join('');
}

describe('connect and save through the real HTTP server', () => {
  let world: World;
  let notion: NotionSandbox;
  let product: Product;
  let notices: { user: ChatUser; notice: ConnectedNotice }[];
  let acme: { id: string };
  let tweets: { dataSourceId: string };

  beforeEach(async () => {
    // The table from Notion's own public-integration tutorial: no configuration needed.
    world = await startWorld({ table: { title: 'Twitter', properties: { handle: 'title', tweet: 'rich_text' } } });
    ({ notion, product, acme, table: tweets } = world);
    notices = [];
    for (const platform of ['slack', 'discord'] as const) {
      product.app.core.registerNotifier(platform, {
        notifyConnected: async (user, notice) => void notices.push({ user, notice }),
        notifyReconnectNeeded: async () => undefined,
        deliverSaveResult: async () => undefined,
      });
    }
  });
  afterEach(() => world.stop());

  async function connect(user: ChatUser, opts: Parameters<typeof completeConnect>[2] = {}) {
    const link = await product.app.core.connectUser(user);
    const page = await completeConnect(link.url, notion, opts);
    await product.app.core.idle();
    return page;
  }

  async function save(user: ChatUser, text: string): Promise<SaveOutcome> {
    const ticket = await product.app.core.saveTweet(user, { text });
    return product.app.core.saveResult(ticket);
  }

  it('connects, names the workspace and the chat account, notifies, and saves a row', async () => {
    const link = await product.app.core.connectUser(sam);
    expect(link.url).toMatch(new RegExp(`^${product.url}/oauth/notion/start\\?t=[A-Za-z0-9_-]{43}$`));
    expect(link.current).toEqual({ connected: false });

    const { callback, callbackUrl } = await visitConnectLink(link.url, notion);
    expect(new URL(callbackUrl).pathname).toBe('/oauth/notion/callback');
    expect(callback.status).toBe(200);
    expect(callback.headers.get('referrer-policy')).toBe('no-referrer');
    expect(callback.headers.get('cache-control')).toBe('no-store');
    const html = await callback.text();
    expect(html).toContain('Notion workspace Acme is now connected to @sam on Slack. You can close this tab.');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3)/i);
    expect(html).not.toContain('ntn_');

    await product.app.core.idle();
    expect(notices).toEqual([
      {
        user: sam,
        notice: { workspaceName: 'Acme', status: { kind: 'ready', table: 'Twitter', url: expect.any(String) } },
      },
    ]);

    const outcome = await save(sam, 'https://x.com/jack/status/20');
    expect(outcome).toMatchObject({ kind: 'saved', table: 'Twitter', textMissing: false, pageId: expect.any(String) });
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(richText(rows[0]!, 'handle')).toBe('@jack');
    expect(richText(rows[0]!, 'tweet')).toContain('just setting up my twttr');
    expect(outcome.kind === 'saved' && outcome.pageUrl).toBe(rows[0]!.url);
  });

  it('maps Tweet / Link / Saved columns and saves the link and the time', async () => {
    const ws = notion.addWorkspace({ name: 'Reading list' });
    const t = notion.addTable(ws.id, {
      title: 'Tweets',
      properties: {
        Name: 'title',
        Tweet: 'rich_text',
        Notes: 'rich_text',
        Link: 'url',
        Saved: 'date',
        Tags: 'multi_select',
      },
    });
    await connect(kim, { workspaceId: ws.id });
    const outcome = await save(
      kim,
      '@naval How to get rich without getting lucky https://twitter.com/naval/status/1002103360646823936?s=20',
    );
    expect(outcome.kind).toBe('saved');
    const [row] = notion.rows(t.dataSourceId);
    expect(richText(row!, 'Name')).toBe('@naval');
    expect(richText(row!, 'Tweet')).toBe('How to get rich without getting lucky');
    expect(row!.properties.Link).toMatchObject({ url: 'https://x.com/naval/status/1002103360646823936' });
    expect((row!.properties.Saved as { date: { start: string } }).date.start).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('splits text over 2,000 characters into several rich text items, without losing any', async () => {
    await connect(sam);
    const long = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    expect(long.length).toBeGreaterThan(4000);
    const outcome = await save(sam, `@jack ${long}`);
    expect(outcome.kind).toBe('saved');
    const [row] = notion.rows(tweets.dataSourceId);
    const items = (row!.properties.tweet as { rich_text: { plain_text: string }[] }).rich_text;
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.map((i) => i.plain_text).join('')).toContain(long);
  });

  it('saves the link and says so when the text cannot be fetched', async () => {
    await connect(sam);
    const outcome = await save(sam, 'https://x.com/someone/status/123456789');
    expect(outcome).toMatchObject({ kind: 'saved', textMissing: true });
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
  });

  it('keeps two users with two workspaces apart', async () => {
    const other = notion.addWorkspace({ name: 'Kim HQ' });
    const kimTable = notion.addTable(other.id, {
      title: 'Saved tweets',
      properties: { Name: 'title', Tweet: 'rich_text' },
    });
    await connect(sam, { workspaceId: acme.id });
    await connect(kim, { workspaceId: other.id });
    expect(await save(sam, '@sam_a first')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    expect(await save(kim, '@kim_b second')).toMatchObject({ kind: 'saved', table: 'Saved tweets' });
    expect(notion.rows(tweets.dataSourceId).map((r) => richText(r, 'handle'))).toEqual(['@sam_a']);
    expect(notion.rows(kimTable.dataSourceId).map((r) => richText(r, 'Name'))).toEqual(['@kim_b']);
    const status = await product.app.core.connectionStatus(kim);
    expect(status).toMatchObject({ connected: true, workspaceName: 'Kim HQ' });
  });

  it('offers the connect link to a user who is not connected', async () => {
    const outcome = await save(sam, 'https://x.com/jack/status/20');
    expect(outcome.kind).toBe('not_connected');
    expect(outcome.kind === 'not_connected' && outcome.connectUrl).toMatch(/\/oauth\/notion\/start\?t=/);
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(0);
  });

  it('answers input that holds no tweet at once, without touching Notion', async () => {
    await connect(sam);
    const before = notion.requests.length;
    for (const [text, reason] of [
      ['', 'empty'],
      ['https://example.com/article', 'not_tweet_link'],
      ['just some words', 'no_tweet'],
    ] as const) {
      const ticket = await product.app.core.saveTweet(sam, { text });
      expect(ticket.outcome).toEqual({ kind: 'no_tweet', reason });
    }
    expect(notion.requests.length).toBe(before);
  });

  it('asks to reconnect when Notion revokes the token, and keeps the tweet for after the reconnect', async () => {
    await connect(sam);
    notion.revokeWorkspaceAccess(acme.id);
    const outcome = await save(sam, '@jack hello');
    expect(outcome).toMatchObject({
      kind: 'reconnect',
      kept: true,
      connectUrl: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
    });
    expect(await product.app.core.connectionStatus(sam)).toMatchObject({ connected: true, needsReconnect: true });
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(0);
  });

  it('asks for a choice when several tables are shared, and saves to the chosen one', async () => {
    const second = notion.addTable(acme.id, {
      title: 'Inspiration',
      properties: { Name: 'title', Tweet: 'rich_text' },
    });
    await connect(sam);
    expect(notices[0]!.notice.status).toMatchObject({
      kind: 'choose',
      tables: expect.arrayContaining([{ id: second.dataSourceId, title: 'Inspiration' }]),
    });
    const outcome = await save(sam, '@jack hi');
    expect(outcome).toMatchObject({ kind: 'needs_table', status: { kind: 'choose' } });
    expect(await product.app.core.chooseTarget(sam, second.dataSourceId)).toMatchObject({
      kind: 'ready',
      table: 'Inspiration',
    });
    expect(await save(sam, '@jack hi')).toMatchObject({ kind: 'saved', table: 'Inspiration' });
    expect(notion.rows(second.dataSourceId)).toHaveLength(1);
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(0);
  });

  it('names the column to add when the table cannot take a tweet, and works once it is added', async () => {
    const ws = notion.addWorkspace({ name: 'Bare' });
    const bare = notion.addTable(ws.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await connect(kim, { workspaceId: ws.id });
    expect(notices[0]!.notice.status).toEqual({
      kind: 'unusable',
      table: 'Links',
      missing: { name: 'Tweet', type: 'Text' },
    });
    expect(await save(kim, '@jack hi')).toEqual({
      kind: 'needs_table',
      status: { kind: 'unusable', table: 'Links', missing: { name: 'Tweet', type: 'Text' } },
      kept: true,
    });
    notion.addProperty(bare.dataSourceId, 'Tweet', 'rich_text');
    expect(await save(kim, '@jack hi')).toMatchObject({ kind: 'saved', table: 'Links' });
    await product.app.core.idle();
    expect(notion.rows(bare.dataSourceId)).toHaveLength(1);
  });

  it('re-discovers the mapping when a column was renamed in Notion', async () => {
    await connect(sam);
    expect(await save(sam, '@jack one')).toMatchObject({ kind: 'saved' });
    notion.renameProperty(tweets.dataSourceId, 'tweet', 'Tweet');
    expect(await save(sam, '@jack two')).toMatchObject({ kind: 'saved' });
    const rows = notion.rows(tweets.dataSourceId);
    expect(richText(rows[1]!, 'Tweet')).toBe('two');
  });

  it('rides out a short rate limit and a long one: the save waits, it is never failed (issue 12)', async () => {
    await connect(sam);
    notion.rateLimitNext(1, 0);
    expect(await save(sam, '@jack once')).toMatchObject({ kind: 'saved' });
    notion.rateLimitNext(10, 0);
    expect(await save(sam, '@jack twice')).toMatchObject({ kind: 'saved' });
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(2);
  });

  it('disconnect revokes the token at Notion and forgets the connection', async () => {
    await connect(sam);
    expect(notion.activeTokenCount(acme.id)).toBe(1);
    expect(await product.app.core.disconnectUser(sam)).toEqual({ wasConnected: true, workspaceName: 'Acme' });
    expect(notion.activeTokenCount(acme.id)).toBe(0);
    expect(await product.app.core.connectionStatus(sam)).toEqual({ connected: false });
  });
});

describe('the OAuth callback refuses anything but its own flow', () => {
  let notion: NotionSandbox;
  let product: Product;

  beforeAll(async () => {
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Acme' });
    notion.addTable(ws.id, { title: 'Twitter', properties: { handle: 'title', tweet: 'rich_text' } });
    product = await startProduct({ notion });
  });
  afterAll(async () => {
    await product.stop();
    await notion.close();
  });

  async function consentOnly(user: ChatUser) {
    // Runs the flow up to Notion's redirect, without following it.
    const link = await product.app.core.connectUser(user);
    const { res: start, stateCookie: cookie } = await confirmConnectLink(link.url);
    const authorize = new URL(start.headers.get('location')!);
    const form = new URLSearchParams({ decision: 'allow', workspace_id: notion.workspaces()[0]!.id });
    for (const k of ['client_id', 'redirect_uri', 'state', 'response_type', 'owner'])
      form.set(k, authorize.searchParams.get(k)!);
    const decided = await fetch(new URL('/v1/oauth/authorize', notion.url), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const setCookie = start.headers.getSetCookie().find((c) => c.startsWith(cookie))!;
    return { cookie, callbackUrl: new URL(decided.headers.get('location')!), authorize, setCookie };
  }

  it('sends the registered redirect URI, response_type=code, owner=user and a fresh state, bound to an HttpOnly Lax cookie', async () => {
    const a = await consentOnly(sam);
    const b = await consentOnly(sam);
    expect(a.authorize.origin + a.authorize.pathname).toBe(`${notion.url}/v1/oauth/authorize`);
    expect(Object.fromEntries(a.authorize.searchParams)).toMatchObject({
      client_id: TEST_CLIENT.clientId,
      response_type: 'code',
      owner: 'user',
      redirect_uri: product.app.redirectUri,
    });
    expect(a.authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.authorize.searchParams.get('state')).not.toBe(b.authorize.searchParams.get('state'));
    expect(a.setCookie).toMatch(/HttpOnly/);
    expect(a.setCookie).toMatch(/SameSite=Lax/);
    expect(a.setCookie).not.toMatch(/Secure/); // http://localhost
  });

  it('a connect link works once', async () => {
    const link = await product.app.core.connectUser(sam);
    expect((await confirmConnectLink(link.url)).res.status).toBe(303);
    const again = await fetch(link.url, { redirect: 'manual' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('expired or was already used');
    // Nor can the confirmation be posted again with the old page's token.
    const replay = await confirmConnectLink(link.url);
    expect(replay.res.status).toBe(400);
  });

  it('a link preview bot does not spend the link', async () => {
    const link = await product.app.core.connectUser(sam);
    const preview = await fetch(link.url, {
      redirect: 'manual',
      headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
    });
    expect(preview.status).toBe(200);
    expect((await confirmConnectLink(link.url)).res.status).toBe(303);
  });

  it("rejects a valid state without its cookie, or with another browser's cookie, before any token exchange", async () => {
    const exchanges = notion.tokenExchanges();
    const { callbackUrl } = await consentOnly(sam);
    const other = await consentOnly(sam);
    const missing = await fetch(callbackUrl, { redirect: 'manual' });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('same browser');
    const wrong = await fetch(callbackUrl, { headers: { cookie: other.cookie }, redirect: 'manual' });
    expect(wrong.status).toBe(403);
    expect(notion.tokenExchanges()).toBe(exchanges);
  });

  it('a replayed callback exchanges the code once', async () => {
    const exchanges = notion.tokenExchanges();
    const { cookie, callbackUrl } = await consentOnly(kim);
    const first = await fetch(callbackUrl, { headers: { cookie } });
    expect(first.status).toBe(200);
    const replay = await fetch(callbackUrl, { headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('expired or was already completed');
    expect(notion.tokenExchanges()).toBe(exchanges + 1);
  });

  it.each([
    [
      'tampered state',
      (u: URL) =>
        u.searchParams.set(
          'state',
          u.searchParams.get('state')!.slice(0, -1) + (u.searchParams.get('state')!.endsWith('A') ? 'B' : 'A'),
        ),
      403,
    ],
    ['malformed state', (u: URL) => u.searchParams.set('state', 'short'), 400],
    ['repeated state', (u: URL) => u.searchParams.append('state', u.searchParams.get('state')!), 400],
    ['repeated code', (u: URL) => u.searchParams.append('code', 'abcdefgh12345'), 400],
    ['missing code', (u: URL) => u.searchParams.delete('code'), 400],
    ['code with bad characters', (u: URL) => u.searchParams.set('code', '<script>alert(1)</script>'), 400],
  ])('rejects a %s and changes nothing', async (_name, mutate, status) => {
    const exchanges = notion.tokenExchanges();
    const { cookie, callbackUrl } = await consentOnly(sam);
    mutate(callbackUrl);
    const res = await fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(notion.tokenExchanges()).toBe(exchanges);
  });

  it('an unknown state, even with a matching cookie, is refused', async () => {
    const state = 'A'.repeat(43);
    const cookie = `${stateCookieName(state, false)}=${state}`;
    const url = `${product.url}/oauth/notion/callback?code=abcdefgh123&state=${state}`;
    const res = await fetch(url, { headers: { cookie } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired or was already completed');
  });

  it('shows a friendly page when the user cancels at Notion, and connects nothing', async () => {
    const user: ChatUser = { platform: 'slack', teamId: 'T9', userId: 'U9' };
    const link = await product.app.core.connectUser(user);
    const res = await completeConnect(link.url, notion, { decision: 'cancel' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Connection cancelled');
    expect(await product.app.core.connectionStatus(user)).toEqual({ connected: false });
  });

  it('Cancel while already connected: the page does not read as a disconnect, and the connection stays', async () => {
    expect((await completeConnect((await product.app.core.connectUser(sam)).url, notion)).status).toBe(200);
    await product.app.core.idle();
    const before = await product.app.core.connectionStatus(sam);
    const res = await completeConnect((await product.app.core.connectUser(sam)).url, notion, { decision: 'cancel' });
    expect(res.status).toBe(403);
    const page = await res.text();
    expect(page).toContain(
      'nothing was connected this time and nothing was changed: a connection you already had stays as it was.',
    );
    expect(await product.app.core.connectionStatus(sam)).toEqual(before);
    expect(
      (await await product.app.core.saveResult(await product.app.core.saveTweet(sam, { text: '@jack still here' })))
        .kind,
    ).toBe('saved');
  });

  it('shows its own page when Notion rejects the code (invalid_grant)', async () => {
    const { cookie, callbackUrl } = await consentOnly(sam);
    callbackUrl.searchParams.set('code', 'not-a-code-notion-issued');
    const res = await fetch(callbackUrl, { headers: { cookie } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Notion did not accept this sign-in');
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${product.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('tokens at rest', () => {
  it('stores nothing readable in the SQLite file, and a value copied under another user does not decrypt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stn-e2e-'));
    const file = join(dir, 'store.sqlite');
    const notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Secret Garden' });
    notion.addTable(ws.id, { title: 'Twitter', properties: { handle: 'title', tweet: 'rich_text' } });
    const product = await startProduct({ notion, env: { STORE_URL: `sqlite://${file}` } });
    try {
      await completeConnect((await product.app.core.connectUser(sam)).url, notion);
      await product.app.core.idle();
      const raw = readFileSync(file);
      expect(raw.includes('ntn_')).toBe(false);
      expect(raw.includes('nrt_')).toBe(false);
      expect(raw.includes('Secret Garden')).toBe(false);

      // Copy sam's encrypted record under kim's key, as someone with write access to the store might.
      const sqlite3 = (await import('sqlite3')).default;
      const db = new sqlite3.Database(file);
      const all = (sql: string, params: unknown[] = []) =>
        new Promise<{ key: string; value: string }[]>((resolve, reject) =>
          db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as never))),
        );
      const rows = await all('SELECT key, value FROM keyv');
      const samRow = rows.find((r) => r.key.includes('connection:slack:T1:U1'))!;
      expect(samRow).toBeDefined();
      const kimKey = samRow.key.replace('connection:slack:T1:U1', `connection:discord:${kim.userId}`);
      await all('INSERT INTO keyv (key, value) VALUES (?, ?)', [kimKey, samRow.value]);
      db.close();

      const outcome = await await product.app.core.saveResult(
        await product.app.core.saveTweet(kim, { text: '@jack hi' }),
      );
      expect(outcome).toEqual({ kind: 'failed', reason: 'store_unreadable' });
      await expect(product.app.core.connectionStatus(kim)).rejects.toThrow(/could not be decrypted/);
    } finally {
      await product.stop();
      await notion.close();
    }
  });
});
