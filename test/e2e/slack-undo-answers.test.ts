import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../src/bots/slack/constants.js';
import { type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { type ButtonLocation } from '../../src/sandbox/slack/payloads.js';
import { type SlackSandbox } from '../../src/sandbox/slack/slack-sandbox.js';
import { type Product } from '../helpers/product.js';
import { startWorld, type World } from '../helpers/world.js';
import { button, elements, sam, slackDriver, type SlackDriver } from './slack-harness.js';

const JACK = 'https://x.com/jack/status/20';
const WITH_TEXT = { Name: 'title', Tweet: 'rich_text', Link: 'url' };
const EPHEMERAL: ButtonLocation = { kind: 'ephemeral', channelId: 'C0GENERAL' };

/** Slack, end to end: what Undo and a save say when they cannot do their work, each link given once, on its button. */
describe('Slack: Undo and save answers', () => {
  let world: World;
  let notion: NotionSandbox;
  let slack: SlackSandbox;
  let product: Product;
  let acme: { id: string };
  let tweets: { databaseId: string; dataSourceId: string };
  let d: SlackDriver;

  beforeEach(async () => {
    world = await startWorld({ slack: true });
    ({ notion, product, acme, table: tweets } = world);
    slack = world.slack!;
    d = slackDriver({ notion, slack, product });
  });
  afterEach(() => world.stop());

  async function undo(saved: Awaited<ReturnType<SlackDriver['save']>>) {
    const clicked = await d.click(sam, button(saved.body, ACTION_IDS.undoSave), EPHEMERAL);
    expect(clicked.res.status).toBe(200);
    return d.firstAnswer(clicked.responseUrl);
  }

  it('Undo names the tweet it removed', async () => {
    await d.connect(sam);
    const answer = await undo(await d.save(sam, JACK));
    expect(answer.body).toMatchObject({ replace_original: true, text: "Removed @jack's tweet from *Tweets* (moved to Notion's trash)." });
  });

  it('Undo of a row whose table a reconnect left out: says the table is no longer shared, with a Reconnect button; the reply stays', async () => {
    const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await d.connect(sam, { share: [tweets.databaseId] });
    const saved = await d.save(sam, JACK);
    // Reconnected with only Inspiration ticked.
    await d.connect(sam, { share: [inspiration.databaseId] });

    const answer = await undo(saved);
    expect(answer.body).toMatchObject({
      replace_original: false,
      text: "I can't reach that row any more: its table *Tweets* is no longer shared with Save to Notion. Share it again (reconnect) to undo.",
    });
    expect(elements(answer.body)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.connectLink, url: expect.stringMatching(/\/oauth\/notion\/start\?t=/), text: expect.objectContaining({ text: 'Reconnect Notion' }) })]);
    expect(notion.rows(tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });

  it('Undo after /notion-disconnect: one plain sentence and a Connect Notion button', async () => {
    await d.connect(sam);
    const saved = await d.save(sam, JACK);
    await d.firstAnswer((await d.command(sam, COMMANDS.disconnect, '')).responseUrl);

    const answer = await undo(saved);
    expect(answer.body).toMatchObject({ replace_original: false, text: "You're not connected to Notion any more. Connect again to undo." });
    expect(elements(answer.body)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.connectLink, text: expect.objectContaining({ text: 'Connect Notion' }) })]);
    expect(notion.rows(tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });

  it('a save before connecting: plain text, and the link only on the Connect Notion button', async () => {
    const answer = await d.save(sam, JACK);
    expect(answer.body.text).toBe('Connect your Notion first, then send it again.');
    expect(elements(answer.body)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.connectLink, url: expect.stringMatching(/\/oauth\/notion\/start\?t=/), text: expect.objectContaining({ text: 'Connect Notion' }) })]);
  });
});
