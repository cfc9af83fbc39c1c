import { MessageFlags, type ChatInputCommandInteraction, type MessageContextMenuCommandInteraction } from 'discord.js';
import { decodeDiscordMarkup } from '../../chat/chat-markup.js';
import { splitTableChoice } from '../../chat/inline-table.js';
import { acceptTweet } from '../../chat/settle-save.js';
import type { TweetInput } from '../../tweets/tweet.js';
import { chatUserOf } from './chat-user.js';
import type { CommandContext } from './commands/command.js';
import { tweetInputOfMessage } from './embed-unfurl.js';
import { interactionReplyTo } from './notifier.js';
import { saveReply } from './replies.js';

type SaveInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/**
 * The one save path of the four save commands: defer ephemerally (3 s deadline), store the save as a job; the
 * notifier edits the result into the deferred reply. Only an answer the input alone decided is edited in here.
 */
async function save(
  interaction: SaveInteraction,
  { core, log }: CommandContext,
  input: TweetInput,
  options: { table?: string | undefined; thread?: boolean },
): Promise<void> {
  const userLog = log.child({ userId: interaction.user.id, fromEmbed: input.unfurl !== undefined });
  const replyTo = interactionReplyTo(interaction);
  const outcome = await acceptTweet(core, chatUserOf(interaction.user), input, userLog, replyTo, options);
  if (outcome) await interaction.editReply(saveReply(outcome));
}

/** `/save-tweet` and `/save-thread`: the `tweet` option, with a one-off `… to <table name>` split off. */
export async function saveFromTweetOption(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  options: { thread?: boolean } = {},
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { text, tableName } = splitTableChoice(interaction.options.getString('tweet', true));
  await save(interaction, context, decodeDiscordMarkup(text), { table: tableName, ...options });
}

/** "Save to Notion" and "Save thread to Notion": the message the command is used on (see `tweetInputOfMessage`). */
export async function saveFromTargetMessage(
  interaction: MessageContextMenuCommandInteraction,
  context: CommandContext,
  options: { thread?: boolean } = {},
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await save(interaction, context, tweetInputOfMessage(interaction.targetMessage), options);
}
