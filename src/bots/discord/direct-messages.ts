import type { Message } from 'discord.js';
import { acceptTweet } from '../../chat/settle-save.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { chatUserOf } from './chat-user.js';
import { tweetInputOfMessage } from './embed-unfurl.js';
import { errorFields } from './errors.js';
import { failureReply, saveReply } from './replies.js';

export interface DirectMessageOptions {
  core: Core;
  /** Already bound to `platform: 'discord'`. */
  log: Logger;
}

/**
 * A DM to the bot is a save: a tweet link, text copied from X, or a forwarded message
 * (its snapshot carries the original's content and embeds). The answer is a reply in
 * the DM. Bots (including this one) and system messages are ignored, and each message
 * acts once even if the gateway delivers it again after a resume.
 */
export function createDirectMessageHandler(options: DirectMessageOptions): (message: Message) => Promise<void> {
  const { core, log } = options;
  return async (message) => {
    if (message.author.bot || message.author.system || message.system) return;
    if (message.inGuild() || message.guildId) return;
    const fields = { messageId: message.id, userId: message.author.id };
    try {
      if (!(await core.acceptOnce(`discord:message:${message.id}`))) {
        log.debug(fields, 'direct message already handled');
        return;
      }
      const input = tweetInputOfMessage(message);
      const userLog = log.child({ ...fields, forwarded: message.messageSnapshots.size > 0 });
      const replyTo = { kind: 'dm', channelId: message.channelId, inReplyTo: message.id } as const;
      const outcome = await acceptTweet(core, chatUserOf(message.author), input, userLog, replyTo);
      // Stored as a job: the notifier replies to this message when it is done.
      if (!outcome) return;
      await message.reply({ ...saveReply(outcome), allowedMentions: { parse: [], repliedUser: false } });
    } catch (err) {
      log.error({ ...fields, ...errorFields(err) }, 'direct message failed');
      try {
        await message.reply({ ...failureReply(), allowedMentions: { parse: [], repliedUser: false } });
      } catch (replyErr) {
        log.warn({ ...fields, ...errorFields(replyErr) }, 'could not tell the user about the failure');
      }
    }
  };
}
