import type { SlashCommand } from '@slack/bolt';
import { decodeSlackMarkup } from '../../chat/chat-markup.js';
import { splitTableChoice } from '../../chat/inline-table.js';
import { CHECK_DMS_TEXT, disconnectText, unknownOptionText } from '../../chat/messages.js';
import { acceptTweet } from '../../chat/settle-save.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage, section } from './blocks.js';
import { sendConnectLink } from './connect-link.js';
import { COMMANDS } from './constants.js';
import type { SlackListeners } from './listeners.js';
import { respondEphemeral, responseUrlReplyTo } from './reply.js';
import { slackFormatter as f } from './slack-formatter.js';
import { slackUser } from './slack-user.js';
import type { WorkspaceNames } from './workspace-names.js';

/**
 * `/notion-connect`, `/save-tweet`, `/save-thread`, `/notion-disconnect`. Each acks at once (Slack allows
 * 3 s and core may call Notion), then answers ephemerally through the response_url.
 */
export function registerCommands(
  app: SlackListeners,
  deps: { core: Core; log: Logger; workspaces: WorkspaceNames },
): void {
  const { core } = deps;
  const commandUser = (c: SlashCommand) =>
    slackUser(c.team_id, c.user_id, c.user_name, deps.workspaces.of(c.team_id, c.team_domain));

  /** These commands take no options; anything typed after them is answered, not acted on. */
  const refuseOptions = async (
    name: string,
    text: string | undefined,
    ack: (msg: { response_type: 'ephemeral'; text: string }) => Promise<void>,
  ) => {
    if (!text?.trim()) return false;
    deps.log.info({ event: 'command.unknown_option', command: name }, 'command given options it does not take');
    await ack({ response_type: 'ephemeral', text: unknownOptionText(f, name, text) });
    return true;
  };

  app.command(COMMANDS.connect, async ({ command, ack, respond, client }) => {
    if (await refuseOptions(COMMANDS.connect, command.text, ack)) return;
    await ack({ response_type: 'ephemeral', text: CHECK_DMS_TEXT });
    const user = commandUser(command);
    const log = deps.log.child({
      event: 'command',
      command: COMMANDS.connect,
      teamId: user.teamId,
      userId: user.userId,
    });
    await sendConnectLink({ core, client, log }, user, respond);
  });

  // `/save-tweet <link or text>` and `/save-thread <link>` (the author's whole chain the tweet is in, one row; a
  // tweet in no thread saves as itself), each optionally `… to <table name>`.
  for (const [name, thread] of [
    [COMMANDS.save, false],
    [COMMANDS.saveThread, true],
  ] as const) {
    app.command(name, async ({ command, ack, respond }) => {
      const text = command.text ?? '';
      if (text.trim() === '') {
        // Usage help needs no Notion call: it is the ack itself.
        const help = saveOutcomeMessage({ kind: 'no_tweet', reason: 'empty' });
        await ack({ response_type: 'ephemeral', text: help.text, blocks: help.blocks });
        return;
      }
      const user = commandUser(command);
      const log = deps.log.child({ event: 'command', command: name, teamId: user.teamId, userId: user.userId });
      const { text: tweet, tableName } = splitTableChoice(text);
      // Stored as a job before Slack is acknowledged (one store write, well within the 3 s); the answer comes later.
      const replyTo = responseUrlReplyTo(command.response_url);
      const options = { table: tableName, ...(thread ? { thread } : {}) };
      const outcome = await acceptTweet(core, user, decodeSlackMarkup(tweet), log, replyTo, options);
      await ack();
      if (outcome) await respondEphemeral(respond, saveOutcomeMessage(outcome), log);
    });
  }

  app.command(COMMANDS.disconnect, async ({ command, ack, respond }) => {
    if (await refuseOptions(COMMANDS.disconnect, command.text, ack)) return;
    await ack();
    const user = commandUser(command);
    const log = deps.log.child({
      event: 'command',
      command: COMMANDS.disconnect,
      teamId: user.teamId,
      userId: user.userId,
    });
    let text: string;
    try {
      const outcome = await core.disconnectUser(user);
      log.info({ wasConnected: outcome.wasConnected }, 'disconnected');
      text = disconnectText(f, outcome);
    } catch (err) {
      log.error({ err }, 'disconnect failed');
      text = saveOutcomeMessage({ kind: 'failed', reason: 'internal' }).text;
    }
    await respondEphemeral(respond, { text, blocks: [section(text)] }, log);
  });
}
