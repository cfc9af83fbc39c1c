/**
 * Builders for Discord API objects in the shapes Discord sends (user, channel, member,
 * message, embed, interaction). Fields follow discord-api-docs; discord.js reads them.
 */
import { snowflake } from './ids.js';

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  public_flags: number;
  bot?: boolean;
  system?: boolean;
  avatar_decoration_data?: null;
}

export function userObject(init: { id?: string; username: string; globalName?: string; bot?: boolean }): FakeUser {
  return {
    id: init.id ?? snowflake(),
    username: init.username,
    global_name: init.globalName ?? null,
    discriminator: init.bot ? '0000' : '0',
    avatar: null,
    public_flags: 0,
    ...(init.bot ? { bot: true } : { avatar_decoration_data: null }),
  };
}

export interface APIEmbedLike {
  type?: string;
  url?: string;
  title?: string;
  description?: string;
  color?: number;
  timestamp?: string;
  author?: { name: string; url?: string; icon_url?: string; proxy_icon_url?: string };
  footer?: { text: string; icon_url?: string; proxy_icon_url?: string };
  fields?: { name: string; value: string; inline?: boolean }[];
}

/** The embed Discord unfurls for a tweet link (author "Name (@handle)", the text as description). */
export function tweetEmbed(init: {
  handle: string;
  name?: string;
  text: string;
  id: string;
  host?: string;
}): APIEmbedLike {
  const host = init.host ?? 'twitter.com';
  return {
    type: 'rich',
    url: `https://${host}/${init.handle}/status/${init.id}`,
    description: init.text,
    color: 1942002,
    timestamp: '2006-03-21T20:50:14.000Z',
    author: {
      name: `${init.name ?? init.handle} (@${init.handle})`,
      url: `https://${host}/${init.handle}`,
      icon_url: 'https://pbs.twimg.com/profile_images/1/photo_normal.jpg',
      proxy_icon_url: 'https://images-ext-1.discordapp.net/external/x/photo_normal.jpg',
    },
    footer: { text: 'Twitter', icon_url: 'https://abs.twimg.com/icons/apple-touch-icon-192x192.png' },
    fields: [
      { name: 'Likes', value: '184727', inline: true },
      { name: 'Retweets', value: '126346', inline: true },
    ],
  };
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
  /** DM channels: the user on the other side. */
  recipient?: FakeUser;
}

export function channelObject(channel: FakeChannel, lastMessageId: string | null = null): Record<string, unknown> {
  if (channel.type === 1) {
    return {
      id: channel.id,
      type: 1,
      last_message_id: lastMessageId,
      flags: 0,
      recipients: channel.recipient ? [channel.recipient] : [],
    };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guild_id,
    name: channel.name ?? 'general',
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: lastMessageId,
    rate_limit_per_user: 0,
    flags: 0,
    // What the invoking member may do there, as Discord adds to interaction channels.
    permissions: '2248473465835073',
  };
}

export function memberObject(user: FakeUser): Record<string, unknown> {
  return {
    user,
    roles: [],
    premium_since: null,
    permissions: '2248473465835073',
    pending: false,
    nick: null,
    mute: false,
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    flags: 0,
    deaf: false,
    communication_disabled_until: null,
    unusual_dm_activity_until: null,
    avatar: null,
    banner: null,
  };
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  author: FakeUser;
  content: string;
  embeds: APIEmbedLike[];
  components: unknown[];
  attachments: unknown[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  tts: false;
  mention_everyone: false;
  mentions: unknown[];
  mention_roles: string[];
  pinned: false;
  application_id?: string;
  webhook_id?: string;
  message_reference?: Record<string, unknown>;
  message_snapshots?: { message: Record<string, unknown> }[];
  interaction_metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export function messageObject(init: {
  channelId: string;
  guildId?: string | undefined;
  author: FakeUser;
  content?: string;
  embeds?: APIEmbedLike[];
  components?: unknown[];
  flags?: number;
  type?: number;
  id?: string;
}): FakeMessage {
  return {
    id: init.id ?? snowflake(),
    channel_id: init.channelId,
    ...(init.guildId ? { guild_id: init.guildId } : {}),
    type: init.type ?? 0,
    author: init.author,
    content: init.content ?? '',
    embeds: init.embeds ?? [],
    components: init.components ?? [],
    attachments: [],
    flags: init.flags ?? 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
  };
}
