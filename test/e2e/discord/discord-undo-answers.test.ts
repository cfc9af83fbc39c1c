import { describe, expect, it } from 'vitest';
import type { FakeMessage, FakeUser } from '../../../src/sandbox/discord/discord-sandbox.js';
import { actionButton, componentsOf, EPHEMERAL } from '../../helpers/discord-harness.js';
import { JACK, WITH_TEXT } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

/** Discord, end to end: what Undo says when it cannot do its work, the link given once, on its button. */
describe('Discord: Undo answers', () => {
  const w = useDiscordWorld();

  const saveTweet = (user: FakeUser, tweet: string) =>
    w.discord.dispatchInteraction({ kind: 'chat_input', name: 'save-tweet', user, options: { tweet } }).id;

  /** Clicks Undo on `reply`; returns what the clicker alone was told. */
  async function undoToldClicker(reply: FakeMessage): Promise<FakeMessage> {
    const { id } = w.discord.dispatchInteraction({
      kind: 'button',
      customId: actionButton(reply, 'stn:undo:')!.custom_id!,
      user: w.kim,
      message: reply,
    });
    const told = await waitFor(() => w.discord.followUps.find((f) => f.interactionId === id)?.message, {
      what: 'the answer to the clicker',
    });
    expect(told.flags & EPHEMERAL).toBe(EPHEMERAL);
    // The saved message keeps its Undo, to be pressed again later.
    expect(w.discord.originalEdits.filter((e) => e.interactionId === id)).toEqual([]);
    return told;
  }

  it('a row whose table a reconnect left out: says the table is no longer shared, with a Reconnect button', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    const tweetsDb = w.notion.tables(w.acme.id).find((t) => t.dataSourceId === w.tweets.dataSourceId)!.databaseId;
    await w.connectThroughDiscord(w.kim, { share: [tweetsDb] });
    const reply = await w.finalReply(saveTweet(w.kim, JACK));
    await w.connectThroughDiscord(w.kim, { share: [inspiration.databaseId] });

    const told = await undoToldClicker(reply);
    expect(told.content).toBe(
      "I can't reach that row any more: its table **Tweets** is no longer shared with Save to Notion. Share it again (reconnect) to undo.",
    );
    expect(componentsOf(told)).toEqual([
      expect.objectContaining({
        style: 5,
        label: 'Reconnect Notion',
        url: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
      }),
    ]);
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });

  it('after /notion-disconnect: one plain sentence and a Connect Notion button', async () => {
    await w.connectThroughDiscord(w.kim);
    const reply = await w.finalReply(saveTweet(w.kim, JACK));
    const disconnect = w.discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-disconnect', user: w.kim }).id;
    expect((await w.finalReply(disconnect)).content).toMatch(/^Disconnected/);

    const told = await undoToldClicker(reply);
    expect(told.content).toBe("You're not connected to Notion any more. Connect again to undo.");
    expect(componentsOf(told)).toEqual([expect.objectContaining({ style: 5, label: 'Connect Notion' })]);
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });
});
