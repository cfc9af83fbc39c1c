import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/bots/slack/constants.js';
import { eventCallbackBody, imMessageEvent } from '../../../src/sandbox/slack/payloads.js';
import { slackKim as kim, slackSam as sam } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { slackDriver, type SlackDriver } from '../../helpers/slack-harness.js';
import { startWorld, type World } from '../../helpers/world.js';

const LENGTH = 40_000;
const fill = (unit: string) => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH);

/**
 * The security review's stall: three 40,000-character DMs (3.3 s, 13.4 s and 3.5 s of parsing each) held another
 * user's `/notion-connect` ack for 9 s, past Slack's 3-second limit.
 */
describe('long messages do not stall the bot', () => {
  let world: World;
  let d: SlackDriver;

  beforeAll(async () => {
    world = await startWorld({ slack: true });
    d = slackDriver({ notion: world.notion, slack: world.slack!, product: world.product });
  });
  afterAll(() => world?.stop());

  it("answers another user's /notion-connect within Slack's 3 seconds while long DMs are parsed", async () => {
    const slack = world.slack!;
    const channel = slack.imChannelFor(sam.userId);
    const texts = [`a${' '.repeat(LENGTH - 2)}b`, `${fill('\t')}—`, `https://a${'.'.repeat(LENGTH - 10)}x`];
    const posted = texts.map((text, i) =>
      d.post(
        eventCallbackBody({
          teamId: sam.teamId,
          botUserId: slack.botUserId,
          eventId: `Ev0LONG${i}`,
          event: imMessageEvent({ ...sam, channel, text }),
        }),
      ),
    );
    const connect = await d.command(kim, COMMANDS.connect, '');
    expect(connect.res.status).toBe(200);
    expect(connect.ackMs).toBeLessThan(3_000);
    for (const res of await Promise.all(posted)) expect(res.status).toBe(200);
    // Each long DM still gets its own answer (none holds a tweet).
    await waitFor(() => slack.messagesTo(channel).length >= 3, {
      what: 'the answers to the long DMs',
      timeoutMs: 15_000,
    });
  });
});
