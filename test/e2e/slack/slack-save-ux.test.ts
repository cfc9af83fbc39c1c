import { describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS, CREATE_TABLE_ACTION } from '../../../src/bots/slack/constants.js';
import {
  eventCallbackBody,
  imMessageEvent,
  staticSelectActionBody,
  type ButtonLocation,
} from '../../../src/sandbox/slack/payloads.js';
import { type SandboxMessage } from '../../../src/sandbox/slack/slack-sandbox.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import type { SlackPerson as Person } from '../../helpers/fixtures.js';
import {
  SLACK_EPHEMERAL as EPHEMERAL,
  JACK,
  NAVAL_WITH_TEXT as NAVAL,
  slackAlex as alex,
  slackSam as sam,
} from '../../helpers/fixtures.js';
import { TEST_CLIENT, waitFor } from '../../helpers/product.js';
import { button, elements, plain, type SlackDriver } from '../../helpers/slack-harness.js';
import { useSlackWorld } from '../../helpers/use-world.js';

describe('Slack: saving like people expect (duplicates, Undo, zero-config table, reconnect, inline table)', () => {
  const w = useSlackWorld();

  /** Clicks and checks Slack's 3-second rule: an empty 200 ack, before any Notion work is reported. */
  async function click(who: Person, element: Parameters<SlackDriver['click']>[1], where: ButtonLocation) {
    const clicked = await w.d.click(who, element, where);
    expect(clicked.res.status).toBe(200);
    expect(clicked.ackBody).toBe('');
    expect(clicked.ackMs).toBeLessThan(3000);
    return clicked;
  }

  it('saving the same tweet twice makes one row and answers "Already saved" with the link and Save again', async () => {
    await w.d.connect(sam);
    const first = await w.d.save(sam, JACK);
    expect(first.body.text).toMatch(/^Saved @jack's tweet/);
    const rows = w.notion.rows(w.tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    const notionCalls = w.notion.requests.length;

    const second = await w.d.save(sam, JACK);
    expect(second.body.response_type).toBe('ephemeral');
    expect(second.body.text).toContain(`Already saved: @jack's tweet is in <${rows[0]!.url}|Tweets>`);
    expect(button(second.body, ACTION_IDS.openInNotion).url).toBe(rows[0]!.url);
    expect(button(second.body, ACTION_IDS.saveAgain)).toMatchObject({
      value: rows[0]!.id,
      text: { text: 'Save again' },
    });
    expect(elements(second.body).some((e) => e.action_id === ACTION_IDS.undoSave)).toBe(false);
    // The duplicate guard answers from the store: no Notion call on the common path.
    expect(w.notion.requests.slice(notionCalls)).toEqual([]);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);

    // "Save again" replaces the reply with a new "Saved" that has its own Undo.
    const again = await click(sam, button(second.body, ACTION_IDS.saveAgain), EPHEMERAL);
    const replaced = await w.d.firstAnswer(again.responseUrl);
    const after = w.notion.rows(w.tweets.dataSourceId);
    expect(after).toHaveLength(2);
    expect(replaced.body).toMatchObject({
      replace_original: true,
      response_type: 'ephemeral',
      text: expect.stringContaining(`<${after[1]!.url}|Tweets>`),
    });
    expect(button(replaced.body, ACTION_IDS.undoSave).value).toBe(after[1]!.id);
    expect(after.map((r) => r.inTrash)).toEqual([false, false]);
  });

  it('two /save-tweet commands of the same link at once make one row', async () => {
    await w.d.connect(sam);
    const [a, b] = await Promise.all([w.d.command(sam, COMMANDS.save, JACK), w.d.command(sam, COMMANDS.save, JACK)]);
    const answers = await Promise.all([w.d.firstAnswer(a.responseUrl), w.d.firstAnswer(b.responseUrl)]);
    await w.product.app.core.idle();
    const rows = w.notion.rows(w.tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    const texts = answers.map((r) => r.body.text ?? '').sort();
    expect(texts.filter((t) => t.startsWith('Saved'))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Already saved') || t.includes('being saved right now'))).toHaveLength(1);
    // Every answer that names a row names the one row.
    for (const t of texts) if (t.includes('notion.so')) expect(t).toContain(rows[0]!.url);
  });

  it('Undo trashes the row and replaces the reply; another user cannot; a second Undo is refused', async () => {
    await w.d.connect(sam);
    const other = await w.d.save(sam, NAVAL);
    const saved = await w.d.save(sam, JACK);
    const [navalRow, jackRow] = w.notion.rows(w.tweets.dataSourceId);
    const undo = button(saved.body, ACTION_IDS.undoSave);
    expect(undo).toMatchObject({ type: 'button', value: jackRow!.id, text: { text: 'Undo' } });

    // Alex forges a click on Sam's Undo: a private refusal, Sam's reply and row stay.
    const forged = await click(alex, undo, EPHEMERAL);
    const refusal = await w.d.firstAnswer(forged.responseUrl);
    expect(refusal.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining('Only the person who saved'),
    });
    expect(refusal.userId).toBe(alex.userId);
    await w.product.app.core.idle();
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false, false]);

    const mine = await click(sam, undo, EPHEMERAL);
    const removed = await w.d.firstAnswer(mine.responseUrl);
    expect(removed.body).toMatchObject({
      replace_original: true,
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Removed/),
    });
    expect(removed.body.text).toContain('*Tweets*');
    expect(elements(removed.body)).toEqual([]);
    const rows = w.notion.rows(w.tweets.dataSourceId);
    expect(rows.find((r) => r.id === jackRow!.id)?.inTrash).toBe(true);
    expect(rows.find((r) => r.id === navalRow!.id)?.inTrash).toBe(false);
    expect(other.body.text).toContain(navalRow!.url);

    // The same button again: nothing left to undo, the "Removed" reply stays.
    const twice = await click(sam, undo, EPHEMERAL);
    expect((await w.d.firstAnswer(twice.responseUrl)).body).toMatchObject({
      replace_original: false,
      text: expect.stringContaining('only once'),
    });

    // Undo forgot the tweet: saving it again makes a new row instead of "Already saved".
    const resaved = await w.d.save(sam, JACK);
    expect(resaved.body.text).toMatch(/^Saved/);
    expect(w.notion.rows(w.tweets.dataSourceId).filter((r) => !r.inTrash)).toHaveLength(2);
  });

  it('Undo of a row already deleted in Notion says so and replaces the reply', async () => {
    await w.d.connect(sam);
    const saved = await w.d.save(sam, JACK);
    const [row] = w.notion.rows(w.tweets.dataSourceId);
    w.notion.trashRow(row!.id);
    const clicked = await click(sam, button(saved.body, ACTION_IDS.undoSave), EPHEMERAL);
    const answer = await w.d.firstAnswer(clicked.responseUrl);
    expect(answer.body).toMatchObject({
      replace_original: true,
      text: expect.stringContaining('already deleted in Notion'),
    });
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([expect.objectContaining({ id: row!.id, inTrash: true })]);
  });

  it('the Undo on a DM reply (a posted message) replaces that message too', async () => {
    await w.d.connect(sam);
    const channel = w.slack.imChannelFor(sam.userId);
    await w.d.post(
      eventCallbackBody({
        teamId: sam.teamId,
        botUserId: w.slack.botUserId,
        event: imMessageEvent({ ...sam, channel, text: `<${JACK}>` }),
      }),
    );
    const reply = await waitFor(() => w.slack.messagesTo(channel).find((m) => m.text?.startsWith('Saved')), {
      what: 'the DM reply',
    });
    const clicked = await click(sam, button(reply, ACTION_IDS.undoSave), {
      kind: 'message',
      channelId: channel,
      messageTs: reply.ts!,
      message: reply,
    });
    expect((await w.d.firstAnswer(clicked.responseUrl)).body).toMatchObject({
      replace_original: true,
      text: expect.stringMatching(/^Removed/),
    });
    expect(w.notion.rows(w.tweets.dataSourceId)[0]!.inTrash).toBe(true);
  });

  it('connect with only a page shared: the DM offers to create a Tweets table there; the next save lands in it', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    const connected = await w.d.connect(sam, { share: [reading.pageId] });
    expect(connected.text).toContain('*Reading*');
    const offer = button(connected, CREATE_TABLE_ACTION);
    expect(offer).toMatchObject({ type: 'button', text: { text: 'Create a Tweets table in Reading' } });
    expect(offer.value!.replace(/-/g, '')).toBe(reading.pageId.replace(/-/g, ''));

    const channel = w.slack.imChannelFor(sam.userId);
    const clicked = await click(sam, offer, {
      kind: 'message',
      channelId: channel,
      messageTs: connected.ts!,
      message: connected,
    });
    const ready = await w.d.firstAnswer(clicked.responseUrl);
    expect(ready.body).toMatchObject({
      replace_original: true,
      text: expect.stringMatching(/^Created a <[^|]+\|Tweets table> in \*Reading\*\. Tweets will be saved there\.$/),
    });
    expect(elements(ready.body)).toEqual([]);

    const created = w.notion.tables(w.acme.id).filter((t) => t.dataSourceId !== w.tweets.dataSourceId);
    expect(created).toHaveLength(1);
    const saved = await w.d.save(sam, JACK);
    expect(saved.body.text).toMatch(/^Saved @jack's tweet/);
    const rows = w.notion.rows(created[0]!.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Handle')).toBe('@jack');
    expect(plain(rows[0]!, 'Link')).toBe(JACK);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('a save before the table exists shows the same offer, keeps the tweet, and saves it once the table is created', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    await w.d.connect(sam, { share: [reading.pageId] });
    const answer = await w.d.save(sam, JACK);
    expect(answer.body.text).toBe(
      'You shared the page *Reading* but no table. I can create a Tweets table in it for you. I kept this tweet and will save it as soon as you create the table.',
    );
    const offer = button(answer.body, CREATE_TABLE_ACTION);
    expect(offer.text?.text).toBe('Create a Tweets table in Reading');
    const dmsBefore = w.d.dms(sam).length;
    const clicked = await click(sam, offer, EPHEMERAL);
    expect((await w.d.firstAnswer(clicked.responseUrl)).body).toMatchObject({
      replace_original: true,
      text: expect.stringMatching(/^Created a <[^|]+\|Tweets table> in \*Reading\*/),
    });

    const report = await waitFor(
      () =>
        w.d
          .dms(sam)
          .slice(dmsBefore)
          .find((m) => m.text?.startsWith('Saved @')),
      { what: "the kept save's answer" },
    );
    const created = w.notion.tables(w.acme.id).find((t) => t.dataSourceId !== w.tweets.dataSourceId)!;
    const rows = w.notion.rows(created.dataSourceId);
    expect(rows.map((r) => plain(r, 'Handle'))).toEqual(['@jack']);
    // The kept save replays as a job: answered by DM like any save, with its Undo button.
    expect(report.text).toBe(`Saved @jack's tweet to <${rows[0]!.url}|Tweets>.`);
    expect(button(report, ACTION_IDS.undoSave).value).toBe(rows[0]!.id);
    // Sent again, it is not written twice.
    expect((await w.d.save(sam, JACK)).body.text).toMatch(/^Already saved/);
    expect(w.notion.rows(created.dataSourceId)).toHaveLength(1);
  });

  it('connect with the integration template: the DM says ready with the duplicated table, without asking', async () => {
    w.notion.setTemplate(TEST_CLIENT.clientId, {
      pageTitle: 'Tweet saver',
      table: { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } },
    });
    // Sam also shares the other Tweets table: the template's copy still wins, no picker.
    const connected = await w.d.connect(sam);
    expect(connected.text).toMatch(/^Connected to \*Acme\*\. Tweets will be saved to <[^|]+\|Tweets>\./);
    expect(elements(connected)).toEqual([]);
    const copy = w.notion.tables(w.acme.id).find((t) => t.dataSourceId !== w.tweets.dataSourceId)!;
    await w.d.save(sam, JACK);
    expect(w.notion.rows(copy.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);
  });

  it('401: saves are kept, ONE reconnect DM with a Reconnect button; after reconnecting they land, each answered by DM', async () => {
    await w.d.connect(sam);
    w.notion.revokeWorkspaceAccess(w.acme.id);
    const dmsBefore = w.d.dms(sam).length;

    const first = await w.d.save(sam, JACK);
    const second = await w.d.save(sam, NAVAL);
    for (const answer of [first, second]) {
      expect(answer.body.text).toContain('I kept this tweet');
      expect(button(answer.body, ACTION_IDS.connectLink).url).toMatch(/\/oauth\/notion\/start\?t=/);
    }
    await w.product.app.core.idle();
    const isReconnectDm = (m: SandboxMessage) => m.text?.includes('no longer accepts the connection') === true;
    const reconnectDm = await waitFor(() => w.d.dms(sam).find(isReconnectDm), { what: 'the reconnect DM' });
    expect(reconnectDm.text).toContain('*Acme*');
    expect(w.d.dms(sam).slice(dmsBefore)).toEqual([reconnectDm]);
    const reconnect = button(reconnectDm, ACTION_IDS.connectLink);
    expect(reconnect.text?.text).toBe('Reconnect Notion');
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);

    const page = await completeConnect(reconnect.url!, w.notion);
    expect(page.status).toBe(200);
    await w.product.app.core.idle();
    const answers = await waitFor(
      () => {
        const saved = w.d.dms(sam).filter((m) => m.text?.startsWith('Saved @'));
        return saved.length === 2 ? saved : undefined;
      },
      { what: "the kept saves' answers" },
    );
    const rows = w.notion.rows(w.tweets.dataSourceId);
    expect(rows.map((r) => plain(r, 'Name')).sort()).toEqual(['@jack', '@naval']);
    for (const row of rows) expect(answers.filter((m) => m.text?.includes(row.url))).toHaveLength(1);
    expect(w.d.dms(sam).filter(isReconnectDm)).toHaveLength(1);
  });

  it('/save-tweet <link> to <name> saves into that table once; an unknown name lists the tables', async () => {
    const inspiration = w.notion.addTable(w.acme.id, {
      title: 'Inspiration',
      properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' },
    });
    const connected = await w.d.connect(sam);
    const picker = button(connected, ACTION_IDS.chooseTable);
    const choice = picker.options!.find((o) => o.text.text === 'Tweets')!;
    const channel = w.slack.imChannelFor(sam.userId);
    const pickUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: channel });
    await w.d.post(
      staticSelectActionBody({
        ...sam,
        actionId: ACTION_IDS.chooseTable,
        value: choice.value,
        label: 'Tweets',
        responseUrl: pickUrl,
        channelId: channel,
        messageTs: connected.ts,
      }),
    );
    await w.d.firstAnswer(pickUrl);

    const inline = await w.d.save(sam, `${JACK} to Insp`);
    expect(inline.body.text).toContain('|Inspiration>');
    expect(w.notion.rows(inspiration.dataSourceId).map((r) => plain(r, 'Link'))).toEqual([JACK]);
    expect(w.notion.rows(w.tweets.dataSourceId)).toEqual([]);

    // The default stays Tweets.
    const plainSave = await w.d.save(sam, NAVAL);
    expect(plainSave.body.text).toContain('|Tweets>');
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(inspiration.dataSourceId)).toHaveLength(1);

    const unknown = await w.d.save(sam, `${JACK} to Nope`);
    expect(unknown.body.text).toMatch(/^No shared table is called \*Nope\*\. Your tables: /);
    expect(unknown.body.text).toContain('*Tweets*');
    expect(unknown.body.text).toContain('*Inspiration*');
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);
    expect(w.notion.rows(inspiration.dataSourceId)).toHaveLength(1);
  });

  it('401 with three saves at once: all kept, still one reconnect DM', async () => {
    await w.d.connect(sam);
    w.notion.revokeWorkspaceAccess(w.acme.id);
    const sent = await Promise.all(
      [JACK, NAVAL, 'https://x.com/jack/status/21'].map((text) => w.d.command(sam, COMMANDS.save, text)),
    );
    const answers = await Promise.all(sent.map((c) => w.d.firstAnswer(c.responseUrl)));
    for (const a of answers) expect(a.body.text).toContain('I kept this tweet');
    await w.product.app.core.idle();
    expect(w.d.dms(sam).filter((m) => m.text?.includes('no longer accepts the connection'))).toHaveLength(1);
  });
});
