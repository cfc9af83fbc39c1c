import { describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../../src/bots/slack/constants.js';
import { SLACK_EPHEMERAL as EPHEMERAL, JACK, slackSam as sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { button, elements, type SlackDriver } from '../../helpers/slack-harness.js';
import { useSlackWorld } from '../../helpers/use-world.js';

/** Slack, end to end: what Undo and a save say when they cannot do their work, each link given once, on its button. */
describe('Slack: Undo and save answers', () => {
  const w = useSlackWorld();

  async function undo(saved: Awaited<ReturnType<SlackDriver['save']>>) {
    const clicked = await w.d.click(sam, button(saved.body, ACTION_IDS.undoSave), EPHEMERAL);
    expect(clicked.res.status).toBe(200);
    return w.d.firstAnswer(clicked.responseUrl);
  }

  it('Undo names the tweet it removed', async () => {
    await w.d.connect(sam);
    const answer = await undo(await w.d.save(sam, JACK));
    expect(answer.body).toMatchObject({
      replace_original: true,
      text: "Removed @jack's tweet from *Tweets* (moved to Notion's trash).",
    });
  });

  it('Undo of a row whose table a reconnect left out: says the table is no longer shared, with a Reconnect button; the reply stays', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await w.d.connect(sam, { share: [w.tweets.databaseId] });
    const saved = await w.d.save(sam, JACK);
    // Reconnected with only Inspiration ticked.
    await w.d.connect(sam, { share: [inspiration.databaseId] });

    const answer = await undo(saved);
    expect(answer.body).toMatchObject({
      replace_original: false,
      text: "I can't reach that row any more: its table *Tweets* is no longer shared with Save to Notion. Share it again (reconnect) to undo.",
    });
    expect(elements(answer.body)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        url: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
        text: expect.objectContaining({ text: 'Reconnect Notion' }),
      }),
    ]);
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });

  it('Undo after /notion-disconnect: one plain sentence and a Connect Notion button', async () => {
    await w.d.connect(sam);
    const saved = await w.d.save(sam, JACK);
    await w.d.firstAnswer((await w.d.command(sam, COMMANDS.disconnect, '')).responseUrl);

    const answer = await undo(saved);
    expect(answer.body).toMatchObject({
      replace_original: false,
      text: "You're not connected to Notion any more. Connect again to undo.",
    });
    expect(elements(answer.body)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        text: expect.objectContaining({ text: 'Connect Notion' }),
      }),
    ]);
    expect(w.notion.rows(w.tweets.dataSourceId).map((r) => r.inTrash)).toEqual([false]);
  });

  it('a save before connecting: plain text, and the link only on the Connect Notion button', async () => {
    const answer = await w.d.save(sam, JACK);
    expect(answer.body.text).toBe('Connect your Notion first, then send it again.');
    expect(elements(answer.body)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        url: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
        text: expect.objectContaining({ text: 'Connect Notion' }),
      }),
    ]);
  });
});
