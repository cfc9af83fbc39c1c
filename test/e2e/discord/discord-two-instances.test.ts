import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../scripts/discord-register.js';
import { startFakeDiscord, type FakeDiscord } from '../../../src/sandbox/discord/discord-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { discordEnv } from '../../helpers/discord-harness.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';
import { tempDir } from '../../unit/store/helpers.js';

describe('Discord on two instances sharing one store', () => {
  let discord: FakeDiscord;
  let notion: NotionSandbox;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const products: Product[] = [];

  beforeEach(async () => {
    discord = await startFakeDiscord();
    await registerCommands({
      config: { token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl },
    });
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const p of products.splice(0)) await p.stop();
    await discord.stop();
    await notion.close();
    await dir.remove();
  });

  /** An instance as a second process would be: its own connections to the same SQLite file, the same key. */
  const key = randomBytes(32).toString('base64');
  async function instance(): Promise<Product> {
    const product = await startProduct({
      notion,
      env: {
        ...discordEnv(discord),
        STORE_URL: `sqlite://${join(dir.path, 'shared.sqlite')}`,
        TOKEN_ENCRYPTION_KEY: key,
      },
      discordGatewayLeaseMs: 600,
    });
    products.push(product);
    return product;
  }

  it('only the lease holder is on the gateway; the other takes over when it stops, and answers', async () => {
    const first = await instance();
    await instance();
    expect(discord.gateway.identifies).toHaveLength(1);
    // Several lease periods: the standby instance must stay off the gateway (a wait for something not to happen).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(discord.gateway.identifies).toHaveLength(1);

    const kim = discord.user('kim');
    const one = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim });
    await waitFor(() => discord.dmsTo(kim.id)[0], { what: 'the connect DM' });
    expect(discord.callbacksFor(one.id)).toHaveLength(1);

    await first.stop();
    products.splice(products.indexOf(first), 1);
    await waitFor(() => discord.gateway.identifies.length === 2, {
      what: 'the second instance to take the gateway',
      timeoutMs: 15_000,
    });
    await waitFor(() => discord.gateway.readyCount >= 2, { what: 'its session to be ready', timeoutMs: 15_000 });
    const two = discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: kim });
    await waitFor(() => discord.dmsTo(kim.id)[1], {
      what: 'the connect DM from the second instance',
      timeoutMs: 15_000,
    });
    expect(discord.callbacksFor(two.id)).toHaveLength(1);
  });
});
