import { describe, expect, it } from 'vitest';
import type { FakeMessage, FakeUser } from '../../../src/sandbox/discord/discord-sandbox.js';
import { actionButton, componentsOf, linkButton, SELECT_MENU, text } from '../../helpers/discord-harness.js';
import { JACK, KEPT_FOR_COLUMN, NAVAL_LINK as NAVAL, WITH_TEXT } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

const COLUMN_HELP = 'cannot take tweets yet: it needs a **Text** column named **Tweet**';

/** Discord, end to end: column help, the create-table offer, pickers before the first save. */
describe('Discord: table help', () => {
  const w = useDiscordWorld();

  const saveTweet = (user: FakeUser, tweet: string) =>
    w.discord.dispatchInteraction({ kind: 'chat_input', name: 'save-tweet', user, options: { tweet } }).id;
  const menuOf = (message: FakeMessage) => componentsOf(message).find((c) => c.type === SELECT_MENU);

  /** Picks the table in the menu of `message`; returns the message as the pick left it. */
  async function pick(message: FakeMessage, dataSourceId: string): Promise<FakeMessage> {
    const { id } = w.discord.dispatchInteraction({
      kind: 'select',
      customId: menuOf(message)!.custom_id!,
      values: [dataSourceId],
      user: w.kim,
      message,
    });
    return waitFor(() => w.discord.originalEdits.find((e) => e.interactionId === id)?.message, { what: 'the pick' });
  }

  async function click(message: FakeMessage, customId: string): Promise<string> {
    const { id } = w.discord.dispatchInteraction({ kind: 'button', customId, user: w.kim, message });
    await waitFor(() => w.discord.callbacksFor(id)[0], { what: 'the button acknowledgement' });
    return id;
  }
  const editedBy = (interactionId: string) =>
    waitFor(() => w.discord.originalEdits.find((e) => e.interactionId === interactionId)?.message, {
      what: 'the edited message',
    });

  it('the chosen table loses its Tweet column: the save names the column and keeps the table; once it is back the next save lands there', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pick(await w.connectThroughDiscord(w.kim), w.tweets.dataSourceId);
    expect((await w.finalReply(saveTweet(w.kim, JACK))).content).toMatch(/^Saved @jack's tweet to \[Tweets\]/);

    w.notion.removeProperty(w.tweets.dataSourceId, 'Tweet');
    const help = await w.finalReply(saveTweet(w.kim, NAVAL));
    expect(help.content).toBe(
      `The table **Tweets** ${COLUMN_HELP}. Add it in Notion, then save again. ${KEPT_FOR_COLUMN}`,
    );
    expect(componentsOf(help)).toEqual([]);
    expect(w.notion.rows(inspiration.dataSourceId)).toEqual([]);

    w.notion.addProperty(w.tweets.dataSourceId, 'Tweet', 'rich_text');
    expect((await w.finalReply(saveTweet(w.kim, NAVAL))).content).toMatch(/^Saved @naval's tweet to \[Tweets\]/);
    await w.product.app.core.idle();
    // The kept one was the same tweet: nothing is written twice.
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(2);
    expect(w.notion.rows(inspiration.dataSourceId)).toEqual([]);
  });

  it('/save-tweet <link> to <a table without a text column> names that column', async () => {
    w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await w.connectThroughDiscord(w.kim);
    expect((await w.finalReply(saveTweet(w.kim, `${JACK} to Links`))).content).toBe(
      `The table **Links** ${COLUMN_HELP}. Add it in Notion, then save again. ${KEPT_FOR_COLUMN}`,
    );
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('" to <words>" in a DM is part of the message, not a table choice', async () => {
    const everyone = w.notion.addTable(w.acme.id, { title: 'Everyone', properties: WITH_TEXT });
    await pick(await w.connectThroughDiscord(w.kim), w.tweets.dataSourceId);
    const before = w.discord.dmsTo(w.kim.id).length;
    w.discord.dispatchDirectMessage({ user: w.kim, content: `${JACK} to everyone who asked` });
    const answer = await w.nthDm(w.kim, before, 'the DM answer');
    expect(answer.content).toMatch(/^Saved @jack's tweet to \[Tweets\]/);
    expect(w.notion.rows(everyone.dataSourceId)).toEqual([]);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
  });

  it('pages and only a table without a text column shared: the DM has the column help and the create button, which works', async () => {
    w.notion.removeProperty(w.tweets.dataSourceId, 'Tweet');
    w.notion.addPage(w.acme.id, { title: 'Reading' });
    const dm = await w.connectThroughDiscord(w.kim);
    expect(dm.content).toBe(
      `Connected to **Acme**. The table **Tweets** ${COLUMN_HELP}. Add it in Notion, then save again. Or I can create a Tweets table in **Reading** for you.`,
    );
    const create = actionButton(dm, 'stn:create:');
    expect(create?.label).toBe('Create a Tweets table in Reading');
    // A save's answer has the same offer, and keeps the tweet.
    const kept = await w.finalReply(saveTweet(w.kim, JACK));
    expect(kept.content).toContain(
      'I kept this tweet and will save it as soon as you add the column (with your next save) or create the table.',
    );
    expect(actionButton(kept, 'stn:create:')?.custom_id).toBe(create!.custom_id);

    const dmsBefore = w.discord.dmsTo(w.kim.id).length;
    const ready = await editedBy(await click(dm, create!.custom_id!));
    expect(ready.content).toMatch(
      /^Created a \[Tweets table\]\([^)]+\) in \*\*Reading\*\*\. Tweets will be saved there\.$/,
    );
    const created = w.notion.tables(w.acme.id).find((t) => t.dataSourceId !== w.tweets.dataSourceId)!;
    // The kept save replays as a job: answered by DM like any save, with its Undo button.
    const report = await w.nthDm(w.kim, dmsBefore, "the kept save's answer");
    const rows = w.notion.rows(created.dataSourceId);
    expect(rows.map((r) => text(r, 'Handle'))).toEqual(['@jack']);
    expect(report.content).toBe(`Saved @jack's tweet to [Tweets](${rows[0]!.url}).`);
    expect(actionButton(report, 'stn:undo:')?.custom_id).toBe(`stn:undo:${rows[0]!.id}`);
    expect((await w.finalReply(saveTweet(w.kim, JACK))).content).toMatch(/^Already saved/);
    expect(w.notion.rows(created.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('"Create a Tweets table" clicked twice at once creates one table', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    const dm = await w.connectThroughDiscord(w.kim, { share: [reading.pageId] });
    const create = actionButton(dm, 'stn:create:')!.custom_id!;
    const clicks = await Promise.all([click(dm, create), click(dm, create)]);
    for (const edited of await Promise.all(clicks.map(editedBy)))
      expect(edited.content).toMatch(
        /^Created a \[Tweets table\]\([^)]+\)( in \*\*Reading\*\*)?\. Tweets will be saved there\.$/,
      );
    expect(w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId)).toHaveLength(1);
  });

  it('/notion-connect when connected but no table is chosen: the DM has the table menu next to the link', async () => {
    w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await w.connectThroughDiscord(w.kim);
    const before = w.discord.dmsTo(w.kim.id).length;
    w.discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: w.kim });
    const dm = await w.nthDm(w.kim, before, 'the connect DM');
    expect(dm.content).toMatch(
      /^Connected to \*\*Acme\*\*\. You shared 2 tables\. Pick the one to save tweets to\. Or reconnect/,
    );
    expect(dm.content).toContain('removes a row when you press Undo');
    expect(
      menuOf(dm)
        ?.options?.map((o) => o.label)
        .sort(),
    ).toEqual(['Inspiration', 'Tweets']);
    expect(linkButton(dm)?.url).toMatch(/\/oauth\/notion\/start\?t=/);

    expect((await pick(dm, w.tweets.dataSourceId)).content).toMatch(/^Tweets will be saved to \[Tweets\]/);
    expect((await w.finalReply(saveTweet(w.kim, JACK))).content).toMatch(/^Saved @jack's tweet to \[Tweets\]/);
  });
});
