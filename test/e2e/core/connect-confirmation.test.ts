import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../../src/bots/slack/constants.js';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { eventCallbackBody, imMessageEvent } from '../../../src/sandbox/slack/payloads.js';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';
import { completeConnect, confirmConnectLink, consentAtNotion, cookiesSet } from '../../helpers/connect-flow.js';
import { BOT_TOKEN, kim, slackSamChatUser as sam, SIGNING_SECRET, slackSam } from '../../helpers/fixtures.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';
import { elements, slackDriver, type SlackDriver } from '../../helpers/slack-harness.js';

/**
 * The connect link is a confirmation page (issue 10, items 3, 4 and 9): opening it (GET or HEAD, by a
 * person or a link scanner) names whose link it is and spends nothing; only the page's own POST, from
 * this origin and with the page's form token, goes on to Notion and uses the link up. Each sign-in has
 * a cookie of its own.
 */

const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const titleOf = (html: string) => decode(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '');

describe('the connect link asks first, and only its own POST connects', () => {
  let notion: NotionSandbox;
  let slack: SlackSandbox;
  let product: Product;
  let driver: SlackDriver;

  beforeAll(async () => {
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Acme Notion' });
    notion.addTable(ws.id, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text' } });
    // The Slack workspace the bot is installed in is called "Acme": auth.test says so.
    slack = await startSlackSandbox({ botToken: BOT_TOKEN, teamId: slackSam.teamId, teamName: 'Acme' });
    product = await startProduct({
      notion,
      env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl },
    });
    driver = slackDriver({ notion, slack, product });
  });
  afterAll(async () => {
    await product.stop();
    await slack.close();
    await notion.close();
  });

  const link = async (user: ChatUser) => (await product.app.core.connectUser(user)).url;
  /** The page and the form token it holds, with the cookie it set. */
  async function openPage(url: string) {
    const page = await fetch(url, { redirect: 'manual' });
    const html = await page.text();
    const formToken = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
    return { page, html, formToken, cookie: cookiesSet(page).join('; ') };
  }
  const post = (url: string, headers: Record<string, string>, body: string | URLSearchParams) =>
    fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const stillUsable = async (url: string) => (await completeConnect(url, notion)).status === 200;

  it("/notion-connect in Slack: the page names @sam in Acme's Slack, as Slack said; GET spends nothing", async () => {
    const before = driver.dms(slackSam).length;
    await driver.command(slackSam, COMMANDS.connect, '');
    const dm = await waitFor(() => driver.dms(slackSam)[before], { what: 'the connect DM' });
    const url = elements(dm).find((e) => e.action_id === ACTION_IDS.connectLink)!.url!;

    const first = await openPage(url);
    expect(first.page.status).toBe(200);
    expect(titleOf(first.html)).toBe("Connect Notion to @sam in Acme's Slack?");
    expect(decode(first.html)).toContain('user ID U0SAM');
    expect(first.html).toMatch(/<form method="post">/);
    expect(first.html).not.toContain(new URL(url).searchParams.get('t'));
    const csp = first.page.headers.get('content-security-policy')!;
    expect(csp).toContain(`form-action 'self' ${new URL(notion.url).origin}`);
    expect(csp).toContain("default-src 'none'");
    const setCookie = first.page.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(
      /^stn_confirm_[0-9a-f]{32}=[A-Za-z0-9_-]{43}; Path=\/oauth\/notion; Max-Age=600; HttpOnly; SameSite=Strict$/,
    );

    // Opening it again still shows it: nothing was used up.
    expect((await openPage(url)).page.status).toBe(200);
    const confirmed = await confirmConnectLink(url);
    expect(confirmed.res.status).toBe(303);
    expect(confirmed.res.headers.get('location')!.startsWith(`${notion.url}/v1/oauth/authorize?`)).toBe(true);
    // The POST spent it.
    expect((await fetch(url)).status).toBe(400);
  });

  it("a DM from an unconnected user: the reply's link names the account by its id, and the workspace", async () => {
    const kai = { teamId: slackSam.teamId, userId: 'U0KAI', userName: 'kai' };
    const channel = slack.imChannelFor(kai.userId);
    const event = imMessageEvent({ ...kai, channel, text: '<https://x.com/jack/status/20>' });
    await driver.post(eventCallbackBody({ teamId: kai.teamId, botUserId: slack.botUserId, event }));
    const reply = await waitFor(() => slack.messagesTo(channel).find((m) => elements(m).some((e) => e.url)), {
      what: 'the DM reply with a connect link',
    });
    const url = elements(reply).find((e) => e.url)!.url!;
    // A message event carries no user name: the page names the account by the id Slack gave.
    expect(titleOf((await openPage(url)).html)).toBe("Connect Notion to the Slack user U0KAI in Acme's Slack?");
  });

  it('names a Discord user by the username Discord gave, and a user without a name by their id', async () => {
    expect(titleOf((await openPage(await link(kim))).html)).toBe('Connect Notion to @kim on Discord?');
    const nameless: ChatUser = { platform: 'slack', teamId: 'T0ACME', userId: 'U0NONAME', workspaceName: 'Acme' };
    expect(titleOf((await openPage(await link(nameless))).html)).toBe(
      "Connect Notion to the Slack user U0NONAME in Acme's Slack?",
    );
  });

  it('escapes names people chose, and drops characters that reorder text', async () => {
    const mallory: ChatUser = {
      platform: 'slack',
      teamId: 'T0EVIL',
      userId: 'U0MAL',
      displayName: '<img src=x onerror=alert(1)>',
      workspaceName: 'Acme"><script>alert(1)</script>\u202Eem\u202C',
    };
    const { html } = await openPage(await link(mallory));
    expect(html).not.toMatch(/<img|<script/);
    expect(html).not.toContain('\u202E');
    expect(titleOf(html)).toBe(
      `Connect Notion to @<img src=x onerror=alert(1)> in Acme"><script>alert(1)</script>em's Slack?`,
    );
  });

  it("refuses another site's POST (the attacker's own link, auto-submitted) and leaves the link alone", async () => {
    const url = await link(sam);
    const { formToken, cookie } = await openPage(url);
    const form = new URLSearchParams({ form_token: formToken! });
    const ownOrigin = new URL(url).origin;
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', cookie },
      { origin: 'https://evil.example', cookie },
      { origin: 'null', cookie },
      { origin: ownOrigin, 'sec-fetch-site': 'same-site', cookie },
      { 'sec-fetch-site': 'cross-site', cookie },
      { cookie }, // neither header: not a browser's form post from our page
    ]) {
      const res = await post(url, headers, form);
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie().filter((c) => c.includes('stn_state_'))).toEqual([]);
      expect(await res.text()).toContain('did not come from the connect page');
    }
    expect(await stillUsable(url)).toBe(true);
  });

  it("refuses a same-origin POST without this browser's form token, and leaves the link as it was", async () => {
    const url = await link(sam);
    // The attacker can open the page and read a form token, but cannot put its cookie in the victim's browser.
    const attackers = await openPage(url);
    const origin = new URL(url).origin;
    const same = { origin, 'sec-fetch-site': 'same-origin' };
    expect((await post(url, same, new URLSearchParams({ form_token: attackers.formToken! }))).status).toBe(403);
    const victims = await openPage(url);
    expect(
      await post(url, { ...same, cookie: victims.cookie }, new URLSearchParams({ form_token: attackers.formToken! })),
    ).toMatchObject({ status: 403 });
    expect(await post(url, { ...same, cookie: victims.cookie }, '')).toMatchObject({ status: 400 });
    expect(
      await post(
        url,
        { ...same, cookie: victims.cookie },
        `form_token=${victims.formToken}&form_token=${victims.formToken}`,
      ),
    ).toMatchObject({ status: 400 });
    expect(
      await post(
        url,
        { ...same, cookie: victims.cookie, 'content-type': 'text/plain' },
        `form_token=${victims.formToken}`,
      ),
    ).toMatchObject({ status: 400 });
    expect(await stillUsable(url)).toBe(true);
  });

  it('link scanners (HEAD, GET with any user agent) never spend the link', async () => {
    const url = await link(sam);
    const exchanges = notion.tokenExchanges();
    for (let i = 0; i < 2; i++) expect((await fetch(url, { method: 'HEAD', redirect: 'manual' })).status).toBe(200);
    for (const agent of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)',
      'Mozilla/5.0 (compatible; Google-Safety; +http://www.google.com/bot.html)',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'Slack-ImgProxy (+https://api.slack.com/robots)',
    ]) {
      const res = await fetch(url, { redirect: 'manual', headers: { 'user-agent': agent } });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(notion.tokenExchanges()).toBe(exchanges);
    expect(await stillUsable(url)).toBe(true);
  });

  it('two connects in one browser both finish: each sign-in has a cookie of its own', async () => {
    const jar = new Map<string, string>();
    const remember = (cookies: string[]) => {
      for (const c of cookies) {
        const [name, value] = [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)];
        if (value === '') jar.delete(name);
        else jar.set(name, value);
      }
    };
    const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const other: ChatUser = {
      platform: 'slack',
      teamId: 'T0ACME',
      userId: 'U0OTHER',
      displayName: 'other',
      workspaceName: 'Acme',
    };
    const first = await confirmConnectLink(await link(sam));
    remember(cookiesSet(first.res));
    const second = await confirmConnectLink(await link(other));
    remember(cookiesSet(second.res));
    expect(first.stateCookie.split('=')[0]).not.toBe(second.stateCookie.split('=')[0]);
    const firstCallback = await consentAtNotion(first.res.headers.get('location')!, notion);
    const secondCallback = await consentAtNotion(second.res.headers.get('location')!, notion);
    // The first one started is finished first, with both cookies in the jar.
    const a = await fetch(firstCallback, { headers: { cookie: header() } });
    expect(a.status).toBe(200);
    remember(cookiesSet(a));
    const b = await fetch(secondCallback, { headers: { cookie: header() } });
    expect(b.status).toBe(200);
    await product.app.core.idle();
    expect(await product.app.core.connectionStatus(sam)).toMatchObject({ connected: true });
    expect(await product.app.core.connectionStatus(other)).toMatchObject({ connected: true });
  });

  it('a planted cookie of the same name does not block connecting', async () => {
    const started = await confirmConnectLink(await link(kim));
    const [name, state] = started.stateCookie.split('=') as [string, string];
    const callback = await consentAtNotion(started.res.headers.get('location')!, notion);
    const res = await fetch(callback, {
      headers: { cookie: `${name}=planted-by-a-sibling-site; stn_oauth_state=junk; ${name}=${state}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('over https the cookies are __Host- cookies', () => {
  let notion: NotionSandbox;
  let product: Product;
  const publicUrl = 'https://tweets.example.test';

  beforeAll(async () => {
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Acme' });
    notion.addTable(ws.id, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text' } });
    product = await startProduct({ notion, env: { PUBLIC_URL: publicUrl } });
  });
  afterAll(async () => {
    await product.stop();
    await notion.close();
  });

  it('sets Secure, Path=/ cookies with the __Host- prefix and no Domain, and connects with them', async () => {
    const { url } = await product.app.core.connectUser(kim);
    expect(url.startsWith(`${publicUrl}/oauth/notion/start?t=`)).toBe(true);
    const real = `http://127.0.0.1:${product.port}`;
    const started = await confirmConnectLink(url, { via: real });
    expect(started.page.headers.getSetCookie()[0]).toMatch(
      /^__Host-stn_confirm_[0-9a-f]{32}=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Strict; Secure$/,
    );
    expect(started.res.status).toBe(303);
    const stateSet = started.res.headers.getSetCookie().find((c) => c.startsWith('__Host-stn_state_'))!;
    expect(stateSet).toMatch(
      /^__Host-stn_state_[0-9a-f]{32}=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(stateSet).not.toMatch(/Domain=/i);
    const callback = new URL(await consentAtNotion(started.res.headers.get('location')!, notion));
    expect(callback.origin).toBe(publicUrl);
    const res = await fetch(new URL(callback.pathname + callback.search, real), {
      headers: { cookie: started.stateCookie },
    });
    expect(res.status).toBe(200);
    // The same cookie without the prefix is not the one the product set: refused.
    const again = await confirmConnectLink((await product.app.core.connectUser(kim)).url, { via: real });
    const plain = again.stateCookie.replace(/^__Host-/, '');
    const cb = new URL(await consentAtNotion(again.res.headers.get('location')!, notion));
    expect((await fetch(new URL(cb.pathname + cb.search, real), { headers: { cookie: plain } })).status).toBe(403);
  });
});
