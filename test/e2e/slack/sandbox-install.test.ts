import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox-mode.js';
import { SECOND_SLACK_WORKSPACE } from '../../../src/sandbox/sandbox-seed.js';
import type { SandboxWorkspacePage } from '../../../src/sandbox/web/sandbox-routes.js';
import { propertyText } from '../../../src/sandbox/web/sandbox-views.js';
import { completeConnect, cookiesSet } from '../../helpers/connect-flow.js';
import { waitFor } from '../../helpers/product.js';

/**
 * SANDBOX_SLACK=distribution through the sandbox's own HTTP surface, as the page's links and buttons
 * would go: each emulated workspace's page offers "Add to Slack", the product's real install page
 * starts Bolt's flow (state cookie), the Slack emulation's authorize page sends the browser back, and
 * then that workspace's visitor connects their own Notion and saves.
 */
describe('the sandbox in distribution mode: "Add to Slack" for two workspaces', () => {
  let sandbox: RunningSandbox;
  let base: string;

  beforeAll(async () => {
    sandbox = await startSandbox(
      { NODE_ENV: 'test' },
      {
        env: {
          PORT: '0',
          STORE_URL: 'memory://',
          TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
          SANDBOX_SLACK: 'distribution',
        },
      },
    );
    base = sandbox.app.publicUrl;
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const query = (w: SandboxWorkspacePage) => (w === sandbox.workspaces[0] ? '' : `?ws=${w.teamId}`);
  const act = async (w: SandboxWorkspacePage, path: string, body: unknown) => {
    const res = await fetch(`${base}/sandbox/api/${path}${query(w)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify(body),
    });
    expect(await res.json()).toEqual({ ok: true });
  };
  /** Everything the page shows now, as its state API answers it. */
  const state = async (w: SandboxWorkspacePage) =>
    (await (await fetch(`${base}/sandbox/api/state${query(w)}`)).json()) as {
      channel: { html: string }[];
      dms: { html: string }[];
    };

  /** Plays the browser from the page's "Add to Slack" link to the product's success page. */
  async function addToSlack(w: SandboxWorkspacePage): Promise<string> {
    const page = await (await fetch(`${base}/${query(w)}`)).text();
    expect(page).toContain('<a href="/slack/install" target="_blank" rel="noopener">Add to Slack</a>');
    const landing = await fetch(`${base}/slack/install`);
    expect(await landing.text()).toContain('href="/slack/install/start"');
    const start = await fetch(`${base}/slack/install/start`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const cookie = cookiesSet(start).find((c) => c.startsWith('slack-app-oauth-state='))!;
    expect(cookie).toBeDefined();
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.href.startsWith(sandbox.slack.authorizeUrl)).toBe(true);
    const consent = await (await fetch(authorize)).text();
    expect(consent).toContain('Acme Sandbox');
    expect(consent).toContain(SECOND_SLACK_WORKSPACE);
    // The consent form, as the visitor submits it with their workspace picked.
    const form = new URLSearchParams(authorize.searchParams);
    form.set('install_to', `team:${w.teamId}`);
    form.set('decision', 'allow');
    const decided = await fetch(sandbox.slack.authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
    expect(decided.status).toBe(302);
    const callback = await fetch(decided.headers.get('location')!, { headers: { cookie } });
    expect(callback.status).toBe(200);
    return callback.text();
  }

  it('each workspace installs from its page, then its visitor connects their own Notion and saves', async () => {
    expect(sandbox.slackMode).toBe('distribution');
    expect(sandbox.workspaces.map((w) => w.name)).toEqual(['Acme Sandbox', SECOND_SLACK_WORKSPACE]);
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain(`<a href="/?ws=${sandbox.workspaces[1]!.teamId}">${SECOND_SLACK_WORKSPACE}</a>`);

    const notionFor: Record<string, string> = { 'Acme Sandbox': 'Acme Sandbox', [SECOND_SLACK_WORKSPACE]: 'Personal' };
    const tableFor: Record<string, string> = { 'Acme Sandbox': 'Tweets', [SECOND_SLACK_WORKSPACE]: 'Reading list' };
    for (const w of sandbox.workspaces) {
      // Before the install the bot can only say so, with the install link.
      await act(w, 'command', { text: '/notion-connect' });
      await waitFor(async () => (await state(w)).channel.some((m) => m.html.includes('is not installed')), {
        what: `the "not installed" answer in ${w.name}`,
      });

      const success = await addToSlack(w);
      expect(success).toContain(`Save to Notion is now installed in ${w.name}`);
      // "Open Slack" goes back to this workspace's sandbox page, not to slack.com.
      expect(success).toContain(`href="/${query(w)}"`);

      await act(w, 'command', { text: '/notion-connect' });
      const dm = await waitFor(
        async () => (await state(w)).dms.find((m) => m.html.includes('/oauth/notion/start?t=')),
        { what: `the connect DM in ${w.name}` },
      );
      const link = /href="([^"]*\/oauth\/notion\/start\?t=[^"]+)"/.exec(dm.html)![1]!.replaceAll('&amp;', '&');
      const notionWs = sandbox.notion.workspaces().find((n) => n.name === notionFor[w.name])!;
      const table = sandbox.tables.find((t) => t.title === tableFor[w.name])!;
      // The consent page's default: the one table ticked.
      const share = [table.databaseId];
      const connected = await completeConnect(link, sandbox.notion, { workspaceId: notionWs.id, share });
      expect(connected.status).toBe(200);

      await act(w, 'command', { text: '/save-tweet https://x.com/jack/status/20' });
      const rows = await waitFor(() => sandbox.notion.rows(table.dataSourceId).filter((r) => !r.inTrash)[0], {
        what: `the row in ${table.title}`,
      });
      expect(propertyText(rows.properties.Name)).toBe('@jack');
    }

    // Each workspace's bot token came from its own installation.
    const installs = sandbox.slack.installations().filter((i) => !i.revoked);
    expect(installs.map((i) => i.teamId).sort()).toEqual(sandbox.workspaces.map((w) => w.teamId).sort());
    expect(sandbox.config.slack?.botToken).toBeUndefined();

    // No bot token, client or state secret reaches a page or the page state.
    const dist = sandbox.config.slack!.distribution!;
    const secrets = [...sandbox.slack.issuedTokens(), dist.clientSecret, dist.stateSecret];
    for (const w of sandbox.workspaces) {
      const shown = [JSON.stringify(await state(w)), await (await fetch(`${base}/${query(w)}`)).text()].join('\n');
      for (const secret of secrets) expect(shown.includes(secret)).toBe(false);
    }
  });
});
