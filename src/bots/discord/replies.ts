import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  TimestampStyles,
  time,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  type MessageActionRowComponentBuilder,
  type MessageMentionOptions,
} from 'discord.js';
import {
  CHECK_DMS_TEXT,
  LABELS,
  connectPromptText,
  connectedText,
  disconnectText,
  saveOutcomeText,
  targetStatusText,
} from '../../core/messages.js';
import type {
  ChooseTargetOutcome,
  ConnectedNotice,
  ConnectLink,
  DisconnectOutcome,
  SaveOutcome,
  TableChoice,
  TargetStatus,
} from '../../core/outcomes.js';
import { discordFormatter as f } from './discord-formatter.js';

/** A message body that fits `reply`, `editReply`, `followUp`, `channel.send` and `user.send`. */
export interface DiscordReply {
  content: string;
  components: ActionRowBuilder<MessageActionRowComponentBuilder>[];
  allowedMentions: MessageMentionOptions;
}

/** Discord's limits: 2000 characters of content, 80 per button label. */
const MAX_CONTENT = 2000;

/** Table names and tweet text come from others: they must never ping anyone. */
const NO_PINGS: MessageMentionOptions = { parse: [] };

function reply(content: string, components: ActionRowBuilder<MessageActionRowComponentBuilder>[] = []): DiscordReply {
  const safe = content.length > MAX_CONTENT ? `${content.slice(0, MAX_CONTENT - 1)}…` : content;
  return { content: safe, components, allowedMentions: NO_PINGS };
}

/** One row with one link button (Discord renders it with an external-link icon). */
export function linkButtonRow(url: string, label: string): ActionRowBuilder<MessageActionRowComponentBuilder> {
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel(label.slice(0, 80)),
  );
}

function expiry(link: ConnectLink): string {
  return `It expires ${time(link.expiresAt, TimestampStyles.RelativeTime)}.`;
}

/** The ephemeral answer to `/notion-connect` while the DM is on its way. */
export function checkDmsReply(): DiscordReply {
  return reply(CHECK_DMS_TEXT);
}

/** The personal link, by DM. */
export function connectLinkDm(link: ConnectLink): DiscordReply {
  return reply(`${connectPromptText(f, link.current)} ${expiry(link)}`, [linkButtonRow(link.url, LABELS.connect)]);
}

/** The personal link in the ephemeral reply (only the user sees it), when they take no DMs from the bot. */
export function connectLinkEphemeral(link: ConnectLink): DiscordReply {
  return reply(
    `I could not send you a DM, so here is your link (only you can see this message).\n${connectPromptText(f, link.current)} ${expiry(link)}`,
    [linkButtonRow(link.url, LABELS.connect)],
  );
}

/** The custom id of the table menu; the router sends its selections to `table-picker.ts`. */
export const TABLE_PICKER_ID = 'save-to-notion:choose-table';

/** Discord allows 25 options per menu, 100 characters per label and value. */
const MAX_OPTIONS = 25;

/** A select menu offering the shared tables (Notion data source ids as values). */
export function tablePickerRow(tables: readonly TableChoice[]): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const options = tables
    .filter((t) => t.id.length > 0 && t.id.length <= 100)
    .slice(0, MAX_OPTIONS)
    .map((t) => new StringSelectMenuOptionBuilder().setValue(t.id).setLabel((t.title.trim() || 'Untitled').slice(0, 100)));
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new StringSelectMenuBuilder()
      .setCustomId(TABLE_PICKER_ID)
      .setPlaceholder(LABELS.pickTable)
      .setMinValues(1)
      .setMaxValues(1)
      .addOptions(options),
  );
}

function targetComponents(status: TargetStatus): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  if (status.kind === 'choose') return [tablePickerRow(status.tables)];
  if (status.kind === 'ready' && status.url) return [linkButtonRow(status.url, LABELS.openInNotion)];
  return [];
}

/** The DM after the OAuth callback: workspace and table, or a picker when several tables are shared. */
export function connectedReply(notice: ConnectedNotice): DiscordReply {
  return reply(connectedText(f, notice.workspaceName, notice.status), targetComponents(notice.status));
}

/** The answer to a save: core's wording plus "Open in Notion" / "Connect Notion" / a table picker. */
export function saveReply(outcome: SaveOutcome, command = '/save-tweet'): DiscordReply {
  const content = saveOutcomeText(f, outcome, command);
  switch (outcome.kind) {
    case 'saved':
      return reply(content, [linkButtonRow(outcome.pageUrl, LABELS.openInNotion)]);
    case 'not_connected':
      return reply(content, [linkButtonRow(outcome.connectUrl, LABELS.connect)]);
    case 'reconnect':
      return reply(content, [linkButtonRow(outcome.connectUrl, LABELS.reconnect)]);
    case 'needs_table':
      return reply(content, targetComponents(outcome.status));
    default:
      return reply(content);
  }
}

/** The answer to a pick in the table menu. */
export function chooseTargetReply(outcome: ChooseTargetOutcome): DiscordReply {
  switch (outcome.kind) {
    case 'not_connected':
    case 'reconnect':
      return saveReply(outcome);
    case 'unknown_table':
      // The table is gone or no longer shared: offer what is shared now.
      return reply(targetStatusText(f, { kind: 'choose', tables: outcome.tables }), outcome.tables.length ? [tablePickerRow(outcome.tables)] : []);
    default:
      return reply(targetStatusText(f, outcome), targetComponents(outcome));
  }
}

export function disconnectReply(outcome: DisconnectOutcome): DiscordReply {
  return reply(disconnectText(f, outcome));
}

/** When something of ours broke: core's wording, never a stack trace. */
export function failureReply(): DiscordReply {
  return reply(saveOutcomeText(f, { kind: 'failed', reason: 'internal' }));
}
