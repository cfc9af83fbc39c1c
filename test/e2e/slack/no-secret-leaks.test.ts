import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../../src/bots/slack/constants.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox } from '../../../src/sandbox/oembed/oembed-sandbox.js';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';
import { visitConnectLink } from '../../helpers/connect-flow.js';
import { BOT_TOKEN, slackSam as sam, SIGNING_SECRET } from '../../helpers/fixtures.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';
import { elements, slackDriver } from '../../helpers/slack-harness.js';

/**
 * Runs the product's main paths with the most verbose logging and checks that no secret
 * (tokens, client and signing secrets, connect-link tokens, OAuth codes and states) reaches
 * a log line or a chat message.
 */
describe('no secret leaks into logs or chat', () => {
  let notion: NotionSandbox;
  let slack: SlackSandbox;
  let oembed: Awaited<ReturnType<typeof startOembedSandbox>>;
  let product: Product;
  const logs: string[] = [];
  const secrets: string[] = [SIGNING_SECRET, BOT_TOKEN, TEST_CLIENT.clientSecret];

  beforeAll(async () => {
    oembed = await startOembedSandbox();
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Acme' });
    notion.addTable(ws.id, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } });
    slack = await startSlackSandbox({ botToken: BOT_TOKEN });
    product = await startProduct({
      notion,
      oembedUrl: oembed.url,
      logSink: logs,
      env: {
        LOG_LEVEL: 'trace',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
      },
    });
    const driver = slackDriver({ notion, slack, product });

    await driver.command(sam, COMMANDS.connect, '');
    const dm = await waitFor(() => driver.dms(sam)[0], { what: 'the connect DM' });
    const link = elements(dm).find((e) => e.action_id === ACTION_IDS.connectLink)!.url!;
    secrets.push(new URL(link).searchParams.get('t')!);
    const visit = await visitConnectLink(link, notion);
    const callback = new URL(visit.callbackUrl);
    secrets.push(callback.searchParams.get('code')!, callback.searchParams.get('state')!);
    await product.app.core.idle();

    await driver.save(sam, 'https://x.com/jack/status/20');
    await driver.save(sam, 'https://x.com/jack/status/20');
    notion.expireAccessTokens(ws.id);
    await driver.save(sam, '@jack refreshed token');
    notion.revokeWorkspaceAccess(ws.id);
    await driver.save(sam, '@jack kept for later');
    await product.app.core.idle();
    await driver.command(sam, COMMANDS.disconnect, '');
    await product.app.core.idle();
  });
  afterAll(async () => {
    await product.stop();
    await slack.close();
    await notion.close();
    await oembed.close();
  });

  it('logged the flow at trace level', () => {
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.some((l) => l.includes('"event":"oauth.connected"'))).toBe(true);
    expect(logs.some((l) => l.includes('"event":"connection.refreshed"'))).toBe(true);
    expect(logs.every((l) => JSON.parse(l).requestId !== undefined || !l.includes('"component":"oauth"'))).toBe(true);
  });

  it('never writes a Notion token, a secret, a link token, a code or a state into a log line', () => {
    const all = logs.join('\n');
    expect(all).not.toMatch(/ntn_|nrt_/);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('never puts a Notion token or a secret into a chat message', () => {
    const chat = JSON.stringify([slack.calls, slack.responses]);
    expect(chat).not.toMatch(/ntn_|nrt_/);
    for (const secret of [SIGNING_SECRET, BOT_TOKEN, TEST_CLIENT.clientSecret]) expect(chat).not.toContain(secret);
  });
});
