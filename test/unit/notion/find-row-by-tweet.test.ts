import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createNotionGateway } from '../../../src/notion/notion-gateway.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { CLIENT_ID, CLIENT_SECRET, connect, REDIRECT_URI } from '../sandbox/notion-test-helpers.js';

const log = createLogger('silent');

describe('NotionGateway.findRowByTweet (against the Notion sandbox)', () => {
  let sandbox: NotionSandbox;
  let token: string;
  let withLink: { dataSourceId: string };
  let textOnly: { dataSourceId: string };
  const gateway = () =>
    createNotionGateway({
      apiUrl: sandbox.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: () => REDIRECT_URI,
      log,
    });
  const linkTarget = () => ({
    dataSourceId: withLink.dataSourceId,
    title: 'Tweets',
    mapping: { title: 'Handle', text: 'Tweet', link: 'Link' },
  });
  const textTarget = () => ({
    dataSourceId: textOnly.dataSourceId,
    title: 'Twitter',
    mapping: { title: 'handle', text: 'tweet' },
  });

  beforeAll(async () => {
    sandbox = await startNotionSandbox({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    });
    const ws = sandbox.addWorkspace({ name: 'Main' }).id;
    withLink = sandbox.addTable(ws, {
      title: 'Tweets',
      properties: { Handle: 'title', Tweet: 'rich_text', Link: 'url' },
    });
    textOnly = sandbox.addTable(ws, { title: 'Twitter', properties: { handle: 'title', tweet: 'rich_text' } });
    token = (await connect(sandbox, ws, [withLink.dataSourceId, textOnly.dataSourceId])).access_token;
  });
  afterAll(() => sandbox.close());

  it('finds the row by its Link, only when created since the job was accepted (a minute of slack for Notion rounding)', async () => {
    const g = gateway();
    const since = new Date().toISOString();
    const other = { handle: 'naval', text: 'seek wealth', url: 'https://x.com/naval/status/1002103360646823936' };
    await g.createRow(token, linkTarget(), { handle: 'naval', text: other.text, link: other.url, savedAt: new Date() });
    const tweet = { id: '20', handle: 'jack', text: 'just setting up my twttr', url: 'https://x.com/jack/status/20' };
    expect(await g.findRowByTweet(token, linkTarget(), tweet, since)).toBeUndefined();
    const row = await g.createRow(token, linkTarget(), {
      handle: 'jack',
      text: tweet.text,
      link: tweet.url,
      savedAt: new Date(),
    });
    expect(await g.findRowByTweet(token, linkTarget(), tweet, since)).toEqual(row);
    expect(
      await g.findRowByTweet(token, linkTarget(), tweet, new Date(Date.now() + 5 * 60_000).toISOString()),
    ).toBeUndefined();
  });

  it('without a Link column, finds it by the tweet id in the text column', async () => {
    const g = gateway();
    const since = new Date().toISOString();
    const tweet = { id: '21', handle: 'jack', text: 'inviting coworkers', url: 'https://x.com/jack/status/21' };
    const row = await g.createRow(token, textTarget(), {
      handle: 'jack',
      text: `inviting coworkers ${tweet.url}`,
      savedAt: new Date(),
    });
    expect(await g.findRowByTweet(token, textTarget(), tweet, since)).toEqual(row);
    expect(
      await g.findRowByTweet(token, textTarget(), { ...tweet, url: 'https://x.com/jack/status/22' }, since),
    ).toBeUndefined();
    expect(await g.findRowByTweet(token, textTarget(), { handle: 'jack', text: 'no link' }, since)).toBeUndefined();
  });
});
