import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { SandboxRefusedError, startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox-mode.js';
import { startProduct, TEST_CLIENT, waitFor } from '../../helpers/product.js';

const testEnv = () => ({
  PORT: '0',
  STORE_URL: 'memory://',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/** A raw request, so the Host header can be anything (fetch does not let a caller set it). */
function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('startSandbox refuses to run outside development', () => {
  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['real Slack credentials', { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-real' }],
    ['a real Notion client id', { NOTION_CLIENT_ID: 'id', NOTION_CLIENT_SECRET: 'secret' }],
  ])('with %s', async (_name, env) => {
    await expect(startSandbox(env, { env: testEnv() })).rejects.toBeInstanceOf(SandboxRefusedError);
  });

  it('also when production comes in through the overrides', async () => {
    await expect(startSandbox({}, { env: { ...testEnv(), NODE_ENV: 'production' } })).rejects.toThrow(
      /NODE_ENV=production/,
    );
  });
});

describe('sandbox routes', () => {
  let sandbox: RunningSandbox;
  let base: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ NODE_ENV: 'test' }, { env: testEnv() });
    base = sandbox.app.publicUrl;
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('serves the page with a strict CSP and same-origin assets only', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<label for="composer-input"');
    // Besides in-page anchors and the inline (data:) icon, only the two same-origin assets.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((u) => !u.startsWith('#') && !u.startsWith('data:'));
    expect(urls).toEqual(['/sandbox/app.css', '/sandbox/app.js']);
    for (const asset of ['/sandbox/app.css', '/sandbox/app.js'])
      expect((await fetch(`${base}${asset}`)).status).toBe(200);
  });

  it('answers only loopback and public host names (DNS rebinding)', async () => {
    const port = new URL(base).port;
    expect((await rawRequest(`http://127.0.0.1:${port}/`, { headers: { host: `localhost:${port}` } })).status).toBe(
      200,
    );
    expect((await rawRequest(`http://127.0.0.1:${port}/`, { headers: { host: `127.0.0.1:${port}` } })).status).toBe(
      200,
    );
    for (const path of ['/', '/sandbox/api/state']) {
      expect(
        (await rawRequest(`http://127.0.0.1:${port}${path}`, { headers: { host: 'attacker.example' } })).status,
      ).toBe(421);
    }
  });

  it('takes actions only as same-origin JSON, and sends them to Bolt as signed requests', async () => {
    const post = (headers: Record<string, string>, body = JSON.stringify({ text: '/notion-connect' })) =>
      fetch(`${base}/sandbox/api/command`, { method: 'POST', headers, body });
    const calls = sandbox.slack.calls.length;
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'text=%2Fnotion-connect')).status).toBe(
      403,
    );
    expect((await post({ 'content-type': 'application/json', origin: 'http://attacker.example' })).status).toBe(403);
    expect((await post({ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'content-type': 'application/json' }, '{"text": 42}')).status).toBe(400);
    expect(sandbox.slack.calls.length).toBe(calls);

    const ok = await post({ 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' });
    expect(await ok.json()).toEqual({ ok: true });
    const dm = await waitFor(() => sandbox.session.view().dms[0], { what: 'the connect DM' });
    expect(dm.html).toContain('/oauth/notion/start?t=');
    expect(sandbox.session.view().channel.some((m) => m.html.includes('Check your DMs'))).toBe(true);
  });

  it('sends what the visitor types in the DM pane to Bolt as a signed message.im event; the answer shows below it', async () => {
    const post = (headers: Record<string, string>, text: string) =>
      fetch(`${base}/sandbox/api/dm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ text }),
      });
    const calls = sandbox.slack.calls.length;
    expect((await post({ origin: 'http://attacker.example' }, 'https://x.com/jack/status/20')).status).toBe(403);
    const command = await post({}, '/notion-connect');
    expect(command.status).toBe(400);
    expect(((await command.json()) as { error: string }).error).toMatch(/#general/);
    expect(sandbox.slack.calls.length).toBe(calls);

    const ok = await post({ origin: base, 'sec-fetch-site': 'same-origin' }, 'https://x.com/jack/status/20');
    expect(await ok.json()).toEqual({ ok: true });
    // Not connected yet: the app answers in its DM channel with a connect link, as it does for a real message.im.
    const im = sandbox.slack.imChannelFor('U0SANDBOXYOU');
    const reply = await waitFor(
      () => sandbox.slack.messagesTo(im).find((m) => m.text?.includes('Connect your Notion first')),
      { what: 'the DM answer' },
    );
    expect(reply.via).toBe('chat.postMessage');
    const dms = sandbox.session.view().dms;
    const mine = dms.findIndex((m) => m.id.startsWith('you:'));
    expect(mine).toBeGreaterThanOrEqual(0);
    expect(dms[mine]!.html).toContain('>https://x.com/jack/status/20</a>');
    expect(dms.findIndex((m) => m.html.includes('Connect your Notion first'))).toBeGreaterThan(mine);
  });

  it('keeps Notion links on the page: tables and rows jump to the Notion pane, labelled with their page', async () => {
    const acme = sandbox.notion.workspaces().find((w) => w.name === 'Acme Sandbox')!;
    const tweets = sandbox.tables.find((t) => t.title === 'Tweets')!;
    const projects = sandbox.notion.addPage(acme.id, { title: 'Projects' });
    const copy = sandbox.notion.addTable(acme.id, {
      title: 'Tweets',
      properties: { Name: 'title', Tweet: 'rich_text' },
      parentPageId: projects.pageId,
    });
    const compact = (id: string) => id.replace(/-/g, '');

    // Two "Tweets" tables: the one in a page says so.
    const tables = sandbox.session.view().tables;
    const shown = tables.find((t) => t.id === `table-${copy.dataSourceId}`)!;
    expect(shown.html).toContain('aria-label="Notion table Tweets in Projects, Acme Sandbox"');
    expect(shown.html).toContain('<span class="nt-meta">Projects · Acme Sandbox · 0 rows</span>');
    expect(tables.find((t) => t.id === `table-${tweets.dataSourceId}`)!.html).toContain(
      '<span class="nt-meta">Acme Sandbox · 0 rows</span>',
    );

    // Data source and database URLs, in the forms Notion writes them, jump to the table; other Notion pages to the pane.
    const text = [
      `https://www.notion.so/${compact(tweets.dataSourceId)}`,
      `https://www.notion.so/acme/Tweets-${compact(copy.databaseId)}?v=1`,
      `https://www.notion.so/${compact(projects.pageId)}`,
      'https://example.com/elsewhere',
    ].join(' ');
    expect(
      (
        await fetch(`${base}/sandbox/api/dm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        })
      ).status,
    ).toBe(200);
    const mine = sandbox.session
      .view()
      .dms.filter((m) => m.id.startsWith('you:'))
      .at(-1)!;
    const hrefs = [...mine.html.matchAll(/<a href="([^"]+)"( target="_blank")?/g)].map(
      (m) => `${m[1]}${m[2] ? ' (new tab)' : ''}`,
    );
    expect(hrefs).toEqual([
      `#table-${tweets.dataSourceId}`,
      `#table-${copy.dataSourceId}`,
      '#notion',
      'https://example.com/elsewhere (new tab)',
    ]);
    expect(mine.html).not.toContain('notion.so"');
  });

  it('rejects block actions the bot never offered', async () => {
    const res = await fetch(`${base}/sandbox/api/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageKey: 'dm:1.000001', actionId: 'undo_save', value: 'x' }),
    });
    expect(res.status).toBe(400);
  });

  it('never puts a secret in the page state', async () => {
    const state = await (await fetch(`${base}/sandbox/api/state`)).text();
    const { slack, notion } = sandbox.config;
    for (const secret of [slack!.signingSecret, slack!.botToken, notion.clientSecret!])
      expect(state).not.toContain(secret);
    expect(state).not.toContain('/response/');
  });
});

describe('normal mode', () => {
  it('registers no sandbox routes', async () => {
    const notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const product = await startProduct({ notion });
    try {
      for (const path of ['/', '/sandbox/api/state', '/sandbox/app.js'])
        expect((await fetch(`${product.url}${path}`)).status).toBe(404);
    } finally {
      await product.stop();
      await notion.close();
    }
  });
});
