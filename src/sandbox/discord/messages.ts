/**
 * Channel messages: what the bot posts (`POST /channels/{id}/messages`, DMs included), what users
 * write to the bot in DMs (gateway MESSAGE_CREATE), and message edits.
 */
import { emptyMessage, HttpError, invalidForm, type Answer } from './http-io.js';
import { snowflake } from './ids.js';
import { messageObject, type APIEmbedLike, type FakeMessage, type FakeUser } from './objects.js';
import { INTENT_DIRECT_MESSAGES, LOADING, type ChannelEntry, type DiscordContext } from './state.js';
import { isEmptyMessage, validateMessage } from './validate.js';

/** `POST /channels/{id}/messages` by the bot; a DM to a user who closed them fails with 50007 or 50278. */
export function createChannelMessage(ctx: DiscordContext, entry: ChannelEntry, body: unknown): Answer {
  const { state, gateway } = ctx;
  const { channel } = entry;
  if (channel.type === 1 && channel.recipient) {
    const code = state.blocked.get(channel.recipient.id);
    if (code === 50007) throw new HttpError(403, { message: 'Cannot send messages to this user', code: 50007 });
    if (code === 50278)
      throw new HttpError(403, {
        message: 'Cannot send messages to this user due to having no mutual guilds',
        code: 50278,
      });
  }
  const b = (body ?? {}) as Record<string, unknown>;
  const issues = validateMessage(b, { allowedFlags: 4 | 4096 | 32768 });
  if (issues.length) throw invalidForm(issues);
  if (isEmptyMessage(b)) throw emptyMessage();
  const ref = b.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
  if (ref && ref.fail_if_not_exists !== false && !entry.messages.some((x) => x.id === ref.message_id)) {
    throw invalidForm([
      { path: ['message_reference'], code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' },
    ]);
  }
  const message = messageObject({
    channelId: channel.id,
    guildId: channel.guild_id,
    author: state.botUser,
    content: (b.content as string | undefined) ?? '',
    components: (b.components as unknown[] | undefined) ?? [],
    embeds: (b.embeds as APIEmbedLike[] | undefined) ?? [],
    type: ref ? 19 : 0,
  });
  if (ref) message.message_reference = { type: 0, channel_id: channel.id, message_id: ref.message_id };
  entry.messages.push(message);
  if (channel.type === 1 && channel.recipient) {
    state.dms.push({ userId: channel.recipient.id, channelId: channel.id, message });
    // The bot gets its own DM back as MESSAGE_CREATE, as on Discord (it must ignore it).
    if (gateway.connected) gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 }, INTENT_DIRECT_MESSAGES);
  }
  return { status: 200, body: message };
}

/** What a user can write to the bot in their DM channel. */
export interface DirectMessageSpec {
  user: FakeUser;
  content?: string;
  embeds?: APIEmbedLike[];
  forward?: { content?: string; embeds?: APIEmbedLike[] };
}

/**
 * A user writes to the bot in their DM channel (MESSAGE_CREATE, `channel_type` 1).
 * `forward` makes it a forwarded message: empty content, a FORWARD reference and a
 * snapshot holding the original's content and embeds.
 */
export function dispatchDirectMessage(ctx: DiscordContext, init: DirectMessageSpec): FakeMessage {
  const { state, gateway } = ctx;
  state.users.set(init.user.id, init.user);
  const channel = state.dmChannelFor(init.user);
  const message = messageObject({
    channelId: channel.id,
    author: init.user,
    content: init.content ?? '',
    embeds: init.embeds ?? [],
  });
  if (init.forward) {
    message.message_reference = {
      type: 1,
      channel_id: state.guild.channelId,
      guild_id: state.guild.id,
      message_id: snowflake(),
    };
    message.message_snapshots = [
      {
        message: {
          type: 0,
          content: init.forward.content ?? '',
          embeds: init.forward.embeds ?? [],
          attachments: [],
          timestamp: new Date().toISOString(),
          edited_timestamp: null,
          flags: 0,
          mentions: [],
          mention_roles: [],
          components: [],
        },
      },
    ];
  }
  state.channels.get(channel.id)!.messages.push(message);
  const delivered = gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 }, INTENT_DIRECT_MESSAGES);
  if (!delivered)
    throw new Error('fake discord: the bot did not subscribe to DIRECT_MESSAGES, so Discord would not deliver this DM');
  return message;
}

/** Delivers the same MESSAGE_CREATE again (as after a resume or a retry): the bot must act once. */
export function redeliverMessage(ctx: DiscordContext, message: FakeMessage): void {
  ctx.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 }, INTENT_DIRECT_MESSAGES);
}

/** Applies an edit's content, components and embeds; an edited message is no longer loading. */
export function applyEdit(message: FakeMessage, body: Record<string, unknown>): void {
  if (typeof body.content === 'string' || body.content === null)
    message.content = (body.content as string | null) ?? '';
  if (Array.isArray(body.components)) message.components = body.components;
  if (Array.isArray(body.embeds)) message.embeds = body.embeds as APIEmbedLike[];
  message.flags &= ~LOADING;
  message.edited_timestamp = new Date().toISOString();
}
