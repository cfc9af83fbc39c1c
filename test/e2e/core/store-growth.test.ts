import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { confirmConnectLink } from '../../helpers/connect-flow.js';
import { startProduct, TEST_CLIENT, waitFor, type Product } from '../../helpers/product.js';

/**
 * Issue 10 item 7: the store does not grow with every request. One live connect link per user,
 * every claim expires, and expired rows are deleted by the periodic sweep.
 */
describe('the store stays small', () => {
  let notion: NotionSandbox;
  let product: Product;
  let file: string;
  let db: import('sqlite3').Database;
  const rows = (sql: string, params: unknown[] = []) =>
    new Promise<{ key: string; value: string }[]>((resolve, reject) =>
      db.all(sql, params, (err, r) => (err ? reject(err) : resolve(r as { key: string; value: string }[]))),
    );
  const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam', workspaceName: 'Acme' };

  beforeAll(async () => {
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    const ws = notion.addWorkspace({ name: 'Acme' });
    notion.addTable(ws.id, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text' } });
    file = join(mkdtempSync(join(tmpdir(), 'stn-growth-')), 'store.sqlite');
    product = await startProduct({ notion, env: { STORE_URL: `sqlite://${file}` }, sweepEveryMs: 50 });
    const sqlite3 = (await import('sqlite3')).default;
    db = new sqlite3.Database(file);
  });
  afterAll(async () => {
    db?.close();
    await product?.stop();
    await notion?.close();
  });

  it('an unconnected user saving again and again gets one link, not a row per save', async () => {
    const urls = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const outcome = await product.app.core.saveResult(
        await product.app.core.saveTweet(sam, { text: `@jack tweet ${i}` }),
      );
      expect(outcome.kind).toBe('not_connected');
      if (outcome.kind === 'not_connected') urls.add(outcome.connectUrl);
    }
    urls.add((await product.app.core.connectUser(sam)).url);
    expect(urls.size).toBe(1);
    expect(await rows("SELECT key FROM keyv WHERE key LIKE '%:link:%'")).toHaveLength(1);

    // Once used, the next request gets a new link (and the pointer moves to it).
    const [url] = [...urls];
    expect((await confirmConnectLink(url!)).res.status).toBe(303);
    const next = (await product.app.core.connectUser(sam)).url;
    expect(next).not.toBe(url);
    expect(await rows("SELECT key FROM keyv WHERE key LIKE '%:live-link:%'")).toHaveLength(1);
    // The pointer holds the token encrypted: no link token in the file.
    const all = JSON.stringify(await rows('SELECT key, value FROM keyv'));
    expect(all).not.toContain(new URL(next).searchParams.get('t'));
  });

  it('every claim a DM makes expires, and the sweep deletes expired rows while the product runs', async () => {
    for (let i = 0; i < 3; i++) expect(await product.app.core.acceptOnce(`slack:message:T1:D1:${i}`)).toBe(true);
    const claims = await rows("SELECT key, value FROM keyv WHERE key LIKE '%:claim:%'");
    expect(claims.length).toBeGreaterThanOrEqual(3);
    for (const claim of claims)
      expect(typeof (JSON.parse(claim.value) as { expires?: unknown }).expires).toBe('number');

    // Rows left by an earlier run whose time is up (a link nobody opened, a DM's claim), and one live row.
    const past = Date.now() - 1000;
    const expired = ['save-to-notion:link:old', 'save-to-notion:claim:old'];
    for (const key of expired)
      await rows('INSERT INTO keyv (key, value) VALUES (?, ?)', [key, JSON.stringify({ value: 1, expires: past })]);
    await waitFor(async () => (await rows('SELECT key FROM keyv WHERE key IN (?, ?)', expired)).length === 0, {
      what: 'the sweep',
    });
    // Live rows stay: the connect link and the claims just made.
    expect(await rows("SELECT key FROM keyv WHERE key LIKE '%:claim:%'")).toHaveLength(claims.length);
    expect(await rows("SELECT key FROM keyv WHERE key LIKE '%:live-link:%'")).toHaveLength(1);
  });
});
