import type { Keyv } from 'keyv';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../../../src/sandbox/oembed/oembed-sandbox.js';
import { eventCallbackBody } from '../../../src/sandbox/slack/payloads.js';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';
import { connectionStoreKey, workspaceIndexKeys } from '../../../src/store/keyv-connection-store.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { JACK, SIGNING_SECRET, type SlackPerson as Person } from '../../helpers/fixtures.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';
import { slackDriver } from '../../helpers/slack-harness.js';
import { install } from '../../helpers/slack-install.js';

/** The stored lists of a workspace's index of connected users, as they are in the file. */
async function indexed(keyv: Keyv, teamId: string): Promise<unknown[]> {
  const stored = await keyv.getMany<string>(workspaceIndexKeys('slack', teamId));
  return stored.filter((v) => typeof v === 'string').map((v) => JSON.parse(v) as unknown);
}

const SLACK_CLIENT = { clientId: '3333.4444', clientSecret: 'e2e-uninstall-client-secret' };
const sam: Person = { teamId: 'T0ACME', userId: 'U0SAM', userName: 'sam' };
const ann: Person = { teamId: 'T0ACME', userId: 'U0ANN', userName: 'ann' };
const kim: Person = { teamId: 'T0BETA', userId: 'U0KIM', userName: 'kim' };

/**
 * SLACK_UNINSTALL_DISCONNECTS_NOTION: two people connected in Acme, one in Beta; Acme uninstalls
 * (app_uninstalled, then tokens_revoked twice, as Slack may send them). On: Acme's Notion tokens are
 * revoked at Notion and its connections deleted, once; Beta is untouched. Off (the default): all kept.
 */
describe('uninstall and the Notion connections of that workspace', () => {
  let notion: NotionSandbox;
  let oembed: OembedSandbox;
  let slack: SlackSandbox;
  let product: Product;
  let dir: string;
  let keyv: Keyv | undefined;

  afterEach(async () => {
    if (keyv) await closeKeyv(keyv);
    keyv = undefined;
    await product?.stop();
    await slack?.close();
    await notion?.close();
    await oembed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function uninstallAcme(setting: string | undefined) {
    dir = mkdtempSync(join(tmpdir(), 'stn-uninstall-'));
    const storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
    oembed = await startOembedSandbox();
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const acme = notion.addWorkspace({ name: 'Acme Notion' });
    const beta = notion.addWorkspace({ name: 'Beta Notion' });
    const props = { Name: 'title', Tweet: 'rich_text', Link: 'url' };
    notion.addTable(acme.id, { title: 'Tweets', properties: props });
    notion.addTable(beta.id, { title: 'Tweets', properties: props });
    slack = await startSlackSandbox({
      oauth: SLACK_CLIENT,
      workspaces: [
        { teamId: 'T0ACME', teamName: 'Acme' },
        { teamId: 'T0BETA', teamName: 'Beta' },
      ],
    });
    const logs: string[] = [];
    product = await startProduct({
      notion,
      oembedUrl: oembed.url,
      logSink: logs,
      env: {
        LOG_LEVEL: 'info',
        STORE_URL: storeUrl,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_CLIENT_ID: SLACK_CLIENT.clientId,
        SLACK_CLIENT_SECRET: SLACK_CLIENT.clientSecret,
        SLACK_STATE_SECRET: 'e2e-uninstall-state-secret-0123456789',
        SLACK_API_URL: slack.apiUrl,
        SLACK_AUTHORIZE_URL: slack.authorizeUrl,
        ...(setting === undefined ? {} : { SLACK_UNINSTALL_DISCONNECTS_NOTION: setting }),
      },
    });
    slack.registerRedirectUri(`${product.url}/slack/oauth_redirect`);
    for (const team of ['T0ACME', 'T0BETA'])
      expect((await install(product, slack, `team:${team}`)).page.status).toBe(200);

    const d = slackDriver({ notion, slack, product });
    await d.connect(sam, { workspaceId: acme.id });
    await d.connect(ann, { workspaceId: acme.id });
    await d.connect(kim, { workspaceId: beta.id });
    expect((await d.save(kim, JACK)).body.text).toMatch(/^Saved @jack's tweet/);
    expect(notion.activeTokenCount(acme.id)).toBe(2);
    expect(notion.activeTokenCount(beta.id)).toBe(1);
    const revokes = () => notion.requests.filter((r) => r.path === '/v1/oauth/revoke').length;
    expect(revokes()).toBe(0);

    const bot = slack.installations().find((i) => i.teamId === 'T0ACME')!;
    slack.uninstall('T0ACME');
    const events = [
      { type: 'app_uninstalled', event_ts: '1.1' },
      { type: 'tokens_revoked', tokens: { bot: [bot.botUserId] }, event_ts: '1.2' },
      { type: 'tokens_revoked', tokens: { bot: [bot.botUserId] }, event_ts: '1.2' },
    ];
    for (const event of events) {
      expect((await d.post(eventCallbackBody({ teamId: 'T0ACME', botUserId: bot.botUserId, event }))).status).toBe(200);
      await product.app.core.idle();
    }
    // Each handler logs once it is done, follow-up included: after three, nothing more is coming.
    await waitFor(() => logs.filter((l) => l.includes('"event":"slack.uninstalled"')).length === 3, {
      what: 'the three uninstall events handled',
    });
    // The product's store file, read as it is.
    const store = (keyv = await createKeyv(storeUrl));
    const installed = async (team: string) => (await store.get(`workspace-install:slack:team:${team}`)) !== undefined;
    expect(await installed('T0ACME')).toBe(false);
    const connected = async (who: Person) =>
      (await store.get(connectionStoreKey({ platform: 'slack', ...who }))) !== undefined;
    return { acme, beta, revokes, connected, installed, d, keyv: store };
  }

  it("on: Acme's tokens are revoked at Notion and its connections deleted, once; Beta keeps working", async () => {
    const { acme, beta, revokes, connected, installed, d, keyv } = await uninstallAcme('true');
    expect(await connected(sam)).toBe(false);
    expect(await connected(ann)).toBe(false);
    expect(notion.activeTokenCount(acme.id)).toBe(0);
    // One revoke per person, although three uninstall events came.
    expect(revokes()).toBe(2);
    expect(await indexed(keyv, 'T0ACME')).toEqual([]);

    expect(await connected(kim)).toBe(true);
    expect(await installed('T0BETA')).toBe(true);
    expect(notion.activeTokenCount(beta.id)).toBe(1);
    expect(await indexed(keyv, 'T0BETA')).toEqual([[kim.userId]]);
    expect((await d.save(kim, JACK)).body.text).toMatch(/^(Saved|Already saved)/);
  });

  it('off (the default): the connections stay, nothing is revoked', async () => {
    const { acme, revokes, connected } = await uninstallAcme(undefined);
    expect(await connected(sam)).toBe(true);
    expect(await connected(ann)).toBe(true);
    expect(await connected(kim)).toBe(true);
    expect(notion.activeTokenCount(acme.id)).toBe(2);
    expect(revokes()).toBe(0);
  });
});
