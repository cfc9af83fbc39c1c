import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/bots/slack/constants.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../../../src/sandbox/oembed/oembed-sandbox.js';
import { eventCallbackBody, imMessageEvent, slashCommandBody } from '../../../src/sandbox/slack/payloads.js';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { JACK, NAVAL_LINK, SIGNING_SECRET, type SlackPerson as Person } from '../../helpers/fixtures.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';
import { slackDriver } from '../../helpers/slack-harness.js';
import { install, visitInstall } from '../../helpers/slack-install.js';

const SLACK_CLIENT = { clientId: '1111.2222', clientSecret: 'e2e-slack-client-secret-value' };
const STATE_SECRET = 'e2e-state-secret-0123456789abcdef';
const sam: Person = { teamId: 'T0ACME', userId: 'U0SAM', userName: 'sam' };
const kim: Person = { teamId: 'T0BETA', userId: 'U0KIM', userName: 'kim' };
/** In Globex's workspace T0GLOBEXA, covered by the org-wide install of E0GLOBEX. */
const gus: Person = { teamId: 'T0GLOBEXA', userId: 'U0GUS', userName: 'gus' };

describe('Add to Slack: several workspaces install through Bolt OAuth', () => {
  let notion: NotionSandbox;
  let oembed: OembedSandbox;
  let slack: SlackSandbox;
  let product: Product;
  let dir: string;
  let storeUrl: string;
  const logs: string[] = [];
  const pages: string[] = [];
  let tables: { acme: string; beta: string };
  let notionWs: { acme: string; beta: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stn-dist-'));
    storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
    oembed = await startOembedSandbox();
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const acme = notion.addWorkspace({ name: 'Acme Notion' });
    const beta = notion.addWorkspace({ name: 'Beta Notion' });
    const props = { Name: 'title', Tweet: 'rich_text', Link: 'url' };
    tables = {
      acme: notion.addTable(acme.id, { title: 'Tweets', properties: props }).dataSourceId,
      beta: notion.addTable(beta.id, { title: 'Tweets', properties: props }).dataSourceId,
    };
    notionWs = { acme: acme.id, beta: beta.id };
    slack = await startSlackSandbox({
      oauth: SLACK_CLIENT,
      workspaces: [
        { teamId: 'T0ACME', teamName: 'Acme' },
        { teamId: 'T0BETA', teamName: 'Beta' },
        { teamId: 'T0GLOBEXA', teamName: 'Globex East', enterpriseId: 'E0GLOBEX' },
      ],
      enterprises: [{ id: 'E0GLOBEX', name: 'Globex' }],
    });
    product = await startProduct({
      notion,
      oembedUrl: oembed.url,
      logSink: logs,
      env: {
        LOG_LEVEL: 'trace',
        STORE_URL: storeUrl,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_CLIENT_ID: SLACK_CLIENT.clientId,
        SLACK_CLIENT_SECRET: SLACK_CLIENT.clientSecret,
        SLACK_STATE_SECRET: STATE_SECRET,
        SLACK_API_URL: slack.apiUrl,
        SLACK_AUTHORIZE_URL: slack.authorizeUrl,
      },
    });
    slack.registerRedirectUri(`${product.url}/slack/oauth_redirect`);
  });
  afterAll(async () => {
    await product?.stop();
    await slack?.close();
    await notion?.close();
    await oembed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two workspaces install, connect their own Notion and save; one uninstalls, the other is unaffected', async () => {
    const d = slackDriver({ notion, slack, product });
    for (const team of ['T0ACME', 'T0BETA']) {
      const done = await install(product, slack, `team:${team}`);
      pages.push(done.landingHtml, done.html);
      expect(done.page.status).toBe(200);
      expect(done.html).toContain('Save to Notion is installed');
    }
    expect(slack.callsTo('oauth.v2.access')).toHaveLength(2);

    await d.connect(sam, { workspaceId: notionWs.acme });
    await d.connect(kim, { workspaceId: notionWs.beta });
    expect((await d.save(sam, JACK)).body.text).toMatch(/^Saved @jack's tweet/);
    expect((await d.save(kim, NAVAL_LINK)).body.text).toMatch(/^Saved @naval's tweet/);
    expect(notion.rows(tables.acme)).toHaveLength(1);
    expect(notion.rows(tables.beta)).toHaveLength(1);
    // Each workspace's DMs went out with its own bot token.
    expect(
      slack
        .messagesTo(sam.userId)
        .filter((m) => m.via === 'chat.postMessage')
        .every((m) => m.teamId === 'T0ACME'),
    ).toBe(true);
    expect(
      slack
        .messagesTo(kim.userId)
        .filter((m) => m.via === 'chat.postMessage')
        .every((m) => m.teamId === 'T0BETA'),
    ).toBe(true);

    // Beta uninstalls: Slack revokes its token and sends app_uninstalled, then tokens_revoked (twice: a retry).
    const betaBot = slack.installations().find((i) => i.teamId === 'T0BETA')!;
    slack.uninstall('T0BETA');
    const uninstalled = await d.post(
      eventCallbackBody({
        teamId: 'T0BETA',
        botUserId: betaBot.botUserId,
        event: { type: 'app_uninstalled', event_ts: '1.1' },
      }),
    );
    expect(uninstalled.status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      const revoked = await d.post(
        eventCallbackBody({
          teamId: 'T0BETA',
          botUserId: betaBot.botUserId,
          event: { type: 'tokens_revoked', tokens: { bot: [betaBot.botUserId] }, event_ts: '1.2' },
        }),
      );
      expect(revoked.status).toBe(200);
    }
    const keyv = await createKeyv(storeUrl);
    try {
      await waitFor(async () => (await keyv.get('workspace-install:slack:team:T0BETA')) === undefined, {
        what: 'Beta installation deleted',
      });
      expect(typeof (await keyv.get('workspace-install:slack:team:T0ACME'))).toBe('string');
    } finally {
      await closeKeyv(keyv);
    }

    // Kim's command is answered politely with the install link; a DM event is acked and logged.
    const { res, responseUrl } = await d.command(kim, COMMANDS.save, JACK);
    expect(res.status).toBe(200);
    const polite = await d.firstAnswer(responseUrl);
    expect(polite.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining(`${product.url}/slack/install`),
    });
    const dm = await d.post(
      eventCallbackBody({
        teamId: 'T0BETA',
        botUserId: betaBot.botUserId,
        event: imMessageEvent({ teamId: 'T0BETA', userId: kim.userId, channel: 'D0KIM', text: JACK }),
      }),
    );
    expect(dm.status).toBe(200);
    expect(notion.rows(tables.beta)).toHaveLength(1);

    // Acme keeps working.
    expect((await d.save(sam, NAVAL_LINK)).body.text).toMatch(/^Saved @naval's tweet/);
    expect(notion.rows(tables.acme)).toHaveLength(2);
  });

  it("an org-wide Enterprise Grid install serves the org's workspaces, keyed by the org", async () => {
    const done = await install(product, slack, 'enterprise:E0GLOBEX');
    pages.push(done.html);
    expect(done.page.status).toBe(200);
    expect(done.html).toContain('installed in Globex');
    const d = slackDriver({ notion, slack, product });
    const responseUrl = slack.newResponseUrl({ userId: gus.userId, channelId: 'C0GENERAL' });
    const body = new URLSearchParams({
      ...Object.fromEntries(
        new URLSearchParams(
          slashCommandBody({ ...gus, command: COMMANDS.connect, text: '', responseUrl, channelId: 'C0GENERAL' }),
        ),
      ),
      enterprise_id: 'E0GLOBEX',
      enterprise_name: 'Globex',
      is_enterprise_install: 'true',
    }).toString();
    expect((await d.post(body)).status).toBe(200);
    const dm = await waitFor(() => slack.messagesTo(gus.userId).find((m) => m.via === 'chat.postMessage'), {
      what: 'the connect DM',
    });
    expect(slack.callsTo('chat.postMessage').at(-1)).toMatchObject({ enterpriseId: 'E0GLOBEX' });
    expect(dm.text).toBeDefined();
    const keyv = await createKeyv(storeUrl);
    try {
      expect(typeof (await keyv.get('workspace-install:slack:enterprise:E0GLOBEX'))).toBe('string');
      expect(await keyv.get('workspace-install:slack:team:T0GLOBEXA')).toBeUndefined();
    } finally {
      await closeKeyv(keyv);
    }
  });

  it('refuses a cookie-less, forged or replayed state with a clear page, before any token exchange', async () => {
    const exchanges = () => slack.callsTo('oauth.v2.access').length;

    const noCookie = await visitInstall(product, slack, 'team:T0ACME');
    const before = exchanges();
    const refused = await fetch(noCookie.callbackUrl);
    const refusedHtml = await refused.text();
    expect(refused.status).toBe(400);
    expect(refusedHtml).toContain('This installation link has expired or was already used');
    expect(exchanges()).toBe(before);

    const forged = new URL(noCookie.callbackUrl);
    const fake = `${'A'.repeat(43)}.${'B'.repeat(43)}`;
    forged.searchParams.set('state', fake);
    const forgedRes = await fetch(forged, { headers: { cookie: `slack-app-oauth-state=${fake}` } });
    expect(forgedRes.status).toBe(400);
    expect(await forgedRes.text()).toContain('expired or was already used');
    expect(exchanges()).toBe(before);

    const ok = await install(product, slack, 'team:T0ACME');
    expect(ok.page.status).toBe(200);
    expect(exchanges()).toBe(before + 1);
    const replay = await fetch(ok.callbackUrl, { headers: { cookie: ok.cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('expired or was already used');
    expect(exchanges()).toBe(before + 1);

    const cancelled = await visitInstall(product, slack, 'team:T0ACME', 'cancel');
    const cancelPage = await fetch(cancelled.callbackUrl, { headers: { cookie: cancelled.cookie } });
    expect(cancelPage.status).toBe(403);
    expect(await cancelPage.text()).toContain('Installation cancelled');
    pages.push(refusedHtml);
  });

  it('no bot token, client or state secret reaches a log line, a page or the raw store file', async () => {
    await product.app.core.idle();
    const secrets = [...slack.issuedTokens(), SLACK_CLIENT.clientSecret, STATE_SECRET, SIGNING_SECRET];
    expect(slack.issuedTokens().length).toBeGreaterThanOrEqual(3);
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1'));
    const haystacks = { logs: logs.join('\n'), pages: pages.join('\n'), store: files.join('\n') };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
    }
    expect(haystacks.logs).toContain('slack.installed');
  });
});
