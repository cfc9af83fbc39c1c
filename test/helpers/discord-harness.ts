/**
 * Shared by the Discord e2e files: reading what the bot posted (buttons, menus, Notion rows) and,
 * for files that want it, one whole world per test (fake Discord with the commands registered,
 * Notion sandbox with an "Acme" workspace and its "Tweets" table, the real product, a user "kim").
 */
import { expect } from 'vitest';
import { registerCommands } from '../../scripts/discord-register.js';
import {
  startFakeDiscord,
  type FakeDiscord,
  type FakeMessage,
  type FakeUser,
} from '../../src/sandbox/discord/discord-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { completeConnect } from './connect-flow.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from './product.js';

export const EPHEMERAL = 64;
export const LOADING = 128;
/** The component type of a select menu. */
export const SELECT_MENU = 3;

export interface Button {
  type: number;
  style?: number;
  url?: string;
  label?: string;
  custom_id?: string;
  options?: { label: string; value: string }[];
}

/** The components of the message's action rows, flattened. */
export function componentsOf(message: FakeMessage | undefined): Button[] {
  return ((message?.components ?? []) as { components: Button[] }[]).flatMap((row) => row.components);
}

/** The first link button (style 5). */
export function linkButton(message: FakeMessage | undefined): Button | undefined {
  return componentsOf(message).find((c) => c.type === 2 && c.style === 5);
}

/** The clickable button whose custom id starts with `prefix` (e.g. `stn:undo:`). */
export function actionButton(message: FakeMessage | undefined, prefix: string): Button | undefined {
  return componentsOf(message).find((c) => c.type === 2 && c.style !== 5 && c.custom_id?.startsWith(prefix));
}

/** The plain text of a title or rich text property of a Notion row. */
export function text(row: { properties: Record<string, unknown> }, name: string): string {
  const prop = row.properties[name] as
    { rich_text?: { plain_text: string }[]; title?: { plain_text: string }[] } | undefined;
  return (prop?.rich_text ?? prop?.title ?? []).map((t) => t.plain_text).join('');
}

export function discordEnv(discord: FakeDiscord, token = discord.token): Record<string, string> {
  return { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
}

/** One test's world. `stop()` tears it down. */
export interface DiscordWorld {
  discord: FakeDiscord;
  notion: NotionSandbox;
  product: Product;
  acme: { id: string };
  tweets: { dataSourceId: string; url: string };
  kim: FakeUser;
  /** The @original message once the bot has edited in its final answer. */
  finalReply(interactionId: string): Promise<FakeMessage>;
  /** `/notion-connect`, the browser flow with `opts`, and the DM that follows; returns that DM. */
  connectThroughDiscord(user: FakeUser, opts?: Parameters<typeof completeConnect>[2]): Promise<FakeMessage>;
  /** The `n`th DM (0-based) the bot sent this user, once it arrives. */
  nthDm(user: FakeUser, n: number, what: string): Promise<FakeMessage>;
  stop(): Promise<void>;
}

/** The @original message once the bot has edited in its final answer. */
export function finalReplyOf(discord: FakeDiscord, interactionId: string): Promise<FakeMessage> {
  return waitFor(
    () => {
      const m = discord.original(interactionId);
      return m && !(m.flags & LOADING) && m.content ? m : undefined;
    },
    { what: `the answer to interaction ${interactionId}` },
  );
}

/** `/notion-connect`, the browser flow with `opts`, and the DM that follows; returns that DM. */
export async function connectThroughDiscordOf(
  env: { discord: FakeDiscord; notion: NotionSandbox; product: Product },
  user: FakeUser,
  opts: Parameters<typeof completeConnect>[2] = {},
): Promise<FakeMessage> {
  const { discord, notion, product } = env;
  const before = discord.dmsTo(user.id).length;
  discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user });
  const dm = await waitFor(() => discord.dmsTo(user.id)[before]?.message, { what: 'the connect DM' });
  const page = await completeConnect(linkButton(dm)!.url!, notion, opts);
  expect(page.status).toBe(200);
  await product.app.core.idle();
  return waitFor(() => discord.dmsTo(user.id)[before + 1]?.message, { what: 'the connected DM' });
}

export async function startDiscordWorld(options: {
  oembedUrl: string;
  fxtwitterUrl?: string;
  tableProperties?: Record<string, string>;
}): Promise<DiscordWorld> {
  const discord = await startFakeDiscord();
  await registerCommands({
    config: { token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl },
  });
  const notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
  const acme = notion.addWorkspace({ name: 'Acme' });
  const tweets = notion.addTable(acme.id, {
    title: 'Tweets',
    properties: options.tableProperties ?? { Name: 'title', Tweet: 'rich_text', Link: 'url' },
  });
  const product = await startProduct({
    notion,
    oembedUrl: options.oembedUrl,
    ...(options.fxtwitterUrl ? { fxtwitterUrl: options.fxtwitterUrl } : {}),
    env: discordEnv(discord),
  });
  const kim = discord.user('kim');

  const nthDm = (user: FakeUser, n: number, what: string) =>
    waitFor(() => discord.dmsTo(user.id)[n]?.message, { what });

  return {
    discord,
    notion,
    product,
    acme,
    tweets,
    kim,
    nthDm,
    finalReply: (interactionId) => finalReplyOf(discord, interactionId),
    connectThroughDiscord: (user, opts) => connectThroughDiscordOf({ discord, notion, product }, user, opts),
    async stop() {
      await product.stop();
      await discord.stop();
      await notion.close();
    },
  };
}
