import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox-mode.js';
import { SECOND_SLACK_WORKSPACE } from '../../../src/sandbox/sandbox-seed.js';

/**
 * SANDBOX_SLACK=distribution in a real headless Chromium (Debian's /usr/bin/chromium, as in
 * sandbox-browser.test.ts): "Add to Slack" from the page, through the product's install page (Bolt's
 * Secure state cookie on http://localhost), the emulated Slack's authorize page and back to the product's
 * success page; then the visitor connects Notion and saves. Screenshots go to test/artifacts/.
 */

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}`);

describe.skipIf(!haveBrowser)('the sandbox\'s "Add to Slack" step in a real browser', () => {
  let sandbox: RunningSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  const shot = (p: Page, name: string) => p.screenshot({ path: new URL(name, ARTIFACTS).pathname });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.on('request', (r) => requested.push(r.url()));
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  /** The intro's "Add to Slack" link, followed to the product's success page; returns that tab. */
  async function addToSlack(workspace: string): Promise<Page> {
    const [tab] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('.intro').getByRole('link', { name: 'Add to Slack' }).click(),
    ]);
    await tab.getByRole('heading', { name: 'Add Save to Notion to Slack' }).waitFor();
    await tab.getByRole('link', { name: 'Add to Slack' }).click();
    await tab.getByRole('heading', { name: /requesting permission to access your Slack workspace/ }).waitFor();
    expect(tab.url().startsWith(sandbox.slack.authorizeUrl)).toBe(true);
    await tab.getByRole('radio', { name: new RegExp(workspace) }).check();
    await tab.getByRole('button', { name: 'Allow' }).click();
    await tab.getByRole('heading', { name: 'Save to Notion is installed' }).waitFor();
    expect(tab.url().startsWith(`${sandbox.app.publicUrl}/slack/oauth_redirect?`)).toBe(true);
    await tab.getByText(`Save to Notion is now installed in ${workspace}`).waitFor();
    return tab;
  }

  it('installs from the page, then connects Notion and saves; the second workspace installs on its own page', async () => {
    await page.goto(sandbox.url);
    const channel = page.locator('#channel');
    const composer = page.getByLabel('Message #general');
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    await channel.getByText('is not installed in this workspace').waitFor();
    await shot(page, 'sandbox-install-01-not-installed.png');

    const done = await addToSlack('Acme Sandbox');
    await shot(done, 'sandbox-install-02-installed.png');
    // "Open Slack" leads back to this workspace's sandbox page.
    await done.getByRole('link', { name: 'Open Slack' }).click();
    await done.getByRole('heading', { name: 'general' }).waitFor();
    expect(new URL(done.url()).pathname).toBe('/');
    await done.close();

    await page.bringToFront();
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    const connect = page.locator('#dms').getByRole('link', { name: 'Connect Notion' });
    await connect.waitFor();
    const [consent] = await Promise.all([context.waitForEvent('page'), connect.click()]);
    await consent.getByRole('button', { name: 'Continue to Notion' }).click();
    await consent.getByRole('button', { name: 'Allow access' }).click();
    await consent.getByRole('heading', { name: 'Notion connected' }).waitFor();
    await consent.close();
    await page.locator('#dms .bk-section', { hasText: 'Tweets will be saved to' }).waitFor();
    await composer.fill('/save-tweet https://x.com/jack/status/20');
    await composer.press('Enter');
    await page.locator('#notion tr', { hasText: '@jack' }).waitFor();
    await shot(page, 'sandbox-install-03-saved.png');

    // The top bar switches to the second workspace, which has not installed the app yet.
    await page.locator('.ws-switch').getByRole('link', { name: SECOND_SLACK_WORKSPACE }).click();
    await page.locator('.ws-name', { hasText: SECOND_SLACK_WORKSPACE }).waitFor();
    (await addToSlack(SECOND_SLACK_WORKSPACE)).close();
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    await page.locator('#channel').getByText('Check your DMs').waitFor();
    await page.locator('#dms').getByRole('link', { name: 'Connect Notion' }).waitFor();

    const outside = requested.filter((u) => !/^(http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/|data:|about:)/.test(u));
    expect(outside).toEqual([]);
  }, 60_000);
});
