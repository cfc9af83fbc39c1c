import { describe, expect, it } from 'vitest';
import { FX_DELETED, FX_TWEETS, RICH_TWEET_IDS as IDS } from '../../../src/sandbox/sandbox-seed.js';
import { propertyText } from '../../../src/sandbox/web/sandbox-views.js';
import { waitFor } from '../../helpers/product.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

const RICH_TABLE = {
  Name: 'title', Tweet: 'rich_text', Link: 'url', Saved: 'date', Posted: 'date', Author: 'rich_text', Tags: 'multi_select', Note: 'rich_text', Media: 'files',
};
const link = (handle: string, id: string) => `https://x.com/${handle}/status/${id}`;
const types = (children: unknown[]) => (children as { type: string }[]).map((b) => b.type);

describe('Discord: the whole tweet in Notion', () => {
  const w = useDiscordWorld({ fxTweets: { tweets: FX_TWEETS, deleted: FX_DELETED }, tableProperties: RICH_TABLE });
  const rows = () => w.notion.rows(w.tweets.dataSourceId).filter((r) => !r.inTrash);
  const text = (i: number, name: string) => propertyText(rows()[i]!.properties[name]);
  const command = (name: string, tweet: string) => w.discord.dispatchInteraction({ kind: 'chat_input', name, user: w.kim, options: { tweet } }).id;

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
    expect(text(0, 'Tweet').split('\n\n').map((t) => t.slice(0, 3))).toStrictEqual(['How', '2/3', '3/3']);
    const { id } = w.discord.dispatchInteraction({ kind: 'message', name: 'Save thread to Notion', user: w.kim, target: { content: link('tompark', IDS.threadMiddle) } });
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
