import { describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS, CREATE_TABLE_ACTION } from '../../../src/bots/slack/constants.js';
import { CREATE_TABLE_FAILED_TEXT } from '../../../src/chat/messages.js';
import {
  buttonActionBody,
  eventCallbackBody,
  imMessageEvent,
  staticSelectActionBody,
  type ButtonLocation,
} from '../../../src/sandbox/slack/payloads.js';
import { type SandboxMessage } from '../../../src/sandbox/slack/slack-sandbox.js';
import type { SlackPerson as Person } from '../../helpers/fixtures.js';
import {
  SLACK_EPHEMERAL as EPHEMERAL,
  JACK,
  KEPT_FOR_COLUMN,
  NAVAL_WITH_TEXT as NAVAL,
  slackSam as sam,
  WITH_TEXT,
} from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { button, elements, plain, type BlockElement } from '../../helpers/slack-harness.js';
import { useSlackWorld } from '../../helpers/use-world.js';

const COLUMN_HELP = 'cannot take tweets yet: it needs a *Text* column named *Tweet*';

/** Slack, end to end: column help, the create-table offer, pickers before the first save, lost access outside a save. */
describe('Slack: table help', () => {
  const w = useSlackWorld();

  const dmChannel = () => w.slack.imChannelFor(sam.userId);
  const inDm = (message: SandboxMessage): ButtonLocation => ({
    kind: 'message',
    channelId: dmChannel(),
    messageTs: message.ts!,
    message,
  });

  /** Picks `title` in the picker of `message` (a DM); returns the answer that replaced it. */
  async function pick(message: SandboxMessage, title: string) {
    const choice = button(message, ACTION_IDS.chooseTable).options!.find((o) => o.text.text === title)!;
    const responseUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: dmChannel() });
    await w.d.post(
      staticSelectActionBody({
        ...sam,
        actionId: ACTION_IDS.chooseTable,
        value: choice.value,
        label: title,
        responseUrl,
        channelId: dmChannel(),
        messageTs: message.ts,
      }),
    );
    return w.d.firstAnswer(responseUrl);
  }

  async function click(who: Person, element: BlockElement, where: ButtonLocation) {
    const clicked = await w.d.click(who, element, where);
    expect(clicked.res.status).toBe(200);
    return clicked;
  }

  const { homeAfter, openHome } = w;

  it('the chosen table loses its Tweet column: the save names the column and keeps the table; once it is back the next save lands there', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await pick(await w.d.connect(sam), 'Tweets');
    expect((await w.d.save(sam, JACK)).body.text).toMatch(/^Saved @jack's tweet/);

    w.notion.removeProperty(w.tweets.dataSourceId, 'Tweet');
    const help = await w.d.save(sam, NAVAL);
    expect(help.body.text).toBe(
      `The table *Tweets* ${COLUMN_HELP}. Add it in Notion, then save again. ${KEPT_FOR_COLUMN}`,
    );
    expect(elements(help.body)).toEqual([]); // no picker: nothing switches behind the user's back
    expect(w.notion.rows(inspiration.dataSourceId)).toEqual([]);

    w.notion.addProperty(w.tweets.dataSourceId, 'Tweet', 'rich_text');
    expect((await w.d.save(sam, NAVAL)).body.text).toMatch(/^Saved @naval's tweet to <[^|]+\|Tweets>/);
    await w.product.app.core.idle();
    // The kept one was the same tweet: nothing is written twice.
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => plain(r, 'Name'))).toEqual(['@jack', '@naval']);
    expect(w.notion.rows(inspiration.dataSourceId)).toEqual([]);
  });

  it('/save-tweet <link> to <a table without a text column> names that column; an unknown name lists every table', async () => {
    const links = w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await w.d.connect(sam);
    expect((await w.d.save(sam, `${JACK} to links`)).body.text).toBe(
      `The table *Links* ${COLUMN_HELP}. Add it in Notion, then save again. ${KEPT_FOR_COLUMN}`,
    );
    const unknown = await w.d.save(sam, `${JACK} to Recipes`);
    expect(unknown.body.text).toMatch(/^No shared table is called \*Recipes\*\. Your tables: /);
    expect(unknown.body.text).toContain('*Links*');
    expect(unknown.body.text).toContain('*Tweets*');
    expect(w.notion.rows(links.dataSourceId)).toEqual([]);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('" to <words>" in a DM is part of the message, not a table choice', async () => {
    const everyone = w.notion.addTable(w.acme.id, { title: 'Everyone', properties: WITH_TEXT });
    await pick(await w.d.connect(sam), 'Tweets');
    await w.d.post(
      eventCallbackBody({
        teamId: sam.teamId,
        botUserId: w.slack.botUserId,
        event: imMessageEvent({ ...sam, channel: dmChannel(), text: `<${JACK}> to everyone who asked` }),
      }),
    );
    const reply = await waitFor(() => w.slack.messagesTo(dmChannel()).find((m) => m.text?.startsWith('Saved')), {
      what: 'the DM reply',
    });
    expect(reply.text).toContain('|Tweets>');
    expect(w.notion.rows(everyone.dataSourceId)).toEqual([]);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
  });

  it('pages and only a table without a text column shared: the DM has the column help and the create button, which works', async () => {
    w.notion.removeProperty(w.tweets.dataSourceId, 'Tweet');
    w.notion.addPage(w.acme.id, { title: 'Reading' });
    const connected = await w.d.connect(sam);
    expect(connected.text).toBe(
      `Connected to *Acme*. The table *Tweets* ${COLUMN_HELP}. Add it in Notion, then save again. Or I can create a Tweets table in *Reading* for you.`,
    );
    const offer = button(connected, CREATE_TABLE_ACTION);
    expect(offer.text?.text).toBe('Create a Tweets table in Reading');
    // The same offer comes with a save's answer, which keeps the tweet.
    const kept = await w.d.save(sam, JACK);
    expect(kept.body.text).toContain(
      'I kept this tweet and will save it as soon as you add the column (with your next save) or create the table.',
    );
    expect(button(kept.body, CREATE_TABLE_ACTION).value).toBe(offer.value);

    const dmsBefore = w.d.dms(sam).length;
    const ready = await w.d.firstAnswer((await click(sam, offer, inDm(connected))).responseUrl);
    expect(ready.body).toMatchObject({
      replace_original: true,
      text: expect.stringMatching(/^Created a <[^|]+\|Tweets table> in \*Reading\*\. Tweets will be saved there\.$/),
    });
    const created = w.notion.tables(w.acme.id).find((t) => t.dataSourceId !== w.tweets.dataSourceId)!;
    await waitFor(
      () =>
        w.d
          .dms(sam)
          .slice(dmsBefore)
          .find((m) => m.text?.startsWith("Saved @jack's tweet")),
      { what: "the kept save's answer" },
    );
    expect(w.notion.rows(created.dataSourceId).map((r) => plain(r, 'Handle'))).toEqual(['@jack']);
    expect((await w.d.save(sam, NAVAL)).body.text).toMatch(/^Saved @naval's tweet/);
    expect(w.notion.rows(created.dataSourceId)).toHaveLength(2);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('"Create a Tweets table" clicked twice at once creates one table; both clicks say where tweets go', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    const connected = await w.d.connect(sam, { share: [reading.pageId] });
    const offer = button(connected, CREATE_TABLE_ACTION);
    const clicks = await Promise.all([click(sam, offer, inDm(connected)), click(sam, offer, inDm(connected))]);
    const answers = await Promise.all(clicks.map((c) => w.d.firstAnswer(c.responseUrl)));
    for (const a of answers)
      expect(a.body.text).toMatch(/^Created a <[^|]+\|Tweets table>( in \*Reading\*)?\. Tweets will be saved there\.$/);
    expect(w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId)).toHaveLength(1);
  });

  it('connected with several tables and none chosen: the Home tab shows the picker, and a choice there is kept', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await w.d.connect(sam);
    const home = await homeAfter(openHome);
    expect(JSON.stringify(home)).toContain('You shared 2 tables. Pick the one to save tweets to.');
    const picker = button(home, ACTION_IDS.chooseTable);
    expect(picker.options!.map((o) => o.text.text).sort()).toEqual(['Inspiration', 'Tweets']);

    const after = await homeAfter(() =>
      w.d.post(
        staticSelectActionBody({
          ...sam,
          actionId: ACTION_IDS.chooseTable,
          value: inspiration.dataSourceId,
          label: 'Inspiration',
          where: 'home',
        }),
      ),
    );
    expect(JSON.stringify(after)).toMatch(
      /Saving to <[^|]+\|Inspiration>\. Pick another table below, or reconnect to switch workspace or share other pages\./,
    );
    // The picker stays, to switch again, with the chosen table selected.
    expect(button(after, ACTION_IDS.chooseTable)).toMatchObject({
      initial_option: { value: inspiration.dataSourceId },
    });
    expect((await w.d.save(sam, JACK)).body.text).toContain('|Inspiration>');
  });

  /** A click in the Home tab comes from a view: no message, no response_url. */
  function homeClick(element: BlockElement): string {
    const form = new URLSearchParams(
      buttonActionBody({
        ...sam,
        actionId: element.action_id!,
        value: element.value!,
        where: EPHEMERAL,
        responseUrl: 'unused',
      }),
    );
    const payload = JSON.parse(form.get('payload')!) as Record<string, unknown>;
    for (const key of ['channel', 'message', 'response_url']) delete payload[key];
    payload.container = { type: 'view', view_id: 'V0HOME' };
    payload.view = {
      id: 'V0HOME',
      team_id: sam.teamId,
      type: 'home',
      blocks: [],
      state: { values: {} },
      hash: 'h',
      app_id: 'A0SANDBOX',
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  it('only a page shared: the Home tab offers the create button, and clicking it there creates the table', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    await w.d.connect(sam, { share: [reading.pageId] });
    const home = await homeAfter(openHome);
    const offer = button(home, CREATE_TABLE_ACTION);
    expect(offer.text?.text).toBe('Create a Tweets table in Reading');

    const after = await homeAfter(() => w.d.post(homeClick(offer)));
    expect(JSON.stringify(after)).toContain('Tweets will be saved to <');
    expect(w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId)).toHaveLength(1);
  });

  it('"Create a Tweets table" in the Home tab while Notion is too busy: the tab says so and keeps the offer; the next click works', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    await w.d.connect(sam, { share: [reading.pageId] });
    const offer = button(await homeAfter(openHome), CREATE_TABLE_ACTION);

    // Every attempt the SDK makes at the create is refused; the status read after it is answered.
    w.notion.rateLimitNext(3, 0);
    const failed = await homeAfter(() => w.d.post(homeClick(offer)));
    const text = JSON.stringify(failed);
    expect(text).toContain(CREATE_TABLE_FAILED_TEXT);
    expect(text).toContain('I can create a Tweets table in it for you');
    expect(button(failed, CREATE_TABLE_ACTION).value).toBe(offer.value);
    expect(w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId)).toEqual([]);

    const after = await homeAfter(() => w.d.post(homeClick(button(failed, CREATE_TABLE_ACTION))));
    expect(JSON.stringify(after)).toContain('Tweets will be saved to <');
    expect(JSON.stringify(after)).not.toContain(CREATE_TABLE_FAILED_TEXT);
    expect(w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId)).toHaveLength(1);
  });

  it('"Create a Tweets table" in a DM while Notion is too busy: a private answer says nothing was created', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    const connected = await w.d.connect(sam, { share: [reading.pageId] });
    w.notion.rateLimitNext(3, 0);
    const answer = await w.d.firstAnswer(
      (await click(sam, button(connected, CREATE_TABLE_ACTION), inDm(connected))).responseUrl,
    );
    expect(answer.body).toMatchObject({ replace_original: false, text: CREATE_TABLE_FAILED_TEXT });
    expect(w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId)).toEqual([]);
  });

  it('/notion-connect when connected but no table is chosen: the DM has the picker next to the Reconnect button', async () => {
    w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await w.d.connect(sam);
    const before = w.d.dms(sam).length;
    await w.d.command(sam, COMMANDS.connect, '');
    const dm = await waitFor(() => w.d.dms(sam)[before], { what: 'the connect DM' });
    expect(dm.text).toMatch(/^Connected to \*Acme\*\. You shared 2 tables\. Pick the one to save tweets to\./);
    expect(dm.text).toContain('removes a row when you press Undo');
    expect(button(dm, ACTION_IDS.chooseTable).options).toHaveLength(2);
    expect(button(dm, ACTION_IDS.connectLink).text?.text).toBe('Reconnect Notion');

    const chosen = await pick(dm, 'Tweets');
    expect(chosen.body.text).toMatch(/^Tweets will be saved to </);
  });

  it('Undo after Notion dropped the connection: a Reconnect button, and the one reconnect DM', async () => {
    await w.d.connect(sam);
    const saved = await w.d.save(sam, JACK);
    w.notion.revokeWorkspaceAccess(w.acme.id);
    const dmsBefore = w.d.dms(sam).length;

    const answer = await w.d.firstAnswer(
      (await click(sam, button(saved.body, ACTION_IDS.undoSave), EPHEMERAL)).responseUrl,
    );
    expect(answer.body).toMatchObject({
      replace_original: false,
      text: 'Notion no longer accepts your connection. Reconnect to undo.',
    });
    expect(button(answer.body, ACTION_IDS.connectLink).url).toMatch(/\/oauth\/notion\/start\?t=/);
    const isReconnectDm = (m: SandboxMessage) => m.text?.includes('no longer accepts the connection') === true;
    const dm = await waitFor(() => w.d.dms(sam).find(isReconnectDm), { what: 'the reconnect DM' });
    expect(dm.text).toBe(
      'Notion no longer accepts the connection to *Acme* (access was removed or expired). Reconnect to keep saving tweets.',
    );
    expect(button(dm, ACTION_IDS.connectLink).text?.text).toBe('Reconnect Notion');

    // A save meanwhile is kept, without a second DM.
    expect((await w.d.save(sam, NAVAL)).body.text).toContain('I kept this tweet');
    await w.product.app.core.idle();
    expect(w.d.dms(sam).slice(dmsBefore)).toEqual([dm]);
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });
});
