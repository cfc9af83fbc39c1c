import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS, SAVE_SHORTCUT_CALLBACK_ID } from '../../../src/bots/slack/constants.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import {
  appHomeOpenedEvent,
  botImMessageEvent,
  classicTweetAttachment,
  eventCallbackBody,
  imageOnlyAttachment,
  imMessageEvent,
  messageShortcutBody,
  slashCommandBody,
  slashCommandPayload,
  staticSelectActionBody,
  userMessage,
  xTweetAttachment,
} from '../../../src/sandbox/slack/payloads.js';
import { sendSignedRequest } from '../../../src/sandbox/slack/sign-request.js';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';
import { BOT_TOKEN, slackKim as kim, slackSam as sam, SIGNING_SECRET } from '../../helpers/fixtures.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';
import {
  elements,
  plain,
  sharedMessageAttachment,
  slackDriver,
  type SlackDriver,
} from '../../helpers/slack-harness.js';
import { startWorld, type World } from '../../helpers/world.js';

describe('Slack adapter: signed requests against the real Bolt app inside the product', () => {
  let world: World;
  let notion: NotionSandbox;
  let slack: SlackSandbox;
  let product: Product;
  let acme: { id: string };
  let tweets: { dataSourceId: string };
  let events: string;

  beforeEach(async () => {
    world = await startWorld({ slack: true });
    ({ notion, product, acme, table: tweets } = world);
    slack = world.slack!;
    driver = slackDriver({ notion, slack, product });
    events = driver.events;
  });
  afterEach(() => world.stop());

  let driver: SlackDriver;
  const post: SlackDriver['post'] = (...args) => driver.post(...args);
  const command: SlackDriver['command'] = (...args) => driver.command(...args);
  const responsesTo: SlackDriver['responsesTo'] = (url) => driver.responsesTo(url);
  const firstAnswer: SlackDriver['firstAnswer'] = (url) => driver.firstAnswer(url);
  const dms: SlackDriver['dms'] = (who) => driver.dms(who);
  const connect: SlackDriver['connect'] = (...args) => driver.connect(...args);

  it('connects through the DM link, says where tweets go, and saves with /save-tweet', async () => {
    const connected = await connect(sam);
    expect(connected.text).toContain('Connected to *Acme*');
    expect(connected.text).toContain('Tweets');
    // Connect links only ever went to the user's DM (chat.postMessage to their user id).
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.args.channel)).toEqual([sam.userId, sam.userId]);
    expect(slack.callsTo('chat.postEphemeral')).toEqual([]);

    const { res, ack, ackMs, responseUrl } = await command(sam, COMMANDS.save, 'https://x.com/jack/status/20');
    expect(res.status).toBe(200);
    expect(ack).toBeUndefined();
    expect(ackMs).toBeLessThan(3000);
    const answer = await firstAnswer(responseUrl);

    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Name')).toBe('@jack');
    expect(plain(rows[0]!, 'Tweet')).toContain('just setting up my twttr');
    expect(plain(rows[0]!, 'Link')).toBe('https://x.com/jack/status/20');

    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain(`Saved @jack's tweet to <${rows[0]!.url}|Tweets>`);
    expect(elements(answer.body).find((e) => e.action_id === ACTION_IDS.openInNotion)?.url).toBe(rows[0]!.url);
  });

  it('answers an empty /save-tweet with usage help in the ack, without calling Notion', async () => {
    const notionCalls = notion.requests.length;
    const { ack, responseUrl } = await command(sam, COMMANDS.save, '   ');
    expect(ack).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/save-tweet https://x.com/jack/status/20'),
    });
    expect(responsesTo(responseUrl)).toEqual([]);
    expect(notion.requests.length).toBe(notionCalls);
  });

  it('answers options a command does not take, and does nothing else', async () => {
    await connect(sam);
    const calls = slack.calls.length;
    const disconnect = await command(sam, COMMANDS.disconnect, 'now please');
    expect(disconnect.ack).toEqual({
      response_type: 'ephemeral',
      text: expect.stringContaining('takes no options, so I did nothing with `now please`'),
    });
    expect(
      await product.app.core.connectionStatus({ platform: 'slack', teamId: sam.teamId, userId: sam.userId }),
    ).toMatchObject({ connected: true });
    const connectHelp = await command(sam, COMMANDS.connect, 'help');
    expect(connectHelp.ack?.text).toBe(
      'Type just `/notion-connect`: it sends you a private link to connect your Notion.',
    );
    expect(slack.calls.length).toBe(calls);
  });

  it('prompts an unconnected user to connect, privately, with a personal link', async () => {
    const { responseUrl } = await command(sam, COMMANDS.save, 'https://x.com/jack/status/20');
    const answer = await firstAnswer(responseUrl);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain('Connect your Notion first');
    expect(elements(answer.body).find((e) => e.action_id === ACTION_IDS.connectLink)?.url).toMatch(
      /\/oauth\/notion\/start\?t=/,
    );
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);

    const shortcutUrl = slack.newResponseUrl({ userId: sam.userId });
    const message = userMessage({ userId: 'U0OTHER', teamId: sam.teamId, text: 'https://x.com/jack/status/20' });
    await post(
      messageShortcutBody({ ...sam, callbackId: SAVE_SHORTCUT_CALLBACK_ID, message, responseUrl: shortcutUrl }),
    );
    const viaShortcut = await firstAnswer(shortcutUrl);
    expect(viaShortcut.body.text).toContain('Connect your Notion first');
  });

  it.each([
    [
      'classic "twitter"',
      classicTweetAttachment,
      'https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=Xq1cZ3dW6yBd2ZrZ8Ui4hA',
    ],
    ['X-era "X (formerly Twitter)"', xTweetAttachment, 'https://x.com/edwardodell/status/1591044196705927168'],
  ])('saves a message with a %s unfurl through the message shortcut', async (_shape, attachment, link) => {
    await connect(sam);
    const message = userMessage({
      userId: 'U0OTHER',
      teamId: sam.teamId,
      text: `<${link}>`,
      attachments: [
        attachment({
          name: 'Edward Odell',
          handle: 'edwardodell',
          statusId: '1591044196705927168',
          text: 'NEVER LEAVE, NEVER PAY',
        }),
        imageOnlyAttachment(link),
      ],
    });
    const responseUrl = slack.newResponseUrl({ userId: sam.userId, channelId: 'C0GENERAL' });
    const res = await post(
      messageShortcutBody({ ...sam, callbackId: SAVE_SHORTCUT_CALLBACK_ID, message, responseUrl }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const answer = await firstAnswer(responseUrl);

    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Name')).toBe('@edwardodell');
    expect(plain(rows[0]!, 'Tweet')).toBe('NEVER LEAVE, NEVER PAY');
    expect(plain(rows[0]!, 'Link')).toBe('https://x.com/edwardodell/status/1591044196705927168');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(rows[0]!.url) });
  });

  it('saves a tweet link sent to the bot by DM, answers in the DM, ignores its own messages, and acts once on retries', async () => {
    await connect(sam);
    const channel = slack.imChannelFor(sam.userId);
    const body = eventCallbackBody({
      teamId: sam.teamId,
      botUserId: slack.botUserId,
      eventId: 'Ev0DMSAVE1',
      event: imMessageEvent({ ...sam, channel, text: '<https://x.com/jack/status/20>' }),
    });
    const first = await post(body);
    expect(first.status).toBe(200);
    const reply = await waitFor(() => slack.messagesTo(channel).find((m) => m.text?.startsWith('Saved')), {
      what: 'the DM reply',
    });
    expect(reply.channel).toBe(channel);
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);

    // Slack retries the same event (e.g. after a slow ack): same event_id, retry headers.
    const callsBefore = slack.calls.length;
    for (const n of ['1', '2']) {
      const retry = await post(body, { headers: { 'x-slack-retry-num': n, 'x-slack-retry-reason': 'http_timeout' } });
      expect(retry.status).toBe(200);
    }
    // The bot's own reply echoed back as message.im must not be answered either.
    const echo = eventCallbackBody({
      teamId: sam.teamId,
      botUserId: slack.botUserId,
      event: botImMessageEvent({
        botUserId: slack.botUserId,
        botId: slack.botId,
        teamId: sam.teamId,
        channel,
        text: reply.text ?? '',
      }),
    });
    expect((await post(echo)).status).toBe(200);
    // A later, distinct event proves the earlier ones were processed (and ignored) by now.
    const marker = eventCallbackBody({
      teamId: sam.teamId,
      botUserId: slack.botUserId,
      event: imMessageEvent({ ...sam, channel, text: 'hello' }),
    });
    await post(marker);
    await waitFor(() => slack.messagesTo(channel).some((m) => m.text?.includes('could not find a tweet')), {
      what: 'the marker reply',
    });
    await product.app.core.idle();
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
    expect(slack.calls.slice(callsBefore).map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it("takes the words around a tweet link in a DM as a comment and saves the tweet's own text, from oEmbed", async () => {
    await connect(sam);
    const channel = slack.imChannelFor(sam.userId);
    // Slack sends the link preview later (message_changed), so the DM arrives without an unfurl.
    await post(
      eventCallbackBody({
        teamId: sam.teamId,
        botUserId: slack.botUserId,
        event: imMessageEvent({ ...sam, channel, text: 'wow look at this <https://x.com/jack/status/20>' }),
      }),
    );
    const reply = await waitFor(() => slack.messagesTo(channel).find((m) => m.text?.startsWith('Saved')), {
      what: 'the DM reply',
    });

    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Tweet')).toBe('just setting up my twttr');
    expect(plain(rows[0]!, 'Name')).toBe('@jack');
    expect(plain(rows[0]!, 'Link')).toBe('https://x.com/jack/status/20');
    expect(world.oembed.requests).toEqual([expect.stringMatching(/\/jack\/status\/20$/)]);
    expect(reply.text).toContain(rows[0]!.url);
  });

  it("the shortcut on a message with a comment and a tweet link (no unfurl yet) saves the tweet's text, from oEmbed", async () => {
    await connect(sam);
    const message = userMessage({
      userId: 'U0OTHER',
      teamId: sam.teamId,
      text: "this is the one I meant: <https://twitter.com/jack/status/20|jack's tweet> :joy:",
    });
    const responseUrl = slack.newResponseUrl({ userId: sam.userId, channelId: 'C0GENERAL' });
    await post(messageShortcutBody({ ...sam, callbackId: SAVE_SHORTCUT_CALLBACK_ID, message, responseUrl }));
    const answer = await firstAnswer(responseUrl);
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Tweet')).toBe('just setting up my twttr');
    expect(plain(rows[0]!, 'Link')).toBe('https://x.com/jack/status/20');
    expect(answer.body.text).toContain(rows[0]!.url);
  });

  it('saves the tweet of a message shared (forwarded) to the bot by DM, never its Slack permalink', async () => {
    await connect(sam);
    const channel = slack.imChannelFor(sam.userId);
    const shared = sharedMessageAttachment({
      teamId: sam.teamId,
      channelId: 'C0GENERAL',
      authorId: 'U0PRIYA',
      authorName: 'Priya',
      text: 'this is wild <https://x.com/jack/status/20>',
    });
    const event = imMessageEvent({ ...sam, channel, text: '', attachments: [shared] });
    expect(
      await post(eventCallbackBody({ teamId: sam.teamId, botUserId: slack.botUserId, event })).then((r) => r.status),
    ).toBe(200);
    const reply = await waitFor(() => slack.messagesTo(channel).find((m) => m.text?.startsWith('Saved')), {
      what: 'the DM reply',
    });

    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Name')).toBe('@jack');
    expect(plain(rows[0]!, 'Tweet')).toBe('just setting up my twttr');
    expect(plain(rows[0]!, 'Link')).toBe('https://x.com/jack/status/20');
    expect(reply.channel).toBe(channel);
    expect(reply.text).toContain(rows[0]!.url);
    expect(JSON.stringify(rows)).not.toContain('slack.com/archives');

    // A shared message holding copied tweet text (no link) is saved from that text, the sharer's words aside.
    const copied = sharedMessageAttachment({
      teamId: sam.teamId,
      channelId: 'C0GENERAL',
      authorId: 'U0PRIYA',
      authorName: 'Priya',
      text: '@naval Seek wealth, not money or status.',
    });
    await post(
      eventCallbackBody({
        teamId: sam.teamId,
        botUserId: slack.botUserId,
        event: imMessageEvent({ ...sam, channel, text: '', attachments: [copied] }),
      }),
    );
    await waitFor(() => notion.rows(tweets.dataSourceId).length === 2, { what: 'the second row' });
    const second = notion.rows(tweets.dataSourceId).find((r) => plain(r, 'Name') === '@naval');
    expect(plain(second!, 'Tweet')).toBe('Seek wealth, not money or status.');
  });

  it("answers Slack's signed url_verification challenge (saving the manifest's request URL)", async () => {
    const res = await post(
      JSON.stringify({ token: 'deprecated', challenge: 'c3RhcnQtY2hhbGxlbmdl', type: 'url_verification' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c3RhcnQtY2hhbGxlbmdl' });
    const forged = await post(JSON.stringify({ token: 'deprecated', challenge: 'x', type: 'url_verification' }), {
      secret: 'wrong',
    });
    expect(forged.status).toBe(401);
  });

  it('refuses to start with a bot token Slack rejects, naming the variable', async () => {
    const other = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    try {
      await expect(
        startProduct({
          notion: other,
          env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_API_URL: slack.apiUrl },
        }),
      ).rejects.toThrow(/SLACK_BOT_TOKEN.*invalid_auth/);
    } finally {
      await other.close();
    }
  });

  it('rejects a forged signature with 401 and does nothing', async () => {
    await connect(sam);
    const callsBefore = slack.calls.length;
    const notionBefore = notion.requests.length;
    const responseUrl = slack.newResponseUrl({ userId: sam.userId });
    const forgedCommand = await post(
      slashCommandBody({ ...sam, command: COMMANDS.save, text: 'https://x.com/jack/status/20', responseUrl }),
      {
        secret: 'not-the-signing-secret',
      },
    );
    expect(forgedCommand.status).toBe(401);
    const channel = slack.imChannelFor(sam.userId);
    const eventBody = eventCallbackBody({
      teamId: sam.teamId,
      botUserId: slack.botUserId,
      event: imMessageEvent({ ...sam, channel, text: 'https://x.com/jack/status/20' }),
    });
    const tampered = await post(eventBody, { headers: { 'x-slack-signature': `v0=${'0'.repeat(64)}` } });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(events, {
      method: 'POST',
      body: eventBody,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(401);

    // A genuine request afterwards still works, so the silence above was the rejection.
    const marker = await command(sam, COMMANDS.disconnect, '');
    await waitFor(() => responsesTo(marker.responseUrl).length > 0);
    await product.app.core.idle();
    expect(responsesTo(responseUrl)).toEqual([]);
    expect(slack.calls.slice(callsBefore)).toEqual([]);
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);
    expect(notion.requests.slice(notionBefore).map((r) => r.path)).toEqual(['/v1/oauth/revoke']);
  });

  it('rejects timestamps more than 5 minutes old or ahead with 401, and accepts small skew', async () => {
    await connect(sam);
    const nowSec = Math.floor(Date.now() / 1000);
    const callsBefore = slack.calls.length;
    const urls: string[] = [];
    for (const timestamp of [nowSec - 6 * 60, nowSec + 6 * 60, nowSec + 24 * 3600]) {
      const responseUrl = slack.newResponseUrl({ userId: sam.userId });
      urls.push(responseUrl);
      const res = await post(
        slashCommandBody({ ...sam, command: COMMANDS.save, text: 'https://x.com/jack/status/20', responseUrl }),
        { timestamp },
      );
      expect(res.status, `timestamp ${timestamp - nowSec}s from now`).toBe(401);
    }
    const ok = slack.newResponseUrl({ userId: sam.userId });
    const res = await post(
      slashCommandBody({ ...sam, command: COMMANDS.save, text: 'https://x.com/jack/status/20', responseUrl: ok }),
      { timestamp: nowSec + 60 },
    );
    expect(res.status).toBe(200);
    await waitFor(() => responsesTo(ok).length > 0);
    await product.app.core.idle();
    for (const url of urls) expect(responsesTo(url)).toEqual([]);
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
    expect(slack.calls.slice(callsBefore)).toEqual([]);
  });

  it('keeps two users of different workspaces apart, even with the same user id', async () => {
    const beta = notion.addWorkspace({ name: 'Beta' });
    const betaTable = notion.addTable(beta.id, {
      title: 'Kim tweets',
      properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' },
    });
    await connect(sam);
    const kimConnected = await connect(kim, { workspaceId: beta.id });
    expect(kimConnected.text).toContain('Connected to *Beta*');

    const a = await command(sam, COMMANDS.save, 'https://x.com/jack/status/20');
    const b = await command(
      kim,
      COMMANDS.save,
      '@naval How to get rich without getting lucky https://twitter.com/naval/status/1002103360646823936',
    );
    await waitFor(() => responsesTo(a.responseUrl).length > 0 && responsesTo(b.responseUrl).length > 0);
    expect(notion.rows(tweets.dataSourceId).map((r) => plain(r, 'Name'))).toEqual(['@jack']);
    expect(notion.rows(betaTable.dataSourceId).map((r) => plain(r, 'Name'))).toEqual(['@naval']);

    // Sam's user id in Kim's workspace is someone else: not connected.
    const stranger = await command({ ...sam, teamId: kim.teamId }, COMMANDS.save, 'https://x.com/jack/status/20');
    const answer = await firstAnswer(stranger.responseUrl);
    expect(answer.body.text).toContain('Connect your Notion first');
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
    expect(notion.rows(betaTable.dataSourceId)).toHaveLength(1);
  });

  it('offers a picker when two tables are shared; the chosen table gets the next save', async () => {
    const reading = notion.addTable(acme.id, {
      title: 'Reading list',
      properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' },
    });
    const connected = await connect(sam);
    expect(connected.text).toContain('Pick the one to save tweets to');
    const picker = elements(connected).find((e) => e.action_id === ACTION_IDS.chooseTable);
    expect(picker?.type).toBe('static_select');
    expect(picker!.options!.map((o) => o.text.text).sort()).toEqual(['Reading list', 'Tweets']);
    const choice = picker!.options!.find((o) => o.text.text === 'Reading list')!;

    // Before choosing, a save asks to pick.
    const early = await command(sam, COMMANDS.save, 'https://x.com/jack/status/20');
    const pick = await firstAnswer(early.responseUrl);
    expect(elements(pick.body).some((e) => e.action_id === ACTION_IDS.chooseTable)).toBe(true);

    const responseUrl = slack.newResponseUrl({ userId: sam.userId, channelId: slack.imChannelFor(sam.userId) });
    const res = await post(
      staticSelectActionBody({
        ...sam,
        actionId: ACTION_IDS.chooseTable,
        value: choice.value,
        label: choice.text.text,
        responseUrl,
        channelId: slack.imChannelFor(sam.userId),
        messageTs: connected.ts,
      }),
    );
    expect(res.status).toBe(200);
    const chosen = await firstAnswer(responseUrl);
    expect(chosen.body).toMatchObject({ replace_original: true, text: expect.stringContaining('Reading list') });

    const { responseUrl: saveUrl } = await command(sam, COMMANDS.save, 'https://x.com/jack/status/20');
    await waitFor(() => responsesTo(saveUrl).length > 0);
    expect(notion.rows(reading.dataSourceId)).toHaveLength(1);
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);
  });

  it('reconnect offer, Home tab and /notion-disconnect', async () => {
    await connect(sam);
    const before = dms(sam).length;
    await command(sam, COMMANDS.connect, '');
    const again = await waitFor(() => dms(sam)[before]);
    expect(again.text).toContain('Connected to *Acme*');
    expect(JSON.stringify(again.blocks)).toContain('Reconnect Notion');

    const channel = slack.imChannelFor(sam.userId);
    await post(
      eventCallbackBody({
        teamId: sam.teamId,
        botUserId: slack.botUserId,
        event: appHomeOpenedEvent({ userId: sam.userId, channel }),
      }),
    );
    const publish = await waitFor(() => slack.callsTo('views.publish')[0]);
    expect(publish).toMatchObject({ ok: true, args: { user_id: sam.userId } });
    expect(JSON.stringify(publish.args.view)).toContain('Connected to *Acme*');

    const { responseUrl } = await command(sam, COMMANDS.disconnect, '');
    const bye = await firstAnswer(responseUrl);
    expect(bye.body).toMatchObject({
      response_type: 'ephemeral',
      text: 'Disconnected from *Acme*. Nothing will be saved until you connect again.',
    });
    const after = await command(sam, COMMANDS.save, 'https://x.com/jack/status/20');
    const prompt = await firstAnswer(after.responseUrl);
    expect(prompt.body.text).toContain('Connect your Notion first');
  });
});

describe('Slack adapter in Socket Mode (SLACK_APP_TOKEN set, no SLACK_SIGNING_SECRET)', () => {
  const APP_TOKEN = 'xapp-1-A0SANDBOX-e2e-app-level-token';
  let notion: NotionSandbox;
  let slack: SlackSandbox;
  let product: Product;

  beforeEach(async () => {
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Acme' });
    notion.addTable(ws.id, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } });
    slack = await startSlackSandbox({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    product = await startProduct({
      notion,
      // Socket Mode requests are not signed, so the README's Socket Mode setup has no signing secret.
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl },
    });
  });
  afterEach(async () => {
    await product.stop();
    await slack.close();
    await notion.close();
  });

  it('connects out over the socket, acks envelopes, and mounts no HTTP request URL', async () => {
    expect(slack.socketConnected()).toBe(true);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
    const res = await sendSignedRequest(`${product.url}/slack/events`, 'x=1', { signingSecret: SIGNING_SECRET });
    expect(res.status).toBe(404);
    expect((await fetch(`${product.url}/healthz`)).status).toBe(200);

    const responseUrl = slack.newResponseUrl({ userId: sam.userId });
    const ack = await slack.sendEnvelope(
      'slash_commands',
      slashCommandPayload({ ...sam, command: COMMANDS.connect, text: '', responseUrl }),
    );
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Check your DMs') });
    const dm = await waitFor(() => slack.messagesTo(sam.userId).find((m) => m.via === 'chat.postMessage'));
    expect(elements(dm).find((e) => e.action_id === ACTION_IDS.connectLink)?.url).toMatch(/\/oauth\/notion\/start\?t=/);

    const saveUrl = slack.newResponseUrl({ userId: sam.userId });
    await slack.sendEnvelope(
      'slash_commands',
      slashCommandPayload({
        ...sam,
        command: COMMANDS.save,
        text: 'https://x.com/jack/status/20',
        responseUrl: saveUrl,
      }),
    );
    const answer = await waitFor(() => slack.responses.find((r) => saveUrl.endsWith(`/${r.id}`)));
    expect(answer.body.text).toContain('Connect your Notion first');
  });
});
