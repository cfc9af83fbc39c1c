import { describe, expect, it } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../../src/bots/slack/constants.js';
import { buttonActionBody, slashCommandBody } from '../../../src/sandbox/slack/payloads.js';
import { SLACK_EPHEMERAL as EPHEMERAL, JACK, slackSam as sam } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { button } from '../../helpers/slack-harness.js';
import { useSlackWorld } from '../../helpers/use-world.js';

/**
 * Slack, end to end: a signed request is valid for 5 minutes, so whoever holds one (a proxy log, a
 * leaked capture) can post it again. Each command and interaction acts once; a replay gets the
 * usual ack and changes nothing.
 */
describe('Slack: replayed signed requests act once', () => {
  const w = useSlackWorld();
  const now = () => Math.floor(Date.now() / 1000);

  it('the same signed "Save again" body posted three times makes one new row; a new click still works', async () => {
    await w.d.connect(sam);
    await w.d.save(sam, JACK);
    const already = await w.d.save(sam, JACK);
    const again = button(already.body, ACTION_IDS.saveAgain);
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(1);

    const responseUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: EPHEMERAL.channelId });
    const body = buttonActionBody({
      ...sam,
      actionId: again.action_id!,
      value: again.value!,
      label: 'Save again',
      where: EPHEMERAL,
      responseUrl,
    });
    const timestamp = now();
    for (let i = 0; i < 3; i++) {
      const res = await w.d.post(body, { timestamp });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
    await w.d.firstAnswer(responseUrl);
    await w.product.app.core.idle();
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(2);
    expect(w.d.responsesTo(responseUrl)).toHaveLength(1);

    // Someone pressing the button again is a new click (a new trigger_id): it is not a replay.
    const click = await w.d.click(sam, again, EPHEMERAL);
    await w.d.firstAnswer(click.responseUrl);
    await w.product.app.core.idle();
    expect(w.notion.rows(w.tweets.dataSourceId)).toHaveLength(3);
  });

  it('the same signed /notion-connect body posted three times sends one connect link', async () => {
    const responseUrl = w.slack.newResponseUrl({ userId: sam.userId, channelId: 'C0GENERAL' });
    const body = slashCommandBody({ ...sam, command: COMMANDS.connect, text: '', responseUrl, channelId: 'C0GENERAL' });
    const timestamp = now();
    for (let i = 0; i < 3; i++) expect((await w.d.post(body, { timestamp })).status).toBe(200);
    await waitFor(() => w.d.dms(sam)[0], { what: 'the connect DM' });
    // A fresh command answered end to end: replays handled before it would have sent their DMs by now.
    expect((await w.d.save(sam, JACK)).body.text).toContain('Connect your Notion first');
    expect(w.d.dms(sam)).toHaveLength(1);
  });
});
