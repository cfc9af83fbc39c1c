import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../scripts/discord-register.js';
import { commandsJson } from '../../../src/bots/discord/commands/index.js';
import { createDiscordBot } from '../../../src/bots/discord/index.js';
import { CHECK_DMS_TEXT } from '../../../src/chat/messages.js';
import type { Core } from '../../../src/core/core.js';
import { createLogger } from '../../../src/log.js';
import {
  startFakeDiscord,
  tweetEmbed,
  type FakeDiscord,
  type FakeUser,
} from '../../../src/sandbox/discord/discord-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../../../src/sandbox/oembed/oembed-sandbox.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import {
  componentsOf,
  connectThroughDiscordOf,
  discordEnv,
  EPHEMERAL,
  finalReplyOf,
  linkButton,
  text,
} from '../../helpers/discord-harness.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';

describe('Discord: the real discord.js client against a local Discord, inside the real product', () => {
  let oembed: OembedSandbox;
  let discord: FakeDiscord;
  let notion: NotionSandbox;
  let product: Product;
  let acme: { id: string };
  let tweets: { dataSourceId: string; url: string };
  /** Another person's table in another workspace: no save of kim's may touch it. */
  let otherTable: { dataSourceId: string };
  let kim: FakeUser;

  beforeAll(async () => {
    oembed = await startOembedSandbox();
  });
  afterAll(async () => {
    await oembed.close();
  });

  beforeEach(async () => {
    discord = await startFakeDiscord();
    await registerCommands({
      config: { token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl },
    });
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    acme = notion.addWorkspace({ name: 'Acme' });
    tweets = notion.addTable(acme.id, {
      title: 'Tweets',
      properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' },
    });
    const elsewhere = notion.addWorkspace({ name: 'Elsewhere' });
    otherTable = notion.addTable(elsewhere.id, { title: 'Not kim', properties: { Name: 'title', Tweet: 'rich_text' } });
    product = await startProduct({ notion, oembedUrl: oembed.url, env: discordEnv(discord) });
    kim = discord.user('kim');
  });
  afterEach(async () => {
    await product?.stop();
    await discord.stop();
    await notion.close();
  });

  const finalReply = (interactionId: string) => finalReplyOf(discord, interactionId);
  const connectThroughDiscord = (user: FakeUser, opts: Parameters<typeof completeConnect>[2] = {}) =>
    connectThroughDiscordOf({ discord, notion, product }, user, opts);

  it('logs in with only non-privileged intents and registers the six commands', async () => {
    expect(discord.gateway.identifies).toHaveLength(1);
    const { intents } = discord.gateway.identifies[0]!;
    expect(intents).toBe(1 << 12); // DirectMessages only: nothing reads the guild/channel caches Guilds would fill
    expect(discord.globalCommands.map((c) => [c.type, c.name])).toEqual([
      [1, 'notion-connect'],
      [1, 'save-tweet'],
      [1, 'notion-disconnect'],
      [3, 'Save to Notion'],
      [1, 'save-thread'],
      [3, 'Save thread to Notion'],
    ]);
  });

  it('/notion-connect answers ephemerally at once, DMs a personal link button, and DMs the result after the callback', async () => {
    const { id } = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim });
    const dm = await waitFor(() => discord.dmsTo(kim.id)[0]?.message, { what: 'the connect DM' });
    const [ack] = discord.callbacksFor(id);
    expect(ack).toMatchObject({ type: 4, flags: EPHEMERAL, status: 204 });
    expect(ack!.data?.content).toBe(CHECK_DMS_TEXT);
    expect(ack!.elapsedMs).toBeLessThan(3000);

    const button = linkButton(dm);
    expect(button?.label).toBe('Connect Notion');
    expect(button?.url).toMatch(new RegExp(`^${product.url}/oauth/notion/start\\?t=[A-Za-z0-9_-]{43}$`));
    expect(dm.content).not.toContain(button!.url!); // the link lives in the button, not in the text
    // The link's page names the account by the username in Discord's own interaction payload.
    const confirm = await (await fetch(button!.url!)).text();
    expect(confirm).toContain(`<h1>Connect Notion to @${kim.username} on Discord?</h1>`);

    // A second /notion-connect while the first link is live and unused shows that link again (one link per user).
    discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim });
    const second = await waitFor(() => discord.dmsTo(kim.id)[1]?.message, { what: 'the second connect DM' });
    expect(linkButton(second)?.url).toBe(button!.url);

    const page = await completeConnect(button!.url!, notion);
    expect(page.status).toBe(200);
    await product.app.core.idle();
    const connected = await waitFor(() => discord.dmsTo(kim.id)[2]?.message, { what: 'the connected DM' });
    expect(connected.content).toContain('Connected to **Acme**.');
    expect(connected.content).toContain('Tweets will be saved to [Tweets](');
    expect(linkButton(connected)).toMatchObject({ label: 'Open in Notion' });
    expect(await product.app.core.connectionStatus({ platform: 'discord', userId: kim.id })).toMatchObject({
      connected: true,
      workspaceName: 'Acme',
    });
  });

  it('gives the link in the ephemeral reply when the user does not accept DMs (50007)', async () => {
    discord.blockDms(kim.id);
    const { id } = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim, in: 'guild' });
    const edited = await waitFor(() => discord.originalEdits.find((e) => e.interactionId === id)?.message, {
      what: 'the fallback edit',
    });
    expect(edited.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(edited.content).toContain('I could not send you a DM');
    const url = linkButton(edited)?.url;
    expect(url).toMatch(/\/oauth\/notion\/start\?t=/);
    expect(discord.dmsTo(kim.id)).toHaveLength(0);

    // The link works; the result DM cannot be delivered, which must not break anything.
    expect((await completeConnect(url!, notion)).status).toBe(200);
    await product.app.core.idle();
    expect(await product.app.core.connectionStatus({ platform: 'discord', userId: kim.id })).toMatchObject({
      connected: true,
    });
    expect(discord.dmsTo(kim.id)).toHaveLength(0);
  });

  it('also falls back for 50278 (no mutual server)', async () => {
    discord.blockDms(kim.id, 50278);
    const { id } = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim });
    const edited = await waitFor(() => discord.originalEdits.find((e) => e.interactionId === id)?.message, {
      what: 'the fallback edit',
    });
    expect(linkButton(edited)?.url).toMatch(/\/oauth\/notion\/start\?t=/);
  });

  it("/save-tweet defers ephemerally, saves to the user's table, and links the new row", async () => {
    await connectThroughDiscord(kim);
    const { id } = discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: kim,
      options: { tweet: 'https://x.com/jack/status/20' },
    });
    const reply = await finalReply(id);
    const [ack] = discord.callbacksFor(id);
    expect(ack).toMatchObject({ type: 5, flags: EPHEMERAL });
    expect(ack!.elapsedMs).toBeLessThan(3000);
    expect(discord.callbacksFor(id)).toHaveLength(1);

    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(text(rows[0]!, 'Name')).toBe('@jack');
    expect(text(rows[0]!, 'Tweet')).toContain('just setting up my twttr');
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toBe(`Saved @jack's tweet to [Tweets](${rows[0]!.url}).`);
    expect(linkButton(reply)).toMatchObject({ label: 'Open in Notion', url: rows[0]!.url });
    expect(notion.rows(otherTable.dataSourceId)).toHaveLength(0);
  });

  it('"Save to Notion" on a message saves the tweet from its embed (author, description, url)', async () => {
    await connectThroughDiscord(kim);
    const embed = tweetEmbed({
      handle: 'naval',
      name: 'Naval',
      id: '1002103360646823936',
      text: 'How to Get Rich (without getting lucky):',
    });
    const { id } = discord.dispatchInteraction({
      kind: 'message',
      name: 'Save to Notion',
      user: kim,
      target: { content: 'worth reading https://twitter.com/naval/status/1002103360646823936', embeds: [embed] },
    });
    const reply = await finalReply(id);
    expect(discord.callbacksFor(id)[0]).toMatchObject({ type: 5, flags: EPHEMERAL });
    const [row] = notion.rows(tweets.dataSourceId);
    expect(text(row!, 'Name')).toBe('@naval');
    expect(text(row!, 'Tweet')).toBe('How to Get Rich (without getting lucky):');
    expect(row!.properties.Link).toMatchObject({ url: 'https://x.com/naval/status/1002103360646823936' });
    expect(reply.content).toContain("Saved @naval's tweet to [Tweets](");
    expect(notion.rows(otherTable.dataSourceId)).toHaveLength(0);
  });

  it('"Save to Notion" works in the bot\'s DMs too, from the message text when there is no embed', async () => {
    await connectThroughDiscord(kim);
    const { id } = discord.dispatchInteraction({
      kind: 'message',
      name: 'Save to Notion',
      user: kim,
      in: 'dm',
      target: { content: 'https://x.com/jack/status/20' },
    });
    const reply = await finalReply(id);
    expect(reply.content).toContain("Saved @jack's tweet");
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
  });

  it('a tweet link sent to the bot by DM is saved and answered there, once', async () => {
    await connectThroughDiscord(kim);
    const before = discord.dmsTo(kim.id).length;
    const message = discord.dispatchDirectMessage({ user: kim, content: 'https://x.com/jack/status/20' });
    const answer = await waitFor(() => discord.dmsTo(kim.id)[before]?.message, { what: 'the DM answer' });
    expect(answer.message_reference).toMatchObject({ message_id: message.id });
    expect(answer.content).toContain("Saved @jack's tweet to [Tweets](");
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);

    // Delivered again (a resume replay): acted on once. The bot's own DM echoes were ignored too.
    discord.redeliverMessage(message);
    const probe = discord.dispatchDirectMessage({ user: kim, content: 'hello' });
    await waitFor(() => discord.dmsTo(kim.id).find((d) => d.message.message_reference?.message_id === probe.id), {
      what: 'the answer to the probe',
    });
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
    expect(discord.dmsTo(kim.id).filter((d) => d.message.message_reference?.message_id === message.id)).toHaveLength(1);
  });

  it("words around a tweet link in a DM are a comment: the tweet's own text is saved, from oEmbed", async () => {
    await connectThroughDiscord(kim);
    const before = discord.dmsTo(kim.id).length;
    const oembedBefore = oembed.requests.length;
    // Discord adds the embed after the message is sent, so MESSAGE_CREATE carries none.
    discord.dispatchDirectMessage({ user: kim, content: 'wow look at this https://x.com/jack/status/20' });
    const answer = await waitFor(() => discord.dmsTo(kim.id)[before]?.message, { what: 'the DM answer' });
    expect(answer.content).toContain("Saved @jack's tweet to [Tweets](");
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(text(rows[0]!, 'Tweet')).toBe('just setting up my twttr');
    expect(rows[0]!.properties.Link).toMatchObject({ url: 'https://x.com/jack/status/20' });
    expect(oembed.requests.slice(oembedBefore)).toEqual([expect.stringMatching(/\/jack\/status\/20$/)]);
    expect(notion.rows(otherTable.dataSourceId)).toHaveLength(0);
  });

  it('"Save to Notion" on a message with a comment and a tweet link but no embed saves the tweet\'s text, from oEmbed', async () => {
    await connectThroughDiscord(kim);
    const { id } = discord.dispatchInteraction({
      kind: 'message',
      name: 'Save to Notion',
      user: kim,
      target: { content: 'lol this one [the first tweet](https://fxtwitter.com/jack/status/20)' },
    });
    const reply = await finalReply(id);
    expect(reply.content).toContain("Saved @jack's tweet");
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(text(rows[0]!, 'Tweet')).toBe('just setting up my twttr');
  });

  it('a forwarded message with a tweet embed is saved from its snapshot', async () => {
    await connectThroughDiscord(kim);
    const before = discord.dmsTo(kim.id).length;
    discord.dispatchDirectMessage({
      user: kim,
      forward: {
        content: 'https://twitter.com/naval/status/1002103360646823936',
        embeds: [tweetEmbed({ handle: 'naval', id: '1002103360646823936', text: 'Seek wealth, not money or status.' })],
      },
    });
    const answer = await waitFor(() => discord.dmsTo(kim.id)[before]?.message, { what: 'the DM answer' });
    expect(answer.content).toContain("Saved @naval's tweet");
    const [row] = notion.rows(tweets.dataSourceId);
    expect(text(row!, 'Tweet')).toBe('Seek wealth, not money or status.');
  });

  it('an unconnected user gets the connect prompt with a link button, and nothing is saved', async () => {
    const { id } = discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: kim,
      options: { tweet: 'https://x.com/jack/status/20' },
    });
    const reply = await finalReply(id);
    // The link is on the button only: the text does not repeat it.
    expect(reply.content).toBe('Connect your Notion first, then send it again.');
    expect(linkButton(reply)).toMatchObject({
      label: 'Connect Notion',
      url: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
    });
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(0);
  });

  it("bad input gets core's helpful message, in chat and by DM", async () => {
    await connectThroughDiscord(kim);
    const { id } = discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: kim,
      options: { tweet: 'https://example.com/article' },
    });
    const reply = await finalReply(id);
    expect(reply.content).toContain('That link is not a tweet.');
    expect(reply.content).toContain('`/save-tweet https://x.com/jack/status/20`');
    expect(reply.content).not.toMatch(/Error|at .*\.ts/);

    const before = discord.dmsTo(kim.id).length;
    discord.dispatchDirectMessage({ user: kim, content: 'just some words' });
    const answer = await waitFor(() => discord.dmsTo(kim.id)[before]?.message, { what: 'the DM answer' });
    expect(answer.content).toContain('I could not find a tweet in that.');
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(0);
  });

  it('several shared tables: the result DM offers a menu, the pick is saved, and saves go there', async () => {
    const second = notion.addTable(acme.id, {
      title: 'Inspiration',
      properties: { Name: 'title', Tweet: 'rich_text' },
    });
    const connected = await connectThroughDiscord(kim);
    const menu = componentsOf(connected).find((c) => c.type === 3);
    expect(menu?.options?.map((o) => o.label).sort()).toEqual(['Inspiration', 'Tweets']);

    const { id } = discord.dispatchInteraction({
      kind: 'select',
      customId: menu!.custom_id!,
      values: [second.dataSourceId],
      user: kim,
      message: connected,
    });
    const picked = await waitFor(() => discord.originalEdits.find((e) => e.interactionId === id)?.message, {
      what: 'the pick answer',
    });
    expect(discord.callbacksFor(id)[0]).toMatchObject({ type: 6 });
    expect(picked.id).toBe(connected.id); // the menu's own message is updated
    expect(picked.content).toContain('Tweets will be saved to');
    expect(picked.content).toContain('Inspiration');
    expect(componentsOf(picked).some((c) => c.type === 3)).toBe(false);

    const save = discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: kim,
      options: { tweet: '@jack hello' },
    });
    expect((await finalReply(save.id)).content).toContain('[Inspiration](');
    expect(notion.rows(second.dataSourceId)).toHaveLength(1);
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(0);
  });

  it('/notion-disconnect forgets the connection', async () => {
    await connectThroughDiscord(kim);
    const { id } = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-disconnect', user: kim });
    expect((await finalReply(id)).content).toBe(
      'Disconnected from **Acme**. Nothing will be saved until you connect again.',
    );
    expect(await product.app.core.connectionStatus({ platform: 'discord', userId: kim.id })).toEqual({
      connected: false,
    });
  });

  it('keeps handling interactions after the gateway connection drops (resume) and after a new session', async () => {
    await connectThroughDiscord(kim);
    discord.gateway.dropConnection(); // network failure: discord.js resumes
    await waitFor(() => discord.gateway.resumeCount === 1 && discord.gateway.connected, {
      what: 'a resumed session',
      timeoutMs: 10_000,
    });
    const first = discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: kim,
      options: { tweet: '@jack one' },
    });
    expect((await finalReply(first.id)).content).toContain('Saved @jack');

    discord.gateway.dropConnection(1000); // normal close: discord.js identifies anew
    await waitFor(() => discord.gateway.readyCount === 2 && discord.gateway.connected, {
      what: 'a new session',
      timeoutMs: 10_000,
    });
    const second = discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: kim,
      options: { tweet: '@jack two' },
    });
    expect((await finalReply(second.id)).content).toContain('Saved @jack');
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(2);
  });
});

