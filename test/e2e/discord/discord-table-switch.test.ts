import { describe, expect, it } from 'vitest';
import type { FakeMessage, FakeUser } from '../../../src/sandbox/discord/discord-sandbox.js';
import { componentsOf, linkButton, SELECT_MENU, text } from '../../helpers/discord-harness.js';
import { JACK, NAVAL_LINK as NAVAL, WITH_TEXT } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

/** Discord, end to end: switching the table while connected, same-named tables, a tweet kept until a pick. */
describe('Discord: switching tables', () => {
  const w = useDiscordWorld();

  const saveTweet = (user: FakeUser, tweet: string) =>
    w.discord.dispatchInteraction({ kind: 'chat_input', name: 'save-tweet', user, options: { tweet } }).id;
  const menuOf = (message: FakeMessage) =>
    componentsOf(message).find((c) => c.type === SELECT_MENU) as
      { custom_id: string; options: { label: string; value: string; default?: boolean }[] } | undefined;

  async function pick(message: FakeMessage, dataSourceId: string): Promise<FakeMessage> {
    const { id } = w.discord.dispatchInteraction({
      kind: 'select',
      customId: menuOf(message)!.custom_id,
      values: [dataSourceId],
      user: w.kim,
      message,
    });
    return waitFor(() => w.discord.originalEdits.find((e) => e.interactionId === id)?.message, { what: 'the pick' });
  }

  async function connectCommand(): Promise<FakeMessage> {
    const before = w.discord.dmsTo(w.kim.id).length;
    w.discord.dispatchInteraction({ kind: 'chat_input', name: 'notion-connect', user: w.kim });
    return w.nthDm(w.kim, before, 'the connect DM');
  }

  it('/notion-connect with a table chosen and another shared: the DM has the menu, current table selected, and a pick switches', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pick(await w.connectThroughDiscord(w.kim), w.tweets.dataSourceId);

    const dm = await connectCommand();
    expect(dm.content).toMatch(
      /^Connected to \*\*Acme\*\*\. Saving to \[Tweets\]\([^)]+\)\. Pick another table below, or reconnect to switch workspace or share other pages\.\n/,
    );
    const menu = menuOf(dm)!;
    expect(menu.options.map((o) => o.label).sort()).toEqual(['Inspiration', 'Tweets']);
    expect(menu.options.filter((o) => o.default).map((o) => o.value)).toEqual([w.tweets.dataSourceId]);
    expect(linkButton(dm)?.url).toMatch(/\/oauth\/notion\/start\?t=/);

    expect((await pick(dm, inspiration.dataSourceId)).content).toMatch(/^Tweets will be saved to \[Inspiration\]\(/);
    expect((await w.finalReply(saveTweet(w.kim, JACK))).content).toMatch(/^Saved @jack's tweet to \[Inspiration\]/);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('two tables called Tweets are told apart by their page in the menu', async () => {
    const wiki = w.notion.addPage(w.acme.id, { title: 'Team wiki' });
    const inWiki = w.notion.addTable(w.acme.id, { title: 'Tweets', properties: WITH_TEXT, parentPageId: wiki.pageId });
    const dm = await w.connectThroughDiscord(w.kim);
    expect(
      menuOf(dm)!
        .options.map((o) => [o.value, o.label])
        .sort(),
    ).toEqual(
      [
        [w.tweets.dataSourceId, 'Tweets'],
        [inWiki.dataSourceId, 'Tweets (Team wiki)'],
      ].sort(),
    );
  });

  it('a tweet saved before a table is picked is kept, said so, and saved into the table picked from its reply', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await w.connectThroughDiscord(w.kim);
    const reply = await w.finalReply(saveTweet(w.kim, NAVAL));
    expect(reply.content).toBe(
      'You shared 2 tables. Pick the one to save tweets to. I kept this tweet and will save it as soon as you pick a table.',
    );

    const dmsBefore = w.discord.dmsTo(w.kim.id).length;
    expect((await pick(reply, inspiration.dataSourceId)).content).toMatch(/^Tweets will be saved to \[Inspiration\]\(/);
    const report = await w.nthDm(w.kim, dmsBefore, "the kept save's answer");
    const [row] = w.notion.rows(inspiration.dataSourceId);
    expect(text(row!, 'Name')).toBe('@naval');
    expect(report.content).toMatch(/^Saved @naval's tweet to \[Inspiration\]\(/);
    expect(report.content).toContain(row!.url);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });
});
