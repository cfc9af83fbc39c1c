import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  TimestampStyles,
  time,
  type MessageActionRowComponentBuilder,
  type MessageMentionOptions,
} from 'discord.js';
import {
  CHECK_DMS_TEXT,
  LABELS,
  chooseTargetText,
  connectPromptText,
  connectedText,
  disconnectText,
  reconnectNeededText,
  saveOutcomeText,
  undoOutcomeText,
} from '../../chat/messages.js';
import { ADD_NOTE_LABEL, noteOutcomeText, notedSaveOutcome } from '../../chat/note-messages.js';
import type {
  ChooseTargetOutcome,
  ConnectLink,
  ConnectedNotice,
  DisconnectOutcome,
  NoteOutcome,
  PageChoice,
  ReconnectNotice,
  SaveOutcome,
  TableChoice,
  TargetStatus,
  UndoOutcome,
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
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(linkButton(url, label));
}

function expiry(link: ConnectLink): string {
  return `It expires ${time(link.expiresAt, TimestampStyles.RelativeTime)}.`;
}

/** The ephemeral answer to `/notion-connect` while the DM is on its way. */
export function checkDmsReply(): DiscordReply {
  return reply(CHECK_DMS_TEXT);
}

/**
 * The connect link button, after what an already connected user's table status asks for: the menu
 * or the create-table buttons when no table is ready, the menu (current table selected) when a
 * table is ready and others could be picked instead.
 */
function connectComponents(link: ConnectLink): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  const { current } = link;
  const target = current.connected && !current.needsReconnect ? current.target : undefined;
  return [...(target ? statusComponents(target) : []), linkButtonRow(link.url, LABELS.connect)];
}

/** What a connected user's status offers next to the connect link (the table's own link is in the text). */
function statusComponents(status: TargetStatus): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  if (status.kind !== 'ready') return targetComponents(status);
  return status.choices && status.choices.tables.length > 1
    ? [tablePickerRow(status.choices.tables, status.choices.currentId)]
    : [];
}

/** The personal link, by DM. */
export function connectLinkDm(link: ConnectLink): DiscordReply {
  return reply(`${connectPromptText(f, link.current)} ${expiry(link)}`, connectComponents(link));
}

/** The personal link in the ephemeral reply (only the user sees it), when they take no DMs from the bot. */
export function connectLinkEphemeral(link: ConnectLink): DiscordReply {
  return reply(
    `I could not send you a DM, so here is your link (only you can see this message).\n${connectPromptText(f, link.current)} ${expiry(link)}`,
    connectComponents(link),
  );
}

/** The custom id of the table menu; the router sends its selections to `table-picker.ts`. */
export const TABLE_PICKER_ID = 'save-to-notion:choose-table';

/** Discord allows 25 options per menu, 100 characters per label and value. */
const MAX_OPTIONS = 25;

/** A select menu offering the shared tables (Notion data source ids as values); `currentId` is shown selected. */
export function tablePickerRow(
  tables: readonly TableChoice[],
  currentId?: string,
): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const options = tables
    .filter((t) => t.id.length > 0 && t.id.length <= 100)
    .slice(0, MAX_OPTIONS)
    .map((t) => {
      const option = new StringSelectMenuOptionBuilder()
        .setValue(t.id)
        .setLabel((t.title.trim() || 'Untitled').slice(0, 100));
      return t.id === currentId ? option.setDefault(true) : option;
    });
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new StringSelectMenuBuilder()
      .setCustomId(TABLE_PICKER_ID)
      .setPlaceholder(LABELS.pickTable)
      .setMinValues(1)
      .setMaxValues(1)
      .addOptions(options),
  );
}

/**
 * The buttons the product puts on its messages, as `stn:<action>:<id>` custom ids (Discord allows
 * 100 characters): `undo` and `again` take the Notion page id of a saved row, `create` the id of a
 * shared page to create the Tweets table in. The id is only a handle: core checks that the row or
 * page belongs to whoever clicks.
 */
export type ButtonAction = 'undo' | 'again' | 'create' | 'note';

const BUTTON_ID = /^stn:(undo|again|create|note):([A-Za-z0-9-]{1,64})$/;

/** The custom id for a button, or undefined when the id cannot be carried (never seen with Notion's UUIDs). */
export function buttonId(action: ButtonAction, id: string): string | undefined {
  const customId = `stn:${action}:${id}`;
  return BUTTON_ID.test(customId) ? customId : undefined;
}

/** The action and id of one of our buttons; undefined for any other custom id. */
export function parseButtonId(customId: string): { action: ButtonAction; id: string } | undefined {
  const m = BUTTON_ID.exec(customId);
  return m ? { action: m[1] as ButtonAction, id: m[2]! } : undefined;
}

/** Discord allows 5 buttons per row. */
const MAX_BUTTONS = 5;

function actionButton(action: ButtonAction, id: string, label: string, style: ButtonStyle): ButtonBuilder | undefined {
  const customId = buttonId(action, id);
  return customId ? new ButtonBuilder().setStyle(style).setCustomId(customId).setLabel(label.slice(0, 80)) : undefined;
}