describe('Discord start-up and registration', () => {
  let discord: FakeDiscord;
  let notion: NotionSandbox;

  beforeEach(async () => {
    discord = await startFakeDiscord();
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
  });
  afterEach(async () => {
    await discord.stop();
    await notion.close();
  });

  it('refuses to start with a clear error when Discord rejects the token, without showing it', async () => {
    const bad = 'MTIzNDU2Nzg5.bad.token-that-discord-rejects';
    const started = startProduct({ notion, env: discordEnv(discord, bad) });
    await expect(started).rejects.toThrow(/DISCORD_TOKEN was rejected by Discord/);
    const err = (await started.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(err.message).not.toContain(bad);
    expect(err.name).toBe('DiscordTokenRejectedError');
    expect(discord.gateway.identifies).toHaveLength(0);
    expect(discord.requests.find((r) => r.route === '/api/v10/gateway/bot')).toMatchObject({
      status: 401,
      auth: 'bad',
    });
  });

  function runRegister(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/discord-register.ts', ...args], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('npm run discord:register sends the commands by bulk overwrite, globally and to one guild, idempotently', async () => {
    const env = discordEnv(discord);
    const global = await runRegister([], env);
    expect(global.stderr).toBe('');
    expect(global.code).toBe(0);
    expect(global.stdout).toContain('Registered 6 commands globally');

    const guild = await runRegister(['--guild', discord.guild.id], env);
    expect(guild.code).toBe(0);
    expect(guild.stdout).toContain(`to server ${discord.guild.id}`);

    expect(discord.commandPuts.map((p) => [p.scope, p.guildId, p.status])).toEqual([
      ['global', undefined, 200],
      ['guild', discord.guild.id, 200],
    ]);
    for (const put of discord.commandPuts) expect(put.body).toEqual(commandsJson());
    expect(
      discord.requests
        .filter((r) => r.route.includes('/commands'))
        .every((r) => r.method === 'PUT' && r.auth === 'bot'),
    ).toBe(true);

    // Running it again changes nothing: same commands, same ids.
    const ids = discord.globalCommands.map((c) => c.id);
    expect((await runRegister([], env)).code).toBe(0);
    expect(discord.globalCommands.map((c) => c.id)).toEqual(ids);
  });

  it('registration explains a bad token, a server the bot is not in, and missing settings', async () => {
    const bad = await runRegister([], discordEnv(discord, 'not-the-token'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('DISCORD_TOKEN was rejected by Discord');
    expect(bad.stderr).not.toContain('not-the-token');

    const elsewhere = await runRegister(['--guild', '123456789012345678'], discordEnv(discord));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('The bot cannot add commands to server 123456789012345678');

    const missing = await runRegister([], { DISCORD_TOKEN: discord.token });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('DISCORD_APPLICATION_ID');
    expect(missing.stderr).not.toContain(discord.token);
  });
});

describe('Discord adapter failures', () => {
  let discord: FakeDiscord;
  beforeEach(async () => {
    discord = await startFakeDiscord();
    await registerCommands({
      config: { token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl },
    });
  });
  afterEach(async () => {
    await discord.stop();
  });

  it("answers a failure inside with core's wording, never a stack trace, and logs no token", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) });
    const broken = new Error('store exploded at /srv/app/store.ts:12');
    const core: Core = {
      connectUser: async () => Promise.reject(broken),
      saveTweet: async () => Promise.reject(broken),
      saveAgain: async () => Promise.reject(broken),
      undoSave: async () => Promise.reject(broken),
      canAddNote: async () => Promise.reject(broken),
      addNote: async () => Promise.reject(broken),
      createTweetsTable: async () => Promise.reject(broken),
      chooseTarget: async () => Promise.reject(broken),
      disconnectUser: async () => Promise.reject(broken),
      forgetWorkspace: async () => Promise.reject(broken),
      connectionStatus: async () => ({ connected: false }),
      acceptOnce: async () => true,
      registerNotifier: () => {},
    };
    const bot = createDiscordBot({
      config: { token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl },
      core,
      log: createLogger('debug', sink),
    });
    await bot.start();
    try {
      const kim = discord.user('kim');
      const save = discord.dispatchInteraction({
        kind: 'chat_input',
        name: 'save-tweet',
        user: kim,
        options: { tweet: '@jack hi' },
      });
      const connect = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim });
      const dm = discord.dispatchDirectMessage({ user: kim, content: 'https://x.com/jack/status/20' });
      const generic = "Something went wrong on our side or Notion's; nothing was saved. Please try again in a minute.";
      await waitFor(() => discord.original(save.id)?.content === generic, { what: 'the save failure answer' });
      await waitFor(() => discord.original(connect.id)?.content === generic, { what: 'the connect failure answer' });
      await waitFor(
        () =>
          discord.dmsTo(kim.id).find((d) => d.message.message_reference?.message_id === dm.id)?.message.content ===
          generic,
        {
          what: 'the DM failure answer',
        },
      );
      const all = lines.join('');
      expect(all).toContain('"platform":"discord"');
      expect(all).toContain('interaction failed');
      expect(all).not.toContain(save.token);
      expect(all).not.toContain(connect.token);
      expect(all).not.toContain(discord.token);
      for (const m of [discord.original(save.id), discord.original(connect.id)])
        expect(m?.content).not.toContain('store.ts');
    } finally {
      await bot.stop();
    }
  });
});
