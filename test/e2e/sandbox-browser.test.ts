import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox-mode.js';
import { propertyText } from '../../src/sandbox/web/sandbox-session.js';

/**
 * Sandbox mode in a real headless Chromium (Debian's /usr/bin/chromium; never a downloaded browser):
 * the visitor connects through the emulated Notion consent page and saves tweets by command and by
 * the message shortcut, all through the real product. Screenshots of each step go to test/artifacts/.
 */

const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Without a browser the test is skipped, loudly, on a developer's machine; CI must have one (.ci/run installs it). */
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  console.warn(`[sandbox-browser] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

describe.skipIf(!haveBrowser)('sandbox mode in a real browser', () => {
  let sandbox: RunningSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the browser asked for, to prove nothing left 127.0.0.1/localhost. */
  const requested: string[] = [];

  const shot = (p: Page, name: string) => p.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: false });
  /** Rows of a seeded table, read from the Notion emulation itself. */
  const rowsOf = (title: string) => sandbox.notion.rows(sandbox.tables.find((t) => t.title === title)!.dataSourceId);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox(
      { NODE_ENV: 'test' },
      { env: { PORT: '0', STORE_URL: 'memory://', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.on('request', (r) => requested.push(r.url()));
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('connects through the consent page, then saves by /save-tweet and by the Save to Notion shortcut', async () => {
    await page.goto(sandbox.url);
    await page.getByRole('heading', { name: 'general' }).waitFor();
    const channel = page.locator('#channel');
    const dms = page.locator('#dms');
    const notion = page.locator('#notion');
    // Both seeded tables are shown, empty.
    await notion.getByRole('region', { name: 'Notion table Tweets in Acme Sandbox' }).getByText('No rows yet').waitFor();
    await notion.getByRole('region', { name: 'Notion table Reading list in Personal' }).waitFor();
    await shot(page, 'sandbox-01-start.png');

    // /notion-connect, sent with Enter: the ephemeral ack in the channel, the link in the DM.
    const composer = page.getByLabel('Message #general');
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    await channel.getByText('Check your DMs').waitFor();
    await channel.getByText('Only visible to you').first().waitFor();
    // "Check your DMs" points at the DMs panel.
    expect(await channel.getByRole('link', { name: 'Check your DMs' }).getAttribute('href')).toBe('#dms');
    const connectButton = dms.getByRole('link', { name: 'Connect Notion' });
    await connectButton.waitFor();
    expect(await connectButton.getAttribute('href')).toMatch(new RegExp(`^${sandbox.app.publicUrl}/oauth/notion/start\\?t=[A-Za-z0-9_-]{43}$`));
    await shot(page, 'sandbox-02-dm.png');

    // Connect opens Notion's consent page in a new tab (as a URL button in Slack does).
    const [consent] = await Promise.all([context.waitForEvent('page'), connectButton.click()]);
    await consent.getByRole('heading', { name: /Save to Notion wants to access/ }).waitFor();
    expect(consent.url().startsWith(sandbox.notion.url)).toBe(true);
    await consent.getByRole('group', { name: /Acme Sandbox/ }).getByText('Tweets').waitFor();
    await shot(consent, 'sandbox-03-consent.png');

    await consent.getByRole('button', { name: 'Allow access' }).click();
    await consent.getByRole('heading', { name: 'Notion connected' }).waitFor();
    expect(consent.url().startsWith(`${sandbox.app.publicUrl}/oauth/notion/callback?`)).toBe(true);
    await consent.getByText('Notion workspace Acme Sandbox is now connected').waitFor();
    // The page's mark is drawn inline (no emoji font needed) and hidden from screen readers.
    expect(await consent.locator('svg.mark').getAttribute('aria-hidden')).toBe('true');
    expect(await consent.locator('main').innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
    await shot(consent, 'sandbox-04-callback.png');
    await consent.close();

    // Back in the sandbox tab: the bot's "connected" DM arrives by itself (the page polls).
    await page.bringToFront();
    await dms.locator('.bk-section', { hasText: 'Connected to Acme Sandbox' }).waitFor();
    await shot(page, 'sandbox-05-connected.png');

    // /save-tweet: the row appears in the live table view.
    await composer.fill('/save-tweet https://x.com/jack/status/20 just setting up my twttr');
    await composer.press('Enter');
    await notion.locator('tr', { hasText: '@jack' }).waitFor();
    await channel.getByText("Saved @jack's tweet to").waitFor();
    await notion.locator('tr', { hasText: 'just setting up my twttr' }).waitFor();
    // The Link cell is cut short; its title has the whole link.
    expect(await notion.locator('tr', { hasText: '@jack' }).getByRole('link').getAttribute('title')).toBe('https://x.com/jack/status/20');
    await shot(page, 'sandbox-06-saved-by-command.png');

    // "Save to Notion" on Marco's message (classic Twitter unfurl), by mouse.
    await channel.getByRole('article', { name: 'message from Marco' }).getByRole('button', { name: 'Save to Notion' }).click();
    await notion.locator('tr', { hasText: '@edwardodell' }).waitFor();
    await notion.locator('tr', { hasText: 'NEVER LEAVE, NEVER PAY' }).waitFor();
    await shot(page, 'sandbox-07-saved-by-shortcut.png');

    // … and on Priya's (X-era unfurl), by keyboard.
    await channel.getByRole('article', { name: 'message from Priya' }).getByRole('button', { name: 'Save to Notion' }).focus();
    await page.keyboard.press('Enter');
    await notion.locator('tr', { hasText: '@naval' }).waitFor();
    await channel.locator('.msg-ephemeral', { hasText: "Saved @naval's tweet" }).waitFor();

    // The rows in Notion itself, and only in the table that was shared.
    const rows = rowsOf('Tweets');
    expect(rows.map((r) => propertyText(r.properties.Name))).toEqual(['@jack', '@edwardodell', '@naval']);
    expect(propertyText(rows[0]!.properties.Tweet)).toContain('just setting up my twttr');
    expect(propertyText(rows[0]!.properties.Link)).toBe('https://x.com/jack/status/20');
    expect(propertyText(rows[1]!.properties.Link)).toBe('https://x.com/edwardodell/status/1591044196705927168');
    expect(rowsOf('Reading list')).toEqual([]);

    // "Open in Notion" in the answer jumps to the row in the page's table view.
    const open = channel.locator('.msg-ephemeral', { hasText: "Saved @jack's tweet" }).getByRole('link', { name: 'Open in Notion' });
    expect(await open.getAttribute('href')).toBe(`#row-${rows[0]!.id}`);
    await shot(page, 'sandbox-08-three-rows.png');
    // The README's picture (docs/sandbox.png is a copy of it): the same moment at a smaller size.
    await page.setViewportSize({ width: 1000, height: 640 });
    await page.evaluate("for (const id of ['channel-scroll', 'dm-scroll']) { const el = document.getElementById(id); el.scrollTop = el.scrollHeight; }");
    await shot(page, 'sandbox-readme.png');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Undo (a button without a URL) goes back to the app as a signed block action; the row leaves the table.
    await channel.locator('.msg-ephemeral', { hasText: "Saved @naval's tweet" }).getByRole('button', { name: 'Undo' }).click();
    await notion.locator('tr', { hasText: '@naval' }).waitFor({ state: 'detached' });
    expect(rowsOf('Tweets').filter((r) => !r.inTrash).map((r) => propertyText(r.properties.Name))).toEqual(['@jack', '@edwardodell']);
  }, 90_000);

  it('Cancel on the consent page shows the access-denied page and connects nothing', async () => {
    const exchanges = sandbox.notion.tokenExchanges();
    const dms = page.locator('#dms');
    const before = await dms.locator('.item').count();
    const composer = page.getByLabel('Message #general');
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    // Already connected: the new DM offers a reconnect link.
    const reconnect = dms.locator('.item').nth(before).getByRole('link', { name: 'Reconnect Notion' });
    await reconnect.waitFor();
    const [consent] = await Promise.all([context.waitForEvent('page'), reconnect.click()]);
    await consent.getByRole('button', { name: 'Cancel' }).click();
    await consent.getByRole('heading', { name: 'Connection cancelled' }).waitFor();
    await consent.getByText('nothing was connected').waitFor();
    await shot(consent, 'sandbox-09-cancelled.png');
    await consent.close();
    expect(sandbox.notion.tokenExchanges()).toBe(exchanges);
  }, 60_000);

  it('is usable at 375 px wide and never loads anything from outside this computer', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    phone.on('request', (r) => requested.push(r.url()));
    const small = await phone.newPage();
    await small.goto(sandbox.url);
    await small.locator('#notion tr', { hasText: '@jack' }).waitFor();
    const overflow = await small.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await small.screenshot({ path: new URL('sandbox-10-phone.png', ARTIFACTS).pathname });

    /** Whether all of an element is on screen, and not under the composer that sticks to the bottom (the panels stack here, the page scrolls). */
    const onScreen = (l: Locator, clearOfComposer = true) =>
      l.evaluate((el, clear) => {
        // Runs in the page (this project's TypeScript has no DOM types).
        type Box = { top: number; bottom: number; height: number };
        const page = globalThis as unknown as { innerHeight: number; document: { getElementById(id: string): { getBoundingClientRect(): Box } } };
        const r = el.getBoundingClientRect();
        const composer = page.document.getElementById('composer').getBoundingClientRect();
        const bottom = clear && composer.bottom >= page.innerHeight - 1 ? composer.top : page.innerHeight;
        return r.height > 0 && r.top >= 0 && r.bottom <= bottom;
      }, clearOfComposer);
    const channelItems = small.locator('#channel-messages > .item');
    const dmItems = small.locator('#dm-messages > .item');
    /** The "DMs" link in the top bar, by its accessible name. */
    const dmsLink = (name: RegExp) => small.locator('.panel-nav').getByRole('link', { name });

    // The visitor's /notion-connect: the answer comes into view above the composer; the DM, far below, is marked unread.
    const [inChannel, inDms] = [await channelItems.count(), await dmItems.count()];
    const composer = small.getByLabel('Message #general');
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    const reply = channelItems.nth(inChannel + 1);
    await reply.getByText('Check your DMs').waitFor();
    await dmItems.nth(inDms).waitFor();
    await expect.poll(() => onScreen(reply)).toBe(true);
    const pill = small.getByRole('link', { name: '1 new direct message' });
    expect(await onScreen(pill, false)).toBe(true);
    expect(await dmsLink(/^DMs\s*, new message$/).isVisible()).toBe(true);
    expect(await onScreen(dmItems.nth(inDms))).toBe(false);
    await small.screenshot({ path: new URL('sandbox-11-phone-connect.png', ARTIFACTS).pathname });

    // The pill shows the new DM (its Reconnect link) and clears the marks.
    await pill.click();
    await expect.poll(() => onScreen(dmItems.nth(inDms).getByRole('link', { name: 'Reconnect Notion' }))).toBe(true);
    await pill.waitFor({ state: 'hidden' });
    expect(await dmsLink(/^DMs$/).isVisible()).toBe(true);
    expect(await small.locator('.panel-nav .unread-dot').isVisible()).toBe(false);
    await small.screenshot({ path: new URL('sandbox-12-phone-dms.png', ARTIFACTS).pathname });

    // "Save to Notion" on a message near the top: its answer, at the end of the channel, comes into view.
    const answers = small.locator('#channel-messages .msg-ephemeral');
    const answered = await answers.count();
    await small.getByRole('article', { name: 'message from Priya' }).getByRole('button', { name: 'Save to Notion' }).click();
    await answers.nth(answered).waitFor();
    await expect.poll(() => onScreen(answers.last())).toBe(true);
    await small.screenshot({ path: new URL('sandbox-13-phone-saved.png', ARTIFACTS).pathname });
    await small.screenshot({ path: new URL('sandbox-14-phone-full-page.png', ARTIFACTS).pathname, fullPage: true });
    await phone.close();

    const outside = requested.filter((u) => !/^(http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/|data:|about:)/.test(u));
    expect(outside).toEqual([]);
  }, 60_000);
});
