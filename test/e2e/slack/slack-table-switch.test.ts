import { describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../../src/bots/slack/constants.js';
import { CHOOSE_TABLE_FAILED_TEXT } from '../../../src/chat/messages.js';
import { staticSelectActionBody } from '../../../src/sandbox/slack/payloads.js';
import { type SandboxMessage } from '../../../src/sandbox/slack/slack-sandbox.js';
import { JACK, NAVAL_WITH_TEXT as NAVAL, WITH_TEXT, slackSam as sam } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { button, plain } from '../../helpers/slack-harness.js';
import { useSlackWorld } from '../../helpers/use-world.js';

/** Slack, end to end: switching the table while connected, same-named tables, a tweet kept until a pick, Home-tab picks that fail. */
describe('Slack: switching tables', () => {
  const w = useSlackWorld();

  const dmChannel = () => w.slack.imChannelFor(sam.userId);

  /** Picks `dataSourceId` in the picker of a DM; returns the answer that replaced it. */
  async function pickInDm(message: SandboxMessage, dataSourceId: string) {
    const picker = button(message, ACTION_IDS.chooseTable);
    const choice = picker.options!.find((o) => o.value === dataSourceId)!;
    const responseUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: dmChannel() });
    await w.d.post(
      staticSelectActionBody({
        ...sam,
        actionId: ACTION_IDS.chooseTable,
        value: choice.value,
        label: choice.text.text,
        responseUrl,
        channelId: dmChannel(),
        messageTs: message.ts,
      }),
    );
    return w.d.firstAnswer(responseUrl);
  }

  /** `/notion-connect` and the DM it sends. */
  async function connectCommand(): Promise<SandboxMessage> {
    const before = w.d.dms(sam).length;
    await w.d.command(sam, COMMANDS.connect, '');
    return waitFor(() => w.d.dms(sam)[before], { what: 'the connect DM' });
  }

  const { homeAfter, openHome } = w;
  const pickInHome = (dataSourceId: string, label: string) =>
    w.d.post(
      staticSelectActionBody({ ...sam, actionId: ACTION_IDS.chooseTable, value: dataSourceId, label, where: 'home' }),
    );

  it('/notion-connect with a table chosen and another shared: the DM offers the picker, current table selected, and a pick switches', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pickInDm(await w.d.connect(sam), w.tweets.dataSourceId);

    const dm = await connectCommand();
    expect(dm.text).toMatch(
      /^Connected to \*Acme\*\. Saving to <[^|]+\|Tweets>\. Pick another table below, or reconnect to switch workspace or share other pages\.\n/,
    );
    expect(dm.text).not.toContain('To switch workspace or table, reconnect');
    const picker = button(dm, ACTION_IDS.chooseTable);
    expect(picker.options!.map((o) => o.text.text).sort()).toEqual(['Inspiration', 'Tweets']);
    expect(picker.initial_option).toEqual(picker.options!.find((o) => o.value === w.tweets.dataSourceId));
    expect(button(dm, ACTION_IDS.connectLink).text?.text).toBe('Reconnect Notion');

    const switched = await pickInDm(dm, inspiration.dataSourceId);
    expect(switched.body).toMatchObject({
      replace_original: true,
      text: expect.stringMatching(/^Tweets will be saved to <[^|]+\|Inspiration>\.$/),
    });
    expect((await w.d.save(sam, JACK)).body.text).toMatch(/^Saved @jack's tweet to <[^|]+\|Inspiration>/);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('/notion-connect with only one usable table: no picker, and reconnecting is offered to share other pages', async () => {
    await w.d.connect(sam);
    const dm = await connectCommand();
    expect(dm.text).toMatch(
      /^Connected to \*Acme\*\. Tweets will be saved to <[^|]+\|Tweets>\. To switch workspace or share other pages, reconnect:\n/,
    );
    expect(() => button(dm, ACTION_IDS.chooseTable)).toThrow(/no element/);
  });

  it('the Home tab offers the same picker; a pick there switches and the tab shows the new table selected', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pickInDm(await w.d.connect(sam), w.tweets.dataSourceId);
    const home = await homeAfter(openHome);
    expect(JSON.stringify(home)).toContain('Saving to <');
    expect(button(home, ACTION_IDS.chooseTable).initial_option?.value).toBe(w.tweets.dataSourceId);

    const after = await homeAfter(() => pickInHome(inspiration.dataSourceId, 'Inspiration'));
    expect(button(after, ACTION_IDS.chooseTable).initial_option?.value).toBe(inspiration.dataSourceId);
    expect((await w.d.save(sam, JACK)).body.text).toContain('|Inspiration>');
  });

  it('two tables called Tweets are told apart by their page in the picker and in "Your tables"', async () => {
    const wiki = w.notion.addPage(w.acme.id, { title: 'Team wiki' });
    const inWiki = w.notion.addTable(w.acme.id, { title: 'Tweets', properties: WITH_TEXT, parentPageId: wiki.pageId });
    const connected = await w.d.connect(sam);
    const picker = button(connected, ACTION_IDS.chooseTable);
    expect(picker.options!.map((o) => [o.value, o.text.text]).sort()).toEqual(
      [
        [w.tweets.dataSourceId, 'Tweets'],
        [inWiki.dataSourceId, 'Tweets (Team wiki)'],
      ].sort(),
    );
    const unknown = await w.d.save(sam, `${JACK} to Recipes`);
    expect(unknown.body.text).toContain('*Tweets (Team wiki)*');
  });

  it('a tweet saved before a table is picked is kept, said so, and saved into the table picked from its reply', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await w.d.connect(sam);
    const answer = await w.d.save(sam, NAVAL);
    expect(answer.body.text).toBe(
      'You shared 2 tables. Pick the one to save tweets to. I kept this tweet and will save it as soon as you pick a table.',
    );
    const picker = button(answer.body, ACTION_IDS.chooseTable);

    const dmsBefore = w.d.dms(sam).length;
    const responseUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: 'C0GENERAL' });
    await w.d.post(
      staticSelectActionBody({
        ...sam,
        actionId: ACTION_IDS.chooseTable,
        value: inspiration.dataSourceId,
        label: 'Inspiration',
        responseUrl,
        channelId: 'C0GENERAL',
      }),
    );
    expect((await w.d.firstAnswer(responseUrl)).body.text).toMatch(/^Tweets will be saved to <[^|]+\|Inspiration>\.$/);
    expect(picker.options).toHaveLength(2);

    const report = await waitFor(
      () =>
        w.d
          .dms(sam)
          .slice(dmsBefore)
          .find((m) => m.text?.startsWith("Saved @naval's tweet")),
      { what: "the kept save's answer" },
    );
    const [row] = w.notion.rows(inspiration.dataSourceId);
    expect(plain(row!, 'Name')).toBe('@naval');
    expect(report.text).toContain(`<${row!.url}|Inspiration>`);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('a Home-tab pick while Notion is too busy: the tab says so on top and the table stays', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pickInDm(await w.d.connect(sam), w.tweets.dataSourceId);
    // Every attempt the SDK makes at the pick's listing is refused.
    w.notion.rateLimitNext(3, 0);
    const failed = await homeAfter(() => pickInHome(inspiration.dataSourceId, 'Inspiration'));
    expect(JSON.stringify(failed)).toContain(CHOOSE_TABLE_FAILED_TEXT);
    expect(button(failed, ACTION_IDS.chooseTable).initial_option?.value).toBe(w.tweets.dataSourceId);
    expect((await w.d.save(sam, JACK)).body.text).toContain('|Tweets>');
  });

  it('a Home-tab pick of a table that cannot take tweets: the tab says which column it lacks', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pickInDm(await w.d.connect(sam), w.tweets.dataSourceId);
    w.notion.removeProperty(inspiration.dataSourceId, 'Tweet');
    const after = await homeAfter(() => pickInHome(inspiration.dataSourceId, 'Inspiration'));
    expect(JSON.stringify(after)).toContain(
      'The table *Inspiration* cannot take tweets yet: it needs a *Text* column named *Tweet*.',
    );
    expect((await w.d.save(sam, JACK)).body.text).toContain('|Tweets>');
  });
});
