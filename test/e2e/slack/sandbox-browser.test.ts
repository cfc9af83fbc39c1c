import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox-mode.js';
import { SECOND_TABLE } from '../../../src/sandbox/sandbox-seed.js';
import { propertyText } from '../../../src/sandbox/web/sandbox-views.js';

/**
 * Sandbox mode in a real headless Chromium (Debian's /usr/bin/chromium; never a downloaded browser):
 * the visitor connects through the emulated Notion consent page and saves tweets by command and by
 * the message shortcut, all through the real product. Screenshots of each step go to test/artifacts/.
 */

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
/** Scrolling and rendering can take seconds when the whole suite shares two cores with Chromium. */
const SLOW_PAGE = { timeout: 10_000 };
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Without a browser the test is skipped, loudly, on a developer's machine; CI must have one (.ci/run installs it). */
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  if (process.env.CI)
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  console.warn(
    `[sandbox-browser] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

describe.skipIf(!haveBrowser)('sandbox mode in a real browser', () => {
  let sandbox: RunningSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the browser asked for, to prove nothing left 127.0.0.1/localhost. */
  const requested: string[] = [];

  const shot = (p: Page, name: string) => p.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: false });
  /** A seeded table by title. */
  const tableOf = (title: string) => sandbox.tables.find((t) => t.title === title)!;
  /** Rows of a seeded table, read from the Notion emulation itself. */
  const rowsOf = (title: string) => sandbox.notion.rows(tableOf(title).dataSourceId);
  /** Names of the rows not in the trash. */
  const namesIn = (title: string) =>
    rowsOf(title)
      .filter((r) => !r.inTrash)
      .map((r) => propertyText(r.properties.Name));

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
        },
      },
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
    // The seeded tables are shown, empty.
    await notion
      .getByRole('region', { name: 'Notion table Tweets in Acme Sandbox' })
      .getByText('No rows yet')
      .waitFor();
    await notion
      .getByRole('region', { name: `Notion table ${SECOND_TABLE} in Acme Sandbox` })
      .getByText('No rows yet')
      .waitFor();
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
    expect(await connectButton.getAttribute('href')).toMatch(
      new RegExp(`^${sandbox.app.publicUrl}/oauth/notion/start\\?t=[A-Za-z0-9_-]{43}$`),
    );
    await shot(page, 'sandbox-02-dm.png');

    // Connect opens the product's confirmation page in a new tab (as a URL button in Slack does): it
    // names the Slack account and workspace the link connects; its button goes on to Notion's consent page.
    const [consent] = await Promise.all([context.waitForEvent('page'), connectButton.click()]);
    await consent.getByRole('heading', { name: /^Connect Notion to @.+ in .+'s Slack\?$/ }).waitFor();
    await shot(consent, 'sandbox-03a-confirm.png');
    await consent.getByRole('button', { name: 'Continue to Notion' }).click();
    await consent.getByRole('heading', { name: /Save to Notion wants to access/ }).waitFor();
    expect(consent.url().startsWith(sandbox.notion.url)).toBe(true);
    await consent
      .getByRole('group', { name: /Acme Sandbox/ })
      .getByText('Tweets')
      .waitFor();
    // One table is offered ticked, so connecting as it comes needs no further question.
    expect(await consent.getByRole('checkbox', { name: /^Tweets/ }).isChecked()).toBe(true);
    expect(await consent.getByRole('checkbox', { name: new RegExp(`^${SECOND_TABLE}`) }).isChecked()).toBe(false);
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

    // Back in the sandbox tab: the bot's "connected" DM arrives by itself (the page polls), naming
    // the one table shared as where tweets go.
    await page.bringToFront();
    const willSave = dms.locator('.bk-section', { hasText: 'Connected to Acme Sandbox. Tweets will be saved to' });
    await willSave.waitFor();
    await shot(page, 'sandbox-05-connected.png');

    // The table's name links to the table in the page's Notion pane, not to notion.so.
    const tableLink = willSave.getByRole('link', { name: 'Tweets' });
    const tweetsAnchor = `#table-${tableOf('Tweets').dataSourceId}`;
    expect(await tableLink.getAttribute('href')).toBe(tweetsAnchor);
    expect(await tableLink.getAttribute('target')).toBeNull();
    await tableLink.click();
    await expect.poll(() => new URL(page.url()).hash).toBe(tweetsAnchor);
    expect(await notion.locator('section.notion-table:target').getAttribute('aria-label')).toBe(
      'Notion table Tweets in Acme Sandbox',
    );

    // /save-tweet: the row appears in the live table view.
    await composer.fill('/save-tweet https://x.com/jack/status/20 just setting up my twttr');
    await composer.press('Enter');
    await notion.locator('tr', { hasText: '@jack' }).waitFor();
    await channel.getByText("Saved @jack's tweet to").waitFor();
    await notion.locator('tr', { hasText: 'just setting up my twttr' }).waitFor();
    // The Link cell is cut short; its title has the whole link.
    expect(await notion.locator('tr', { hasText: '@jack' }).getByRole('link').getAttribute('title')).toBe(
      'https://x.com/jack/status/20',
    );
    await shot(page, 'sandbox-06-saved-by-command.png');

    // "Save to Notion" on Marco's message (classic Twitter unfurl), by mouse.
    await channel
      .getByRole('article', { name: 'message from Marco' })
      .getByRole('button', { name: 'Save to Notion' })
      .click();
    await notion.locator('tr', { hasText: '@edwardodell' }).waitFor();
    await notion.locator('tr', { hasText: 'NEVER LEAVE, NEVER PAY' }).waitFor();
    await shot(page, 'sandbox-07-saved-by-shortcut.png');

    // … and on Priya's (X-era unfurl), by keyboard.
    await channel
      .getByRole('article', { name: 'message from Priya' })
      .getByRole('button', { name: 'Save to Notion' })
      .focus();
    await page.keyboard.press('Enter');
    await notion.locator('tr', { hasText: '@naval' }).waitFor();
    await channel.locator('.msg-ephemeral', { hasText: "Saved @naval's tweet" }).waitFor();

    // `to Reading` (the example in the bot's help) names a table that is not shared yet: the answer lists those that are.
    await composer.fill('/save-tweet https://x.com/jack/status/20 to Reading');
    await composer.press('Enter');
    await channel
      .locator('.msg-ephemeral', { hasText: 'No shared table is called Reading. Your tables: Tweets.' })
      .waitFor();

    // Connecting again with the second table ticked too keeps Tweets as where saves go …
    const connectLinks = dms.getByRole('link', { name: /^(Re)?[Cc]onnect Notion$/ });
    const linksBefore = await connectLinks.count();
    await composer.fill('/notion-connect');
    await composer.press('Enter');
    // The new DM's link, not the first one (already used): wait until it is on the page.
    await expect.poll(() => connectLinks.count(), { timeout: 10_000 }).toBeGreaterThan(linksBefore);
    const reconnect = connectLinks.last();
    const [again] = await Promise.all([context.waitForEvent('page'), reconnect.click()]);
    await again.getByRole('button', { name: 'Continue to Notion' }).click();
    await again.getByRole('checkbox', { name: new RegExp(`^${SECOND_TABLE}`) }).check();
    await again.getByRole('button', { name: 'Allow access' }).click();
    await again.getByRole('heading', { name: 'Notion connected' }).waitFor();
    await again.close();
    await page.bringToFront();
    await dms.locator('.bk-section', { hasText: 'Tweets will be saved to' }).nth(1).waitFor();

    // … and `to Reading` now saves once to the other table, by the start of its name.
    await composer.fill('/save-tweet https://x.com/jack/status/20 to Reading');
    await composer.press('Enter');
    const toReading = channel.locator('.msg-ephemeral', { hasText: `Saved @jack's tweet to ${SECOND_TABLE}` });
    await toReading.waitFor();
    await notion
      .getByRole('region', { name: `Notion table ${SECOND_TABLE} in Acme Sandbox` })
      .locator('tr', { hasText: '@jack' })
      .waitFor();
    expect(namesIn(SECOND_TABLE)).toEqual(['@jack']);
    expect(await toReading.getByRole('link', { name: 'Open in Notion' }).getAttribute('href')).toBe(
      `#row-${rowsOf(SECOND_TABLE)[0]!.id}`,
    );

    // The rows in Notion itself, and only in the tables that were named.
    const rows = rowsOf('Tweets');
    expect(rows.map((r) => propertyText(r.properties.Name))).toEqual(['@jack', '@edwardodell', '@naval']);
    expect(propertyText(rows[0]!.properties.Tweet)).toContain('just setting up my twttr');
    expect(propertyText(rows[0]!.properties.Link)).toBe('https://x.com/jack/status/20');
    expect(propertyText(rows[1]!.properties.Link)).toBe('https://x.com/edwardodell/status/1591044196705927168');
    expect(rowsOf('Reading list')).toEqual([]);

    // "Open in Notion" in the answer jumps to the row in the page's table view.
    const open = channel
      .locator('.msg-ephemeral', { hasText: "Saved @jack's tweet to Tweets" })
      .getByRole('link', { name: 'Open in Notion' });
    expect(await open.getAttribute('href')).toBe(`#row-${rows[0]!.id}`);
    await shot(page, 'sandbox-08-three-rows.png');
    // The README's picture (docs/sandbox.png is a copy of it): the same moment at a smaller size.
    await page.setViewportSize({ width: 1000, height: 640 });
    await page.evaluate(
      "for (const id of ['channel-scroll', 'dm-scroll']) { const el = document.getElementById(id); el.scrollTop = el.scrollHeight; }",
    );
    await shot(page, 'sandbox-readme.png');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Undo (a button without a URL) goes back to the app as a signed block action; the row leaves the table.
    await channel
      .locator('.msg-ephemeral', { hasText: "Saved @naval's tweet" })
      .getByRole('button', { name: 'Undo' })
      .click();
    await notion.locator('tr', { hasText: '@naval' }).waitFor({ state: 'detached' });
    expect(namesIn('Tweets')).toEqual(['@jack', '@edwardodell']);
  }, 90_000);

  it('sends a tweet link typed in the DM pane to the app as a message.im event, and shows the answer there', async () => {
    const dms = page.locator('#dms');
    const notion = page.locator('#notion');
    const im = sandbox.slack.imChannelFor('U0SANDBOXYOU');
    const before = sandbox.slack.messagesTo(im).length;
    const box = page.getByLabel('Message Save to Notion');
    await box.fill('https://x.com/naval/status/1002103360646823936 worth a read');
    await box.press('Enter');
    // The visitor's message, with the preview Slack adds, then the bot's answer below it.
    const mine = dms.getByRole('article', { name: 'message from You' }).last();
    await mine.getByText('How to Get Rich').waitFor();
    const answer = dms.locator('.item', { has: page.getByText("Saved @naval's tweet to") });
    await answer.waitFor();
    expect(await dms.locator('.item').last().innerText()).toContain("Saved @naval's tweet to Tweets");
    await notion.locator('tr', { hasText: '@naval' }).waitFor();
    expect(await box.inputValue()).toBe('');
    // The bot answered in the app's DM channel (chat.postMessage), and the tweet's own text was saved, not the comment.
    expect(
      sandbox.slack
        .messagesTo(im)
        .slice(before)
        .map((m) => m.via),
    ).toEqual(['chat.postMessage']);
    expect(namesIn('Tweets')).toEqual(['@jack', '@edwardodell', '@naval']);
    const naval = rowsOf('Tweets').filter((r) => !r.inTrash)[2]!;
    expect(propertyText(naval.properties.Tweet)).toBe('How to Get Rich (without getting lucky):');
    expect(await answer.getByRole('link', { name: 'Open in Notion' }).getAttribute('href')).toBe(`#row-${naval.id}`);
    await shot(page, 'sandbox-15-dm-link.png');

    // Commands belong in the channel's box: the DM box says so and keeps the text.
    await box.fill('/notion-connect');
    await box.press('Enter');
    await dms.getByRole('status').getByText('Send commands in the #general message box').waitFor();
    expect(await box.inputValue()).toBe('/notion-connect');
    await box.fill('');
  }, 60_000);

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
    await consent.getByRole('button', { name: 'Continue to Notion' }).click();
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
    await small.locator('#notion tr', { hasText: '@jack' }).first().waitFor();
    const overflow = await small.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // The suggestion chips wrap: none runs off the right edge.
    const chips = await small
      .locator('.suggestions .chip')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
    expect(chips.length).toBeGreaterThanOrEqual(4);
    for (const right of chips) expect(right).toBeLessThanOrEqual(375);
    await small.screenshot({ path: new URL('sandbox-10-phone.png', ARTIFACTS).pathname });

    /** Whether all of an element is on screen, and not under the composer that sticks to the bottom (the panels stack here, the page scrolls). */
    const onScreen = (l: Locator, clearOfComposer = true) =>
      l.evaluate((el, clear) => {
        // Runs in the page (this project's TypeScript has no DOM types).
        type Box = { top: number; bottom: number; height: number };
        const page = globalThis as unknown as {
          innerHeight: number;
          document: { getElementById(id: string): { getBoundingClientRect(): Box } };
        };
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
    await expect.poll(() => onScreen(reply), SLOW_PAGE).toBe(true);
    const pill = small.getByRole('link', { name: '1 new direct message' });
    expect(await onScreen(pill, false)).toBe(true);
    expect(await dmsLink(/^DMs\s*, new message$/).isVisible()).toBe(true);
    expect(await onScreen(dmItems.nth(inDms))).toBe(false);
    await small.screenshot({ path: new URL('sandbox-11-phone-connect.png', ARTIFACTS).pathname });

    // The pill shows the new DM (its Reconnect link) and clears the marks.
    await pill.click();
    await expect
      .poll(() => onScreen(dmItems.nth(inDms).getByRole('link', { name: 'Reconnect Notion' })), SLOW_PAGE)
      .toBe(true);
    await pill.waitFor({ state: 'hidden' });
    expect(await dmsLink(/^DMs$/).isVisible()).toBe(true);
    expect(await small.locator('.panel-nav .unread-dot').isVisible()).toBe(false);
    await small.screenshot({ path: new URL('sandbox-12-phone-dms.png', ARTIFACTS).pathname });

    // "Save to Notion" on a message near the top: its answer, at the end of the channel, comes into view.
    const answers = small.locator('#channel-messages .msg-ephemeral');
    const answered = await answers.count();
    await small
      .getByRole('article', { name: 'message from Priya' })
      .getByRole('button', { name: 'Save to Notion' })
      .click();
    await answers.nth(answered).waitFor();
    await expect.poll(() => onScreen(answers.last()), SLOW_PAGE).toBe(true);
    await small.screenshot({ path: new URL('sandbox-13-phone-saved.png', ARTIFACTS).pathname });
    await small.screenshot({ path: new URL('sandbox-14-phone-full-page.png', ARTIFACTS).pathname, fullPage: true });
    await phone.close();

    const outside = requested.filter((u) => !/^(http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/|data:|about:)/.test(u));
    expect(outside).toEqual([]);
  }, 60_000);
});
