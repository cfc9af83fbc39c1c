import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { slashCommandBody } from '../../../src/sandbox/slack/payloads.js';
import { sendSignedRequest } from '../../../src/sandbox/slack/sign-request.js';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { spawnProduct, type ProductProcess } from '../../helpers/product-process.js';
import { startProduct, TEST_CLIENT, waitFor } from '../../helpers/product.js';

/**
 * Issue 12: once a save is acknowledged it reaches Notion exactly once, through a `kill -9` of the product, a
 * restart on the same SQLite store, Notion outages and rate limits. The product runs as its own process.
 */
describe('durable saves against the product process (sqlite://)', () => {
  const SIGNING_SECRET = randomBytes(16).toString('hex');
  const BOT_TOKEN = `xoxb-durable-${randomBytes(8).toString('hex')}`;
  let dir: string;
  let notion: NotionSandbox;
  let slack: SlackSandbox;
  let env: Record<string, string>;
  const running: ProductProcess[] = [];
  const tables = new Map<string, string>();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stn-durable-'));
    notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
    slack = await startSlackSandbox({ botToken: BOT_TOKEN });
    env = {
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      NOTION_CLIENT_ID: TEST_CLIENT.clientId,
      NOTION_CLIENT_SECRET: TEST_CLIENT.clientSecret,
      NOTION_API_URL: notion.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      TWEET_OEMBED_URL: 'http://127.0.0.1:9/oembed',
      // Nothing listens there: no test reaches the real FxTwitter API.
      FXTWITTER_API_URL: 'http://127.0.0.1:9',
      // A killed process's jobs are taken again within seconds rather than the production 30 s.
      SAVE_JOB_LEASE_SECONDS: '2',
    };
    tables.clear();
  });

  afterEach(async () => {
    for (const p of running.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await notion.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects `count` users, each to a workspace of their own, through the product on the same store. */
  async function connectUsers(count: number): Promise<ChatUser[]> {
    const product = await startProduct({ notion, env });
    const users: ChatUser[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const ws = notion.addWorkspace({ name: `Workspace ${i}` });
        const table = notion.addTable(ws.id, {
          title: 'Tweets',
          properties: { Name: 'title', Tweet: 'rich_text', Link: 'url', Saved: 'date' },
        });
        const user: ChatUser = { platform: 'slack', teamId: 'T0DURABLE', userId: `U0DUR${i}` };
        await completeConnect((await product.app.core.connectUser(user)).url, notion, { workspaceId: ws.id });
        tables.set(user.userId, table.dataSourceId);
        users.push(user);
      }
      await product.app.core.idle();
    } finally {
      await product.stop();
    }
    return users;
  }

  async function start(): Promise<ProductProcess> {
    const p = await spawnProduct(env);
    running.push(p);
    return p;
  }

  /** `/save-tweet <link> <text>`, signed; true when Slack got its 200 (the save is acknowledged). */
  async function saveTweet(
    p: ProductProcess,
    user: ChatUser,
    link: string,
    responseUrl = slack.newResponseUrl({ userId: user.userId }),
  ) {
    const body = slashCommandBody({
      teamId: user.teamId!,
      userId: user.userId,
      command: '/save-tweet',
      text: `${link} tweet ${link.slice(-4)}`,
      responseUrl,
    });
    try {
      const res = await sendSignedRequest(`${p.url}/slack/events`, body, { signingSecret: SIGNING_SECRET });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false; // the process died before answering: not acknowledged
    }
  }

  /** Links of the live rows of every user's table, with how often each occurs. */
  function rowLinks(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const ds of tables.values()) {
      for (const row of notion.rows(ds).filter((r) => !r.inTrash)) {
        const link = (row.properties.Link as { url?: string } | undefined)?.url ?? '';
        counts.set(link, (counts.get(link) ?? 0) + 1);
      }
    }
    return counts;
  }

  it('kill -9 in the middle of a burst, restart on the same store: every acknowledged save lands once, none twice', async () => {
    const users = await connectUsers(4);
    notion.setLatency(150);
    let p = await start();
    const acked: string[] = [];
    const sends = users.flatMap((user, u) =>
      Array.from({ length: 15 }, (_, s) => {
        const link = `https://x.com/user${u}/status/${1000 + s}`;
        return saveTweet(p, user, link).then((ok) => void (ok && acked.push(link)));
      }),
    );
    await waitFor(() => [...rowLinks().values()].reduce((a, b) => a + b, 0) >= 6, {
      timeoutMs: 30_000,
      what: 'some rows',
    }).catch((err) => {
      console.log(
        p.logs
          .filter((l) => !l.includes('"level":30') || l.includes('save.'))
          .slice(-40)
          .join('\n'),
      );
      throw err;
    });
    p.child.kill('SIGKILL');
    expect(await p.exited).toBeNull();
    await Promise.all(sends);
    expect(acked.length).toBeGreaterThan(6);
    const before = rowLinks();
    expect(acked.filter((l) => before.has(l)).length).toBeLessThan(acked.length); // the crash left saves unwritten

    p = await start();
    await waitFor(() => acked.every((l) => rowLinks().has(l)), {
      timeoutMs: 100_000,
      what: 'every acknowledged save to land',
    }).catch((err) => {
      console.log('MISSING', acked.filter((l) => !rowLinks().has(l)).length, 'of', acked.length);
      console.log(
        p.logs
          .filter((l) => !l.includes('"level":30') || /save\.(retry|attempt|gave|failed)/.test(l))
          .slice(-30)
          .join('\n'),
      );
      throw err;
    });
    const after = rowLinks();
    expect([...after.entries()].filter(([, n]) => n > 1)).toEqual([]);
    for (const link of acked) expect(after.get(link)).toBe(1);
  }, 180_000);

  it('a row Notion created just before the crash is found on restart, not written again; the user is told "Saved"', async () => {
    const [sam] = await connectUsers(1);
    // Notion carries the write out at once and answers 5 s later: the process dies in between.
    notion.setLatency(5_000);
    let p = await start();
    const link = 'https://x.com/jack/status/20';
    const responseUrl = slack.newResponseUrl({ userId: sam!.userId });
    expect(await saveTweet(p, sam!, link, responseUrl)).toBe(true);
    await waitFor(() => rowLinks().get(link) === 1, { timeoutMs: 20_000, what: 'Notion to create the row' });
    p.child.kill('SIGKILL');
    await p.exited;
    notion.setLatency(0);

    p = await start();
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    const answer = await waitFor(() => slack.responses.find((r) => r.id === id && /^Saved /.test(r.body.text ?? '')), {
      timeoutMs: 70_000,
      what: 'the Saved answer',
    });
    expect(answer.body.text).toMatch(/^Saved the tweet|^Saved @/);
    expect(rowLinks().get(link)).toBe(1);
    expect(p.logs.some((l) => l.includes('"event":"save.attempt_resumed"') && l.includes('"found":true'))).toBe(true);
  }, 120_000);

  it('Notion answering 503 for a while: the saves wait and land once Notion is back, nobody is told they failed', async () => {
    const [sam] = await connectUsers(1);
    const p = await start();
    notion.setOutage(true);
    const links = Array.from({ length: 5 }, (_, i) => `https://x.com/jack/status/${30 + i}`);
    const urls = links.map(() => slack.newResponseUrl({ userId: sam!.userId }));
    for (const [i, link] of links.entries()) expect(await saveTweet(p, sam!, link, urls[i])).toBe(true);
    await waitFor(() => p.logs.filter((l) => l.includes('"event":"save.retry_later"')).length >= 5, {
      timeoutMs: 20_000,
      what: 'the saves to wait',
    });
    expect(rowLinks().size).toBe(0);
    notion.setOutage(false);
    await waitFor(() => links.every((l) => rowLinks().get(l) === 1), { timeoutMs: 60_000, what: 'the saves to land' });
    const texts = slack.responses.map((r) => r.body.text ?? '');
    expect(texts.filter((t) => /nothing was saved|went wrong/i.test(t))).toEqual([]);
  }, 90_000);

  it('a save queued past the reply window and finished after a restart replaces its "queued" note', async () => {
    const [sam] = await connectUsers(1);
    const first = await start();
    notion.setOutage(true);
    const link = 'https://x.com/jack/status/40';
    const url = slack.newResponseUrl({ userId: sam!.userId });
    const answers = () => slack.responses.filter((r) => url.endsWith(`/${r.id}`));
    expect(await saveTweet(first, sam!, link, url)).toBe(true);
    await waitFor(() => answers().some((r) => /Notion is slow right now/.test(r.body.text ?? '')), {
      timeoutMs: 30_000,
      what: 'the queued note',
    });
    // The note was sent by a process that is gone: the one that finishes the save only knows it from the store.
    first.child.kill('SIGKILL');
    await first.exited;
    notion.setOutage(false);
    await start();
    await waitFor(() => rowLinks().get(link) === 1, { timeoutMs: 60_000, what: 'the save to land' });
    const final = await waitFor(() => answers().find((r) => /^Saved /.test(r.body.text ?? '')), {
      what: 'the final answer',
    });
    expect(final.body).toMatchObject({ replace_original: true });
    expect(answers()).toHaveLength(2);
  }, 90_000);

  it('a 429 storm for one token: its saves wait for Retry-After and land once each', async () => {
    const [sam] = await connectUsers(1);
    const p = await start();
    notion.rateLimitNext(30, 1);
    const links = Array.from({ length: 12 }, (_, i) => `https://x.com/jack/status/${50 + i}`);
    const acks = await Promise.all(links.map((link) => saveTweet(p, sam!, link)));
    expect(acks.every(Boolean)).toBe(true);
    await waitFor(() => links.every((l) => rowLinks().get(l) === 1), { timeoutMs: 60_000, what: 'the saves to land' });
    expect([...rowLinks().values()].every((n) => n === 1)).toBe(true);
    const texts = slack.responses.map((r) => r.body.text ?? '');
    expect(texts.filter((t) => /Notion is busy|nothing was saved/i.test(t))).toEqual([]);
  }, 90_000);

  it('SIGTERM drains: running saves finish, the rest stay stored and land after the restart; exit 0', async () => {
    const [sam] = await connectUsers(1);
    notion.setLatency(300);
    let p = await start();
    const links = Array.from({ length: 20 }, (_, i) => `https://x.com/jack/status/${70 + i}`);
    const acks = await Promise.all(links.map((link) => saveTweet(p, sam!, link)));
    expect(acks.every(Boolean)).toBe(true);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect([...rowLinks().values()].every((n) => n === 1)).toBe(true);
    notion.setLatency(0);
    p = await start();
    await waitFor(() => links.every((l) => rowLinks().get(l) === 1), {
      timeoutMs: 60_000,
      what: 'the rest to land after the restart',
    });
    expect([...rowLinks().values()].every((n) => n === 1)).toBe(true);
  }, 90_000);
});
