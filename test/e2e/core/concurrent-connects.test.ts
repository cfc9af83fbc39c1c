import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { confirmConnectLink, consentAtNotion } from '../../helpers/connect-flow.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';

/**
 * Issue 10 item 8: two sign-ins of one user finishing at once, on two instances sharing one store,
 * leave one connection and one live Notion token; the other token is revoked, not left live. (The
 * interleaving itself is forced deterministically in test/unit/core/on-connected.test.ts.)
 */
describe('two connects finishing at once', () => {
  let notion: NotionSandbox;
  let first: Product;
  let second: Product;
  let acme: { id: string };
  let tweetsId: string;
  const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam', workspaceName: 'Acme' };

  beforeAll(async () => {
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    acme = notion.addWorkspace({ name: 'Acme' });
    tweetsId = notion.addTable(acme.id, {
      title: 'Tweets',
      properties: { Name: 'title', Tweet: 'rich_text' },
    }).dataSourceId;
    const file = join(mkdtempSync(join(tmpdir(), 'stn-concurrent-')), 'store.sqlite');
    const env = { STORE_URL: `sqlite://${file}`, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    first = await startProduct({ notion, env });
    second = await startProduct({ notion, env });
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await notion.close();
  });

  /** Up to Notion's redirect back: the callback URL and the state cookie that goes with it. */
  async function signIn(product: Product) {
    const started = await confirmConnectLink((await product.app.core.connectUser(sam)).url);
    expect(started.res.status).toBe(303);
    const callbackUrl = await consentAtNotion(started.res.headers.get('location')!, notion);
    return { callbackUrl, cookie: started.stateCookie };
  }

  it('stores one connection and revokes the other token', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = [await signIn(first), await signIn(second)];
      const pages = await Promise.all([
        fetch(a.callbackUrl, { headers: { cookie: a.cookie } }),
        fetch(b.callbackUrl, { headers: { cookie: b.cookie } }),
      ]);
      expect(pages.map((p) => p.status)).toEqual([200, 200]);
      await first.app.core.idle();
      await second.app.core.idle();
      // One token is live at Notion: the stored one, which both instances use.
      expect(notion.activeTokenCount(acme.id)).toBe(1);
      for (const [i, product] of [first, second].entries()) {
        // Both instances take jobs from the one SQLite outbox: the row is the answer, whichever instance wrote it.
        const text = `round ${round} on ${i}`;
        const ticket = await product.app.core.saveTweet(sam, { text: `@jack ${text}` });
        expect('jobKey' in ticket).toBe(true);
        await waitFor(() => notion.rows(tweetsId).some((r) => JSON.stringify(r.properties).includes(text)), {
          what: `the row of "${text}"`,
          timeoutMs: 15_000,
        });
      }
    }
  });
});
