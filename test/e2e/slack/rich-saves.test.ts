import { describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  COMMANDS,
  NOTE_VIEW_CALLBACK_ID,
  SAVE_THREAD_SHORTCUT_CALLBACK_ID,
} from '../../../src/bots/slack/constants.js';
import { FX_DELETED, FX_TWEETS, RICH_TWEET_IDS as IDS } from '../../../src/sandbox/sandbox-seed.js';
import {
  eventCallbackBody,
  imMessageEvent,
  messageShortcutBody,
  userMessage,
  viewSubmissionBody,
} from '../../../src/sandbox/slack/payloads.js';
import { slackSam as sam, SLACK_EPHEMERAL } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { button, plain } from '../../helpers/slack-harness.js';
import { useSlackWorld } from '../../helpers/use-world.js';

const RICH_TABLE = {
  Name: 'title',
  Tweet: 'rich_text',
  Link: 'url',
  Saved: 'date',
  Posted: 'date',
  Author: 'rich_text',
  Tags: 'multi_select',
  Note: 'rich_text',
  Media: 'files',
};
const link = (handle: string, id: string) => `https://x.com/${handle}/status/${id}`;
const types = (children: unknown[]) => (children as { type: string }[]).map((b) => b.type);

describe('Slack: the whole tweet in Notion', () => {
  const w = useSlackWorld({
    table: { title: 'Tweets', properties: RICH_TABLE },
    fxTweets: { tweets: FX_TWEETS, deleted: FX_DELETED },
  });
  const rows = () => w.notion.rows(w.tweets.dataSourceId).filter((r) => !r.inTrash);

  it('/save-tweet of a tweet with two photos and a quote lands with Posted, Author, Media and a page of images and the quote', async () => {
    await w.d.connect(sam);
    const answer = await w.d.save(sam, link('miradraws', IDS.photos));
    expect(answer.body.text).toMatch(/^Saved @miradraws's tweet/);
    const [row] = rows();
    expect(plain(row!, 'Author')).toBe('Mira Chen');
    expect(row!.properties.Posted).toMatchObject({ date: { start: expect.stringMatching(/^2024-10-27T18:42:07/) } });
    expect((row!.properties.Media as { files: unknown[] }).files).toHaveLength(2);
    expect(types(row!.children)).toStrictEqual(['quote', 'image', 'image', 'callout', 'embed']);
  });

  it('/save-thread on the third tweet saves the whole thread in order; the shortcut does the same from a message', async () => {
    await w.d.connect(sam);
    const { res, responseUrl } = await w.d.command(sam, COMMANDS.saveThread, `<${link('tompark', IDS.threadEnd)}>`);
    expect(res.status).toBe(200);
    expect((await w.d.firstAnswer(responseUrl)).body.text).toMatch(/^Saved @tompark's thread \(3 tweets\) to /);
    expect(rows()).toHaveLength(1);
    expect(
      plain(rows()[0]!, 'Tweet')
        .split('\n\n')
        .map((t) => t.slice(0, 3)),
    ).toStrictEqual(['How', '2/3', '3/3']);

    const message = userMessage({
      userId: 'U0OTHER',
      teamId: sam.teamId,
      text: `<${link('tompark', IDS.threadMiddle)}>`,
    });
    const shortcutUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: 'C0GENERAL' });
    await w.d.post(
      messageShortcutBody({ ...sam, callbackId: SAVE_THREAD_SHORTCUT_CALLBACK_ID, message, responseUrl: shortcutUrl }),
    );
    await w.d.firstAnswer(shortcutUrl);
    // The middle tweet's thread is another save key than the third's, but the same chain.
    expect(rows()).toHaveLength(2);
    expect(types(rows()[1]!.children).filter((t) => t === 'quote')).toHaveLength(3);
  });

  it('/save-tweet <link> #ai #reading fills Tags', async () => {
    await w.d.connect(sam);
    await w.d.save(sam, `${link('adalab', IDS.quoted)} #ai #reading`);
    expect(rows()[0]!.properties.Tags).toMatchObject({ multi_select: [{ name: 'ai' }, { name: 'reading' }] });
  });

  it('a DM of a link no source knows plus words saves the words', async () => {
    await w.d.connect(sam);
    const channel = w.slack.imChannelFor(sam.userId);
    const text = `must read later <${link('someone', IDS.deleted)}>`;
    await w.d.post(
      eventCallbackBody({
        teamId: sam.teamId,
        botUserId: w.slack.botUserId,
        event: imMessageEvent({ ...sam, channel, text }),
      }),
    );
    await waitFor(() => w.slack.messagesTo(channel).find((m) => m.text?.startsWith('Saved')), { what: 'the DM reply' });
    expect(plain(rows()[0]!, 'Tweet')).toBe('must read later');
    expect(plain(rows()[0]!, 'Note')).toBe('must read later');
  });
});

describe('Slack: Add note on a "Saved" reply', () => {
  const w = useSlackWorld({ table: { title: 'Tweets', properties: RICH_TABLE }, fxTweets: { tweets: FX_TWEETS } });

  it('opens a modal for the saver only; its submit sets Note and Tags on the row and replaces the reply', async () => {
    await w.d.connect(sam);
    const saved = await w.d.save(sam, link('adalab', IDS.quoted));
    const addNote = button(saved.body, ACTION_IDS.addNote);
    expect(addNote.text?.text).toBe('Add note');

    // Someone else in the workspace: refused privately, no modal.
    const alex = { teamId: sam.teamId, userId: 'U0ALEX', userName: 'alex' };
    const refused = await w.d.click(alex, addNote, SLACK_EPHEMERAL);
    expect((await w.d.firstAnswer(refused.responseUrl)).body.text).toBe(
      'Only the person who saved this tweet can add a note to it.',
    );
    expect(w.slack.openedViews).toHaveLength(0);

    const click = await w.d.click(sam, addNote, SLACK_EPHEMERAL);
    expect(click.ackBody).toBe('');
    const opened = await waitFor(() => w.slack.openedViews[0], { what: 'the note modal' });
    expect(opened.view).toMatchObject({
      type: 'modal',
      callback_id: NOTE_VIEW_CALLBACK_ID,
      title: { text: 'Add a note' },
    });
    const res = await w.d.post(
      viewSubmissionBody({ ...sam, view: opened, values: { note: 'Lovelace on looms', tags: 'history, #computing' } }),
    );
    expect(res.status).toBe(200);
    const replaced = await waitFor(() => w.slack.responses.find((r) => click.responseUrl.endsWith(`/${r.id}`)), {
      what: 'the replaced reply',
    });
    expect(replaced.body).toMatchObject({ replace_original: true });
    expect(replaced.body.text).toContain('Note: Lovelace on looms · Tags: #history #computing');
    const [row] = w.notion.rows(w.tweets.dataSourceId);
    expect(plain(row!, 'Note')).toBe('Lovelace on looms');
    expect(row!.properties.Tags).toMatchObject({ multi_select: [{ name: 'history' }, { name: 'computing' }] });
    expect(w.notion.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/v1/pages/'))).toHaveLength(1);
  });
});
