import { describe, expect, it } from 'vitest';
import type { FakeMessage, FakeUser } from '../../../src/sandbox/discord/discord-sandbox.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { actionButton, componentsOf, EPHEMERAL, linkButton, text } from '../../helpers/discord-harness.js';
import { JACK, NAVAL_LINK as NAVAL } from '../../helpers/fixtures.js';
import { TEST_CLIENT, waitFor } from '../../helpers/product.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

/** Issue 7 on Discord: duplicate guard, Undo, zero-config table, one-click reconnect, inline table choice. */
describe('Discord: saving like people expect', () => {
  const w = useDiscordWorld();

  function saveTweet(user: FakeUser, tweet: string): string {
    return w.discord.dispatchInteraction({ kind: 'chat_input', name: 'save-tweet', user, options: { tweet } }).id;
  }

  /** Clicks a button and waits for the bot's deferUpdate, which must come within Discord's 3 s. */
  async function click(
    user: FakeUser,
    message: FakeMessage,
    customId: string,
    opts: { skipVisibilityCheck?: boolean } = {},
  ): Promise<string> {
    const { id } = w.discord.dispatchInteraction({ kind: 'button', customId, user, message, ...opts });
    const ack = await waitFor(() => w.discord.callbacksFor(id)[0], { what: 'the button acknowledgement' });
    expect(ack).toMatchObject({ type: 6, status: 204 });
    expect(ack.elapsedMs).toBeLessThan(3000);
    return id;
  }

  /** The message as it is after the click's edit (the edit of `interactionId`). */
  function editedBy(interactionId: string): Promise<FakeMessage> {
    return waitFor(() => w.discord.originalEdits.find((e) => e.interactionId === interactionId)?.message, {
      what: 'the edited message',
    });
  }

  it('the same tweet twice: one row, then "Already saved" with the row and Save again, which adds a second row', async () => {
    await w.connectThroughDiscord(w.kim);
    const first = await w.finalReply(saveTweet(w.kim, JACK));
    const [row] = w.notion.rows(w.tweets.dataSourceId);
    expect(first.content).toBe(`Saved @jack's tweet to [Tweets](${row!.url}).`);
    expect(componentsOf(first).map((c) => c.label)).toEqual(['Open in Notion', 'Add note', 'Undo']);

    const notionCalls = w.notion.requests.length;
    const secondId = saveTweet(w.kim, JACK);
    const second = await w.finalReply(secondId);
    expect(w.discord.callbacksFor(secondId)[0]).toMatchObject({ type: 5, flags: EPHEMERAL });
    expect(second.content).toBe(`Already saved: @jack's tweet is in [Tweets](${row!.url}). Nothing new was added.`);
    expect(linkButton(second)).toMatchObject({ label: 'Open in Notion', url: row!.url });
    const again = actionButton(second, 'stn:again:');
    expect(again?.label).toBe('Save again');
    expect(again!.custom_id!.length).toBeLessThanOrEqual(100);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
    expect(w.notion.requests.length).toBe(notionCalls); // the duplicate guard answered without asking Notion

    const clickId = await click(w.kim, second, again!.custom_id!);
    const resaved = await waitFor(
      async () => {
        const m = await editedBy(clickId);
        return m.content.startsWith('Saved') ? m : undefined;
      },
      { what: 'the Save again result' },
    );
    const rows = w.notion.rows(w.tweets.dataSourceId);
    expect(rows).toHaveLength(2);
    expect(resaved.id).toBe(second.id); // the "Already saved" message itself now says Saved
    expect(resaved.content).toBe(`Saved @jack's tweet to [Tweets](${rows[1]!.url}).`);
    expect(actionButton(resaved, 'stn:undo:')?.label).toBe('Undo');
    expect(actionButton(resaved, 'stn:undo:')!.custom_id).not.toBe(actionButton(first, 'stn:undo:')!.custom_id);
  });

  it('two /save-tweet of the same link at once make one row', async () => {
    await w.connectThroughDiscord(w.kim);
    const a = saveTweet(w.kim, JACK);
    const b = saveTweet(w.kim, JACK);
    const replies = await Promise.all([w.finalReply(a), w.finalReply(b)]);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
    const kinds = replies
      .map((r) =>
        r.content.startsWith('Saved') ? 'saved' : r.content.startsWith('Already saved') ? 'already' : r.content,
      )
      .sort();
    expect(kinds).toEqual(['already', 'saved']);
  });

  it('Undo trashes the row, updates the reply to "Removed" and leaves other rows alone', async () => {
    await w.connectThroughDiscord(w.kim);
    await w.finalReply(saveTweet(w.kim, NAVAL));
    const reply = await w.finalReply(saveTweet(w.kim, JACK));
    const [kept, undone] = w.notion.rows(w.tweets.dataSourceId);
    const undo = actionButton(reply, 'stn:undo:');
    expect(undo?.label).toBe('Undo');

    const clickId = await click(w.kim, reply, undo!.custom_id!);
    const removed = await editedBy(clickId);
    expect(removed.id).toBe(reply.id);
    expect(removed.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(removed.content).toBe("Removed @jack's tweet from **Tweets** (moved to Notion's trash).");
    expect(componentsOf(removed)).toEqual([]);
    expect(w.notion.rows(w.tweets.dataSourceId).find((r) => r.id === undone!.id)?.inTrash).toBe(true);
    expect(w.notion.rows(w.tweets.dataSourceId).find((r) => r.id === kept!.id)?.inTrash).toBe(false);
    expect(w.discord.followUps.filter((f) => f.interactionId === clickId)).toHaveLength(0);

    // Undone, the tweet is forgotten: saving it again makes a new row, not "Already saved".
    expect((await w.finalReply(saveTweet(w.kim, JACK))).content).toMatch(/^Saved @jack's tweet/);
  });

  it("Undo pressed by someone else is refused to them alone; the row and the saver's message stay", async () => {
    await w.connectThroughDiscord(w.kim);
    const reply = await w.finalReply(saveTweet(w.kim, JACK));
    const undo = actionButton(reply, 'stn:undo:')!;
    const lee = w.discord.user('lee');
    // Discord itself keeps lee away from kim's ephemeral reply...
    expect(() =>
      w.discord.dispatchInteraction({ kind: 'button', customId: undo.custom_id!, user: lee, message: reply }),
    ).toThrow(/cannot see/);
    // ...and the bot refuses too when a click gets through anyway.
    const clickId = await click(lee, reply, undo.custom_id!, { skipVisibilityCheck: true });
    const refusal = await waitFor(() => w.discord.followUps.find((f) => f.interactionId === clickId)?.message, {
      what: 'the refusal',
    });
    expect(refusal.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(refusal.content).toBe('Only the person who saved this tweet can undo it, and only once.');
    expect(w.discord.originalEdits.filter((e) => e.interactionId === clickId)).toHaveLength(0);
    expect(w.discord.original(clickId)?.content).toBe(reply.content);
    expect(actionButton(w.discord.original(clickId), 'stn:undo:')).toBeDefined();
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });

  it('Undo of a row already deleted in Notion says so plainly', async () => {
    await w.connectThroughDiscord(w.kim);
    const reply = await w.finalReply(saveTweet(w.kim, JACK));
    const [row] = w.notion.rows(w.tweets.dataSourceId);
    w.notion.trashRow(row!.id);
    const clickId = await click(w.kim, reply, actionButton(reply, 'stn:undo:')!.custom_id!);
    const answer = await editedBy(clickId);
    expect(answer.content).toBe('That row was already deleted in Notion (**Tweets**), so there was nothing to undo.');
    expect(componentsOf(answer)).toEqual([]);
  });

  it('Undo works on a save answered by DM too', async () => {
    await w.connectThroughDiscord(w.kim);
    const before = w.discord.dmsTo(w.kim.id).length;
    w.discord.dispatchDirectMessage({ user: w.kim, content: JACK });
    const answer = await w.nthDm(w.kim, before, 'the DM answer');
    const clickId = await click(w.kim, answer, actionButton(answer, 'stn:undo:')!.custom_id!);
    expect((await editedBy(clickId)).content).toMatch(/^Removed @jack's tweet from \*\*Tweets\*\*/);
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([true]);
  });

  it('only a page shared: the DM offers to create a Tweets table there, and the next save lands in it', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    const dm = await w.connectThroughDiscord(w.kim, { share: [reading.pageId] });
    expect(dm.content).toBe(
      'Connected to **Acme**. You shared the page **Reading** but no table. I can create a Tweets table in it for you.',
    );
    const create = actionButton(dm, 'stn:create:');
    expect(create?.label).toBe('Create a Tweets table in Reading');

    const clickId = await click(w.kim, dm, create!.custom_id!);
    const ready = await editedBy(clickId);
    expect(ready.id).toBe(dm.id);
    expect(ready.content).toMatch(
      /^Created a \[Tweets table\]\([^)]+\) in \*\*Reading\*\*\. Tweets will be saved there\.$/,
    );
    expect(linkButton(ready)?.label).toBe('Open in Notion');
    expect(actionButton(ready, 'stn:create:')).toBeUndefined();
    const created = w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId);
    expect(created.map((t) => t.title)).toEqual(['Tweets']);

    const saved = await w.finalReply(saveTweet(w.kim, JACK));
    expect(saved.content).toMatch(/^Saved @jack's tweet to \[Tweets\]/);
    expect(w.notion.rows(created[0]!.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(0);
  });

  it("with the integration's template, the duplicated table is the target without asking", async () => {
    w.notion.setTemplate(TEST_CLIENT.clientId, {
      pageTitle: 'Tweet saver',
      table: { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } },
    });
    const dm = await w.connectThroughDiscord(w.kim); // shares everything, the old Tweets table too
    expect(dm.content).toMatch(/^Connected to \*\*Acme\*\*\. Tweets will be saved to \[Tweets\]\(/);
    expect(componentsOf(dm).some((c) => c.type === 3)).toBe(false); // no table menu
    const fromTemplate = w.notion.tables(w.acme.id).find((t) => t.dataSourceId !== w.tweets.dataSourceId)!;

    await w.finalReply(saveTweet(w.kim, JACK));
    expect(w.notion.rows(fromTemplate.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(0);
  });

  it('access revoked: saves are kept, ONE reconnect DM, and after the reconnect the kept tweets land and are reported', async () => {
    await w.connectThroughDiscord(w.kim);
    const dmsBefore = w.discord.dmsTo(w.kim.id).length;
    w.notion.revokeWorkspaceAccess(w.acme.id);

    const a = saveTweet(w.kim, JACK);
    const b = saveTweet(w.kim, NAVAL);
    for (const reply of await Promise.all([w.finalReply(a), w.finalReply(b)])) {
      expect(reply.content).toMatch(/^Notion no longer accepts your connection\. I kept this tweet/);
      expect(linkButton(reply)).toMatchObject({
        label: 'Reconnect Notion',
        url: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
      });
    }
    await w.product.app.core.idle();
    const prompts = w.discord.dmsTo(w.kim.id).slice(dmsBefore);
    expect(prompts.map((d) => d.message.content.slice(0, 40))).toEqual(['Notion no longer accepts the connection ']);
    const prompt = prompts[0]!.message;
    expect(prompt.content).toContain('**Acme**');
    const reconnect = linkButton(prompt);
    expect(reconnect?.label).toBe('Reconnect Notion');
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(0);

    expect((await completeConnect(reconnect!.url!, w.notion)).status).toBe(200);
    await w.product.app.core.idle();
    const rows = w.notion.rows(w.tweets.dataSourceId);
    expect(rows.map((r) => text(r, 'Name')).sort()).toEqual(['@jack', '@naval']);
    const after = w.discord
      .dmsTo(w.kim.id)
      .slice(dmsBefore + 1)
      .map((d) => d.message.content);
    // Each kept save is answered by DM like any save.
    expect(after.filter((c) => c.startsWith('Saved @')).sort()).toEqual([
      expect.stringMatching(/^Saved @jack's tweet/),
      expect.stringMatching(/^Saved @naval's tweet/),
    ]);
    expect(after.filter((c) => c.startsWith('Notion no longer accepts'))).toHaveLength(0);
  });

  it('"<link> to <name>" saves once into that table; the default stays; an unknown name lists the tables', async () => {
    const inspiration = w.notion.addTable(w.acme.id, {
      title: 'Inspiration',
      properties: { Name: 'title', Tweet: 'rich_text' },
    });
    const dm = await w.connectThroughDiscord(w.kim);
    const menu = componentsOf(dm).find((c) => c.type === 3)!;
    const pick = w.discord.dispatchInteraction({
      kind: 'select',
      customId: menu.custom_id!,
      values: [w.tweets.dataSourceId],
      user: w.kim,
      message: dm,
    });
    await waitFor(() => w.discord.originalEdits.find((e) => e.interactionId === pick.id), { what: 'the pick' });

    const inline = await w.finalReply(saveTweet(w.kim, `${JACK} to Insp`));
    expect(inline.content).toMatch(/^Saved @jack's tweet to \[Inspiration\]\(/);
    expect(w.notion.rows(inspiration.dataSourceId)).toHaveLength(1);

    const plain = await w.finalReply(saveTweet(w.kim, NAVAL));
    expect(plain.content).toMatch(/^Saved @naval's tweet to \[Tweets\]\(/);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);

    const unknown = await w.finalReply(saveTweet(w.kim, `${JACK} to Ideas`));
    expect(unknown.content).toMatch(/^No shared table is called \*\*Ideas\*\*\. Your tables: /);
    expect(unknown.content).toContain('**Inspiration**');
    expect(unknown.content).toContain('**Tweets**');
    expect(w.notion.rows(inspiration.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
  });
});
