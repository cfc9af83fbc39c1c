import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS, CREATE_TABLE_ACTION } from '../../src/bots/slack/constants.js';
import { type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { eventCallbackBody, imMessageEvent, staticSelectActionBody, type ButtonLocation } from '../../src/sandbox/slack/payloads.js';
import { type SandboxMessage, type SlackSandbox } from '../../src/sandbox/slack/slack-sandbox.js';
import { completeConnect } from '../helpers/connect-flow.js';
import { startWorld, type World } from '../helpers/world.js';
import { TEST_CLIENT, waitFor, type Product } from '../helpers/product.js';
import { button, elements, plain, sam, slackDriver, type Person, type SlackDriver } from './slack-harness.js';


const JACK = 'https://x.com/jack/status/20';
const NAVAL = '@naval How to get rich without getting lucky https://twitter.com/naval/status/1002103360646823936';
/** Someone else in Sam's workspace. */
const alex: Person = { teamId: sam.teamId, userId: 'U0ALEX', userName: 'alex' };
/** A save reply is ephemeral in the channel the command was used in. */
const EPHEMERAL: ButtonLocation = { kind: 'ephemeral', channelId: 'C0GENERAL' };

describe('Slack: saving like people expect (duplicates, Undo, zero-config table, reconnect, inline table)', () => {
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

  /** Clicks and checks Slack's 3-second rule: an empty 200 ack, before any Notion work is reported. */
  async function click(who: Person, element: Parameters<SlackDriver['click']>[1], where: ButtonLocation) {
    const clicked = await d.click(who, element, where);
    expect(clicked.res.status).toBe(200);
    expect(clicked.ackBody).toBe('');
    expect(clicked.ackMs).toBeLessThan(3000);
    return clicked;
  }

  it('saving the same tweet twice makes one row and answers "Already saved" with the link and Save again', async () => {
    await d.connect(sam);
    const first = await d.save(sam, JACK);
    expect(first.body.text).toMatch(/^Saved @jack's tweet/);
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    const notionCalls = notion.requests.length;

    const second = await d.save(sam, JACK);
    expect(second.body.response_type).toBe('ephemeral');
    expect(second.body.text).toContain(`Already saved: @jack's tweet is in <${rows[0]!.url}|Tweets>`);
    expect(button(second.body, ACTION_IDS.openInNotion).url).toBe(rows[0]!.url);
    expect(button(second.body, ACTION_IDS.saveAgain)).toMatchObject({ value: rows[0]!.id, text: { text: 'Save again' } });
    expect(elements(second.body).some((e) => e.action_id === ACTION_IDS.undoSave)).toBe(false);
    // The duplicate guard answers from the store: no Notion call on the common path.
    expect(notion.requests.slice(notionCalls)).toEqual([]);
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);

    // "Save again" replaces the reply with a new "Saved" that has its own Undo.
    const again = await click(sam, button(second.body, ACTION_IDS.saveAgain), EPHEMERAL);
    const replaced = await d.firstAnswer(again.responseUrl);
    const after = notion.rows(tweets.dataSourceId);
    expect(after).toHaveLength(2);
    expect(replaced.body).toMatchObject({ replace_original: true, response_type: 'ephemeral', text: expect.stringContaining(`<${after[1]!.url}|Tweets>`) });
    expect(button(replaced.body, ACTION_IDS.undoSave).value).toBe(after[1]!.id);
    expect(after.map((r) => r.inTrash)).toEqual([false, false]);
  });

  it('two /save-tweet commands of the same link at once make one row', async () => {
    await d.connect(sam);
    const [a, b] = await Promise.all([d.command(sam, COMMANDS.save, JACK), d.command(sam, COMMANDS.save, JACK)]);
    const answers = await Promise.all([d.firstAnswer(a.responseUrl), d.firstAnswer(b.responseUrl)]);
    await product.app.core.idle();
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows).toHaveLength(1);
    const texts = answers.map((r) => r.body.text ?? '').sort();
    expect(texts.filter((t) => t.startsWith('Saved'))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Already saved') || t.includes('being saved right now'))).toHaveLength(1);
    // Every answer that names a row names the one row.
    for (const t of texts) if (t.includes('notion.so')) expect(t).toContain(rows[0]!.url);
  });

  it('Undo trashes the row and replaces the reply; another user cannot; a second Undo is refused', async () => {
    await d.connect(sam);
    const other = await d.save(sam, NAVAL);
    const saved = await d.save(sam, JACK);
    const [navalRow, jackRow] = notion.rows(tweets.dataSourceId);
    const undo = button(saved.body, ACTION_IDS.undoSave);
    expect(undo).toMatchObject({ type: 'button', value: jackRow!.id, text: { text: 'Undo' } });

    // Alex forges a click on Sam's Undo: a private refusal, Sam's reply and row stay.
    const forged = await click(alex, undo, EPHEMERAL);
    const refusal = await d.firstAnswer(forged.responseUrl);
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('Only the person who saved') });
    expect(refusal.userId).toBe(alex.userId);
    await product.app.core.idle();
    expect(notion.rows(tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false, false]);

    const mine = await click(sam, undo, EPHEMERAL);
    const removed = await d.firstAnswer(mine.responseUrl);
    expect(removed.body).toMatchObject({ replace_original: true, response_type: 'ephemeral', text: expect.stringMatching(/^Removed/) });
    expect(removed.body.text).toContain('*Tweets*');
    expect(elements(removed.body)).toEqual([]);
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows.find((r) => r.id === jackRow!.id)?.inTrash).toBe(true);
    expect(rows.find((r) => r.id === navalRow!.id)?.inTrash).toBe(false);
    expect(other.body.text).toContain(navalRow!.url);

    // The same button again: nothing left to undo, the "Removed" reply stays.
    const twice = await click(sam, undo, EPHEMERAL);
    expect((await d.firstAnswer(twice.responseUrl)).body).toMatchObject({ replace_original: false, text: expect.stringContaining('only once') });

    // Undo forgot the tweet: saving it again makes a new row instead of "Already saved".
    const resaved = await d.save(sam, JACK);
    expect(resaved.body.text).toMatch(/^Saved/);
    expect(notion.rows(tweets.dataSourceId).filter((r) => !r.inTrash)).toHaveLength(2);
  });

  it('Undo of a row already deleted in Notion says so and replaces the reply', async () => {
    await d.connect(sam);
    const saved = await d.save(sam, JACK);
    const [row] = notion.rows(tweets.dataSourceId);
    notion.trashRow(row!.id);
    const clicked = await click(sam, button(saved.body, ACTION_IDS.undoSave), EPHEMERAL);
    const answer = await d.firstAnswer(clicked.responseUrl);
    expect(answer.body).toMatchObject({ replace_original: true, text: expect.stringContaining('already deleted in Notion') });
    expect(notion.rows(tweets.dataSourceId)).toEqual([expect.objectContaining({ id: row!.id, inTrash: true })]);
  });

  it('the Undo on a DM reply (a posted message) replaces that message too', async () => {
    await d.connect(sam);
    const channel = slack.imChannelFor(sam.userId);
    await d.post(eventCallbackBody({ teamId: sam.teamId, botUserId: slack.botUserId, event: imMessageEvent({ ...sam, channel, text: `<${JACK}>` }) }));
    const reply = await waitFor(() => slack.messagesTo(channel).find((m) => m.text?.startsWith('Saved')), { what: 'the DM reply' });
    const clicked = await click(sam, button(reply, ACTION_IDS.undoSave), { kind: 'message', channelId: channel, messageTs: reply.ts!, message: reply });
    expect((await d.firstAnswer(clicked.responseUrl)).body).toMatchObject({ replace_original: true, text: expect.stringMatching(/^Removed/) });
    expect(notion.rows(tweets.dataSourceId)[0]!.inTrash).toBe(true);
  });

  it('connect with only a page shared: the DM offers to create a Tweets table there; the next save lands in it', async () => {
    const reading = notion.addPage(acme.id, { title: 'Reading' });
    const connected = await d.connect(sam, { share: [reading.pageId] });
    expect(connected.text).toContain('*Reading*');
    const offer = button(connected, CREATE_TABLE_ACTION);
    expect(offer).toMatchObject({ type: 'button', text: { text: 'Create a Tweets table in Reading' } });
    expect(offer.value!.replace(/-/g, '')).toBe(reading.pageId.replace(/-/g, ''));

    const channel = slack.imChannelFor(sam.userId);
    const clicked = await click(sam, offer, { kind: 'message', channelId: channel, messageTs: connected.ts!, message: connected });
    const ready = await d.firstAnswer(clicked.responseUrl);
    expect(ready.body).toMatchObject({ replace_original: true, text: expect.stringMatching(/^Created a <[^|]+\|Tweets table> in \*Reading\*\. Tweets will be saved there\.$/) });
    expect(elements(ready.body)).toEqual([]);

    const created = notion.tables(acme.id).filter((t) => t.dataSourceId !== tweets.dataSourceId);
    expect(created).toHaveLength(1);
    const saved = await d.save(sam, JACK);
    expect(saved.body.text).toMatch(/^Saved @jack's tweet/);
    const rows = notion.rows(created[0]!.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(plain(rows[0]!, 'Handle')).toBe('@jack');
    expect(plain(rows[0]!, 'Link')).toBe(JACK);
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);
  });

  it('a save before the table exists shows the same offer, keeps the tweet, and saves it once the table is created', async () => {
    const reading = notion.addPage(acme.id, { title: 'Reading' });
    await d.connect(sam, { share: [reading.pageId] });
    const answer = await d.save(sam, JACK);
    expect(answer.body.text).toBe(
      'You shared the page *Reading* but no table. I can create a Tweets table in it for you. I kept this tweet and will save it as soon as you create the table.',
    );
    const offer = button(answer.body, CREATE_TABLE_ACTION);
    expect(offer.text?.text).toBe('Create a Tweets table in Reading');
    const dmsBefore = d.dms(sam).length;
    const clicked = await click(sam, offer, EPHEMERAL);
    expect((await d.firstAnswer(clicked.responseUrl)).body).toMatchObject({ replace_original: true, text: expect.stringMatching(/^Created a <[^|]+\|Tweets table> in \*Reading\*/) });

    const report = await waitFor(() => d.dms(sam).slice(dmsBefore).find((m) => m.text?.startsWith('I saved the tweet that was waiting')), { what: 'the kept-save DM' });
    const created = notion.tables(acme.id).find((t) => t.dataSourceId !== tweets.dataSourceId)!;
    const rows = notion.rows(created.dataSourceId);
    expect(rows.map((r) => plain(r, 'Handle'))).toEqual(['@jack']);
    expect(report.text).toBe(`I saved the tweet that was waiting:\n• Saved @jack's tweet to <${rows[0]!.url}|Tweets>.`);
    // Sent again, it is not written twice.
    expect((await d.save(sam, JACK)).body.text).toMatch(/^Already saved/);
    expect(notion.rows(created.dataSourceId)).toHaveLength(1);
  });

  it('connect with the integration template: the DM says ready with the duplicated table, without asking', async () => {
    notion.setTemplate(TEST_CLIENT.clientId, { pageTitle: 'Tweet saver', table: { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } } });
    // Sam also shares the other Tweets table: the template's copy still wins, no picker.
    const connected = await d.connect(sam);
    expect(connected.text).toMatch(/^Connected to \*Acme\*\. Tweets will be saved to <[^|]+\|Tweets>\./);
    expect(elements(connected)).toEqual([]);
    const copy = notion.tables(acme.id).find((t) => t.dataSourceId !== tweets.dataSourceId)!;
    await d.save(sam, JACK);
    expect(notion.rows(copy.dataSourceId)).toHaveLength(1);
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);
  });

  it('401: saves are kept, ONE reconnect DM with a Reconnect button; after reconnecting they land and a DM reports them', async () => {
    await d.connect(sam);
    notion.revokeWorkspaceAccess(acme.id);
    const dmsBefore = d.dms(sam).length;

    const first = await d.save(sam, JACK);
    const second = await d.save(sam, NAVAL);
    for (const answer of [first, second]) {
      expect(answer.body.text).toContain('I kept this tweet');
      expect(button(answer.body, ACTION_IDS.connectLink).url).toMatch(/\/oauth\/notion\/start\?t=/);
    }
    await product.app.core.idle();
    const isReconnectDm = (m: SandboxMessage) => m.text?.includes('no longer accepts the connection') === true;
    const reconnectDm = await waitFor(() => d.dms(sam).find(isReconnectDm), { what: 'the reconnect DM' });
    expect(reconnectDm.text).toContain('*Acme*');
    expect(d.dms(sam).slice(dmsBefore)).toEqual([reconnectDm]);
    const reconnect = button(reconnectDm, ACTION_IDS.connectLink);
    expect(reconnect.text?.text).toBe('Reconnect Notion');
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);

    const page = await completeConnect(reconnect.url!, notion);
    expect(page.status).toBe(200);
    await product.app.core.idle();
    const report = await waitFor(() => d.dms(sam).find((m) => m.text?.startsWith('I saved the tweets that were waiting')), { what: 'the kept-saves DM' });
    const rows = notion.rows(tweets.dataSourceId);
    expect(rows.map((r) => plain(r, 'Name')).sort()).toEqual(['@jack', '@naval']);
    expect(report.text).toContain('(2 of 2)');
    for (const row of rows) expect(report.text).toContain(row.url);
    expect(d.dms(sam).filter(isReconnectDm)).toHaveLength(1);
  });

  it('/save-tweet <link> to <name> saves into that table once; an unknown name lists the tables', async () => {
    const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } });
    const connected = await d.connect(sam);
    const picker = button(connected, ACTION_IDS.chooseTable);
    const choice = picker.options!.find((o) => o.text.text === 'Tweets')!;
    const channel = slack.imChannelFor(sam.userId);
    const pickUrl = slack.newResponseUrl({ userId: sam.userId, channelId: channel });
    await d.post(staticSelectActionBody({ ...sam, actionId: ACTION_IDS.chooseTable, value: choice.value, label: 'Tweets', responseUrl: pickUrl, channelId: channel, messageTs: connected.ts }));
    await d.firstAnswer(pickUrl);

    const inline = await d.save(sam, `${JACK} to Insp`);
    expect(inline.body.text).toContain('|Inspiration>');
    expect(notion.rows(inspiration.dataSourceId).map((r) => plain(r, 'Link'))).toEqual([JACK]);
    expect(notion.rows(tweets.dataSourceId)).toEqual([]);

    // The default stays Tweets.
    const plainSave = await d.save(sam, NAVAL);
    expect(plainSave.body.text).toContain('|Tweets>');
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
    expect(notion.rows(inspiration.dataSourceId)).toHaveLength(1);

    const unknown = await d.save(sam, `${JACK} to Nope`);
    expect(unknown.body.text).toMatch(/^No shared table is called \*Nope\*\. Your tables: /);
    expect(unknown.body.text).toContain('*Tweets*');
    expect(unknown.body.text).toContain('*Inspiration*');
    expect(notion.rows(tweets.dataSourceId)).toHaveLength(1);
    expect(notion.rows(inspiration.dataSourceId)).toHaveLength(1);
  });

  it('401 with three saves at once: all kept, still one reconnect DM', async () => {
    await d.connect(sam);
    notion.revokeWorkspaceAccess(acme.id);
    const sent = await Promise.all([JACK, NAVAL, 'https://x.com/jack/status/21'].map((text) => d.command(sam, COMMANDS.save, text)));
    const answers = await Promise.all(sent.map((c) => d.firstAnswer(c.responseUrl)));
    for (const a of answers) expect(a.body.text).toContain('I kept this tweet');
    await product.app.core.idle();
    expect(d.dms(sam).filter((m) => m.text?.includes('no longer accepts the connection'))).toHaveLength(1);
  });
});