/** Up to 5 buttons in one row; no row at all when none is left (Discord refuses empty rows). */
function buttonRow(buttons: (ButtonBuilder | undefined)[]): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  const present = buttons.filter((b): b is ButtonBuilder => b !== undefined).slice(0, MAX_BUTTONS);
  return present.length ? [new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(present)] : [];
}

function linkButton(url: string, label: string): ButtonBuilder {
  return new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel(label.slice(0, 80));
}

/** "Create a Tweets table in <page>", one button per shared page (the first 5). */
export function createTableRow(pages: readonly PageChoice[]): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  return buttonRow(
    pages.map((p) =>
      actionButton('create', p.id, LABELS.createTable(p.title.trim() || 'Untitled'), ButtonStyle.Primary),
    ),
  );
}

/** The menu, the create-table buttons (also next to the column help when pages are shared) or the table's link. */
function targetComponents(status: TargetStatus): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  if (status.kind === 'choose') return [tablePickerRow(status.tables)];
  if (status.kind === 'create_offer' || status.kind === 'unusable') return createTableRow(status.pages ?? []);
  if (status.kind === 'ready' && status.url) return [linkButtonRow(status.url, LABELS.openInNotion)];
  return [];
}

/** The DM after the OAuth callback: workspace and table, or a picker when several tables are shared. */
export function connectedReply(notice: ConnectedNotice): DiscordReply {
  return reply(connectedText(f, notice.workspaceName, notice.status), targetComponents(notice.status));
}

/**
 * The answer to a save: core's wording plus its buttons. "Saved" gets "Open in Notion" and Undo,
 * "Already saved" the link to the existing row and "Save again", a missing connection its connect
 * link, a missing table the picker or the create-table offer.
 */
export function saveReply(outcome: SaveOutcome, command = '/save-tweet'): DiscordReply {
  const content = saveOutcomeText(f, outcome, command);
  switch (outcome.kind) {
    case 'saved':
      return reply(
        content,
        buttonRow([
          linkButton(outcome.pageUrl, LABELS.openInNotion),
          actionButton('note', outcome.pageId, ADD_NOTE_LABEL, ButtonStyle.Secondary),
          actionButton('undo', outcome.pageId, LABELS.undo, ButtonStyle.Secondary),
        ]),
      );
    case 'already_saved':
      return reply(
        content,
        buttonRow([
          linkButton(outcome.pageUrl, LABELS.openInNotion),
          actionButton('again', outcome.pageId, LABELS.saveAgain, ButtonStyle.Secondary),
        ]),
      );
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

/**
 * The answer to Undo. `removed` and `already_deleted` replace the saved message (no buttons left:
 * the row is gone); the others are said to the clicker alone, with a connect or reconnect link when
 * needed (a lost connection, a table no longer shared).
 */
export function undoReply(outcome: UndoOutcome): DiscordReply {
  const content = undoOutcomeText(f, outcome);
  if (outcome.kind === 'not_connected') return reply(content, [linkButtonRow(outcome.connectUrl, LABELS.connect)]);
  if (outcome.kind === 'reconnect' || outcome.kind === 'unreachable')
    return reply(content, [linkButtonRow(outcome.connectUrl, LABELS.reconnect)]);
  return reply(content);
}

/** The one DM when Notion stops accepting the connection: what happened and a Reconnect button. */
export function reconnectNeededDm(notice: ReconnectNotice): DiscordReply {
  return reply(reconnectNeededText(f, notice), [linkButtonRow(notice.connectUrl, LABELS.reconnect)]);
}

/** The answer to a pick in the table menu or a "Create a Tweets table" click. */
export function chooseTargetReply(outcome: ChooseTargetOutcome): DiscordReply {
  const content = chooseTargetText(f, outcome);
  switch (outcome.kind) {
    case 'not_connected':
      return reply(content, [linkButtonRow(outcome.connectUrl, LABELS.connect)]);
    case 'reconnect':
      return reply(content, [linkButtonRow(outcome.connectUrl, LABELS.reconnect)]);
    case 'unknown_table':
      // The table is gone or no longer shared: offer what is shared now.
      return reply(content, outcome.tables.length ? [tablePickerRow(outcome.tables)] : []);
    case 'created':
      return reply(content, outcome.url ? [linkButtonRow(outcome.url, LABELS.openInNotion)] : []);
    default:
      return reply(content, targetComponents(outcome));
  }
}

export function disconnectReply(outcome: DisconnectOutcome): DiscordReply {
  return reply(disconnectText(f, outcome));
}

/** When something of ours broke: core's wording, never a stack trace. */
export function failureReply(): DiscordReply {
  return reply(saveOutcomeText(f, { kind: 'failed', reason: 'internal' }));
}

/** The "Saved" message once a note was added (the save as before, what was added below); otherwise why not, alone. */
export function notedReply(outcome: NoteOutcome): DiscordReply {
  const line = noteOutcomeText(f, outcome);
  if (outcome.kind !== 'noted') return reply(line);
  const saved = saveReply(notedSaveOutcome(outcome));
  return { ...saved, content: `${saved.content}\n${line}`.slice(0, 2000) };
}
