import { describe, expect, it } from 'vitest';
import { FX_DELETED, FX_TWEETS, RICH_TWEET_IDS as IDS } from '../../../src/sandbox/sandbox-seed.js';
import { propertyText } from '../../../src/sandbox/web/sandbox-views.js';
import { actionButton, EPHEMERAL } from '../../helpers/discord-harness.js';
import { waitFor } from '../../helpers/product.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

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

describe('Discord: the whole tweet in Notion', () => {
  const w = useDiscordWorld({ fxTweets: { tweets: FX_TWEETS, deleted: FX_DELETED }, tableProperties: RICH_TABLE });
  const rows = () => w.notion.rows(w.tweets.dataSourceId).filter((r) => !r.inTrash);
  const text = (i: number, name: string) => propertyText(rows()[i]!.properties[name]);
  const command = (name: string, tweet: string) =>
    w.discord.dispatchInteraction({ kind: 'chat_input', name, user: w.kim, options: { tweet } }).id;

  it('/save-tweet of a tweet with two photos and a quote lands with Posted, Author and its images and quoted tweet', async () => {
    await w.connectThroughDiscord(w.kim);
    const reply = await w.finalReply(command('save-tweet', link('miradraws', IDS.photos)));
    expect(reply.content).toMatch(/^Saved @miradraws's tweet/);
    expect(text(0, 'Author')).toBe('Mira Chen');
    expect(rows()[0]!.properties.Posted).toMatchObject({ date: { start: expect.stringMatching(/^2024-10-27/) } });
    expect(types(rows()[0]!.children)).toStrictEqual(['quote', 'image', 'image', 'callout', 'embed']);
  });

  it('/save-thread on the third tweet saves the thread in order; "Save thread to Notion" on a message too', async () => {
    await w.connectThroughDiscord(w.kim);
    await w.finalReply(command('save-thread', link('tompark', IDS.threadEnd)));
    expect(
      text(0, 'Tweet')
        .split('\n\n')
        .map((t) => t.slice(0, 3)),
    ).toStrictEqual(['How', '2/3', '3/3']);
    const { id } = w.discord.dispatchInteraction({
      kind: 'message',
      name: 'Save thread to Notion',
      user: w.kim,
      target: { content: link('tompark', IDS.threadMiddle) },
    });
    await w.finalReply(id);
    expect(rows()).toHaveLength(2);
    expect(types(rows()[1]!.children).filter((t) => t === 'quote')).toHaveLength(3);
  });

  it('/save-tweet <link> #ai #reading fills Tags; a DM of an unknown link with words saves the words', async () => {
    await w.connectThroughDiscord(w.kim);
    await w.finalReply(command('save-tweet', `${link('adalab', IDS.quoted)} #ai #reading`));
    expect(rows()[0]!.properties.Tags).toMatchObject({ multi_select: [{ name: 'ai' }, { name: 'reading' }] });

    const before = w.discord.dmsTo(w.kim.id).length;
    w.discord.dispatchDirectMessage({ user: w.kim, content: `keep this one ${link('someone', IDS.deleted)}` });
    await waitFor(() => w.discord.dmsTo(w.kim.id)[before]?.message, { what: 'the DM answer' });
    expect(text(1, 'Tweet')).toBe('keep this one');
    expect(text(1, 'Note')).toBe('keep this one');
  });
});

describe('Discord: Add note on a "Saved" message', () => {
  const w = useDiscordWorld({ fxTweets: { tweets: FX_TWEETS }, tableProperties: RICH_TABLE });

  it('shows a modal to the saver only; its submit sets Note and Tags and edits the message', async () => {
    await w.connectThroughDiscord(w.kim);
    const saved = await w.finalReply(
      w.discord.dispatchInteraction({
        kind: 'chat_input',
        name: 'save-tweet',
        user: w.kim,
        options: { tweet: link('adalab', IDS.quoted) },
      }).id,
    );
    const note = actionButton(saved, 'stn:note:');
    expect(note?.label).toBe('Add note');

    const other = w.discord.user('lee');
    const refusedId = w.discord.dispatchInteraction({
      kind: 'button',
      customId: note!.custom_id!,
      user: other,
      message: saved,
      skipVisibilityCheck: true,
    }).id;
    const refused = await waitFor(() => w.discord.callbacksFor(refusedId)[0], { what: 'the refusal' });
    expect(refused).toMatchObject({ type: 4, flags: EPHEMERAL });
    expect(w.discord.modals).toHaveLength(0);

    const clickId = w.discord.dispatchInteraction({
      kind: 'button',
      customId: note!.custom_id!,
      user: w.kim,
      message: saved,
    }).id;
    const modal = await waitFor(() => w.discord.modals.find((m) => m.interactionId === clickId), {
      what: 'the note modal',
    });
    expect(modal).toMatchObject({
      title: 'Add a note',
      inputs: [
        { customId: 'note', style: 2, required: false },
        { customId: 'tags', style: 1, required: false },
      ],
    });
    const submitId = w.discord.dispatchInteraction({
      kind: 'modal_submit',
      modal,
      user: w.kim,
      values: { note: 'Lovelace on looms', tags: '#history computing' },
    }).id;
    await waitFor(() => w.discord.callbacksFor(submitId)[0], { what: 'the submit acknowledgement' });
    expect(w.discord.callbacksFor(submitId)[0]).toMatchObject({ type: 6, status: 204 });
    const edited = await waitFor(() => w.discord.originalEdits.find((e) => e.interactionId === submitId)?.message, {
      what: 'the edited message',
    });
    expect(edited.id).toBe(saved.id);
    expect(edited.content).toContain('Note: Lovelace on looms · Tags: #history #computing');
    const [row] = w.notion.rows(w.tweets.dataSourceId);
    expect(propertyText(row!.properties.Note)).toBe('Lovelace on looms');
    expect(row!.properties.Tags).toMatchObject({ multi_select: [{ name: 'history' }, { name: 'computing' }] });
  });
});
