import type { types } from '@slack/bolt';
import {
  connectedText,
  connectPromptText,
  LABELS,
  otherWaysText,
  reconnectNeededText,
  saveOutcomeText,
  saveUsage,
  statusText,
  targetStatusText,
  undoOutcomeText,
} from '../../chat/messages.js';
import { ADD_NOTE_LABEL } from '../../chat/note-messages.js';
import type {
  ConnectedNotice,
  ConnectionStatus,
  ConnectLink,
  PageChoice,
  ReconnectNotice,
  SaveOutcome,
  TableChoice,
  TargetStatus,
  UndoOutcome,
} from '../../core/outcomes.js';
import { ACTION_IDS, COMMANDS, MAX_CREATE_TABLE_BUTTONS } from './constants.js';
import { slackFormatter as f } from './slack-formatter.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/** A Slack message body: `text` is the notification/fallback, `blocks` what is shown. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const SECTION_MAX = 3000;
const PLAIN_MAX = 75;
const OPTIONS_MAX = 100;

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SECTION_MAX) } };
}

function urlButton(text: string, url: string, actionId: string, primary = false): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(text, PLAIN_MAX) },
    url,
    action_id: actionId,
    ...(primary ? { style: 'primary' as const } : {}),
  };
}

/** The actions block with the one Connect / Reconnect button to a personal link. */
export function connectLinkActions(label: string, url: string): KnownBlock {
  return { type: 'actions', elements: [urlButton(label, url, ACTION_IDS.connectLink, true)] };
}

/** A button whose click comes back as a block action carrying `value` (a Notion id). */
function valueButton(text: string, value: string, actionId: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(text, PLAIN_MAX) },
    value,
    action_id: actionId,
    ...(style ? { style } : {}),
  };
}

/**
 * The DM (or ephemeral fallback) carrying a personal connect link. Someone already connected whose
 * table is not ready also gets what the status asks for: the picker or the create-table buttons.
 */
export function connectMessage(link: ConnectLink): SlackMessage {
  const { current } = link;
  const label = current.connected ? LABELS.reconnect : LABELS.connect;
  const text = connectPromptText(f, current);
  const tableBlocks =
    current.connected && !current.needsReconnect && current.target ? targetBlocks(current.target) : [];
  return {
    text,
    blocks: [
      section(text),
      ...tableBlocks,
      { type: 'actions', elements: [urlButton(label, link.url, ACTION_IDS.connectLink, true)] },
    ],
  };
}

/** A static select of the shared tables; choosing one calls `core.chooseTarget`. */
export function tablePicker(tables: TableChoice[], initialId?: string): KnownBlock {
  const options = tables.slice(0, OPTIONS_MAX).map((t) => ({
    text: { type: 'plain_text' as const, text: clip(t.title || 'Untitled', PLAIN_MAX) },
    value: t.id,
  }));
  const initial = options.find((o) => o.value === initialId);
  return {
    type: 'actions',
    block_id: 'table_picker',
    elements: [
      {
        type: 'static_select',
        action_id: ACTION_IDS.chooseTable,
        placeholder: { type: 'plain_text', text: LABELS.pickTable },
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    ],
  };
}

/**
 * One "Create a Tweets table in <page>" button per shared page (at most five, in Notion's
 * order); the click calls `core.createTweetsTable` with the page id.
 */
export function createTableButtons(pages: PageChoice[]): KnownBlock {
  return {
    type: 'actions',
    block_id: 'create_table',
    elements: pages
      .slice(0, MAX_CREATE_TABLE_BUTTONS)
      .map((p, i) =>
        valueButton(
          LABELS.createTable(p.title || 'Untitled'),
          p.id,
          `${ACTION_IDS.createTable}_${i}`,
          i === 0 ? 'primary' : undefined,
        ),
      ),
  };
}

/**
 * What a target status lets the user do: the picker when they must choose (or, in the status, to
 * switch from the current table, preselected), the create-table buttons when pages are shared but no
 * table can take tweets (next to the column help when one lacks a column).
 */
export function targetBlocks(status: TargetStatus): KnownBlock[] {
  if (status.kind === 'choose' && status.tables.length > 0) return [tablePicker(status.tables)];
  if (status.kind === 'ready' && status.choices && status.choices.tables.length > 1)
    return [tablePicker(status.choices.tables, status.choices.currentId)];
  if ((status.kind === 'create_offer' || status.kind === 'unusable') && status.pages?.length)
    return [createTableButtons(status.pages)];
  return [];
}

/** Wording for a target status, with its picker or create-table buttons. */
export function targetStatusMessage(status: TargetStatus, text = targetStatusText(f, status)): SlackMessage {
  return { text, blocks: [section(text), ...targetBlocks(status)] };
}

/**
 * The reply to a save, with core's wording: "Saved" gets "Open in Notion" and Undo, "Already
 * saved" "Open in Notion" and "Save again" (both carry the row's page id), a lost connection
 * "Connect"/"Reconnect Notion", a missing table the picker or the create-table buttons.
 */
export function saveOutcomeMessage(outcome: SaveOutcome): SlackMessage {
  const text = saveOutcomeText(f, outcome, COMMANDS.save);
  switch (outcome.kind) {
    case 'saved':
      return {
        text,
        blocks: [
          section(text),
          {
            type: 'actions',
            block_id: 'saved',
            elements: [
              urlButton(LABELS.openInNotion, outcome.pageUrl, ACTION_IDS.openInNotion),
              valueButton(ADD_NOTE_LABEL, outcome.pageId, ACTION_IDS.addNote),
              valueButton(LABELS.undo, outcome.pageId, ACTION_IDS.undoSave),
            ],
          },
        ],
      };
    case 'already_saved':
      return {
        text,
        blocks: [
          section(text),
          {
            type: 'actions',
            block_id: 'already_saved',
            elements: [
              urlButton(LABELS.openInNotion, outcome.pageUrl, ACTION_IDS.openInNotion),
              valueButton(LABELS.saveAgain, outcome.pageId, ACTION_IDS.saveAgain),
            ],
          },
        ],
      };
    case 'not_connected':
    case 'reconnect': {
      const label = outcome.kind === 'reconnect' ? LABELS.reconnect : LABELS.connect;
      return { text, blocks: [section(text), connectLinkActions(label, outcome.connectUrl)] };
    }
    case 'needs_table':
      return targetStatusMessage(outcome.status, text);
    default:
      return { text, blocks: [section(text)] };
  }
}

/**
 * The answer to an Undo click: plain text (no buttons); a lost connection, or a table no longer
 * shared, gets its Connect / Reconnect button.
 */
export function undoOutcomeMessage(outcome: UndoOutcome): SlackMessage {
  const text = undoOutcomeText(f, outcome);
  if (outcome.kind === 'not_connected' || outcome.kind === 'reconnect' || outcome.kind === 'unreachable') {
    const label = outcome.kind === 'not_connected' ? LABELS.connect : LABELS.reconnect;
    return { text, blocks: [section(text), connectLinkActions(label, outcome.connectUrl)] };
  }
  return { text, blocks: [section(text)] };
}

/** The one DM sent when Notion stops accepting the connection: why, what was kept, and a Reconnect button. */
export function reconnectNeededMessage(notice: ReconnectNotice): SlackMessage {
  const text = reconnectNeededText(f, notice);
  return { text, blocks: [section(text), connectLinkActions(LABELS.reconnect, notice.connectUrl)] };
}

/** The DM after the OAuth callback stored the connection. */
export function connectedMessage(notice: ConnectedNotice): SlackMessage {
  const text = connectedText(f, notice.workspaceName, notice.status);
  return targetStatusMessage(notice.status, text);
}

/**
 * The App Home tab: status, target (or the picker, the column help, the create-table buttons), how
 * to save, and a button that DMs a connect link. `notice`: the outcome of a click in the tab that
 * the status does not show (the tab has no response_url to answer through), above the status.
 */
export function homeView(status: ConnectionStatus, notice?: string): types.HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Save to Notion' } },
    ...(notice ? [section(notice)] : []),
    section(statusText(f, status)),
  ];
  if (status.connected && !status.needsReconnect && status.target) blocks.push(...targetBlocks(status.target));
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: status.connected ? LABELS.reconnect : LABELS.connect },
        action_id: ACTION_IDS.homeConnect,
        ...(!status.connected || status.needsReconnect ? { style: 'primary' as const } : {}),
      },
    ],
  });
  blocks.push({ type: 'divider' });
  blocks.push(section(saveUsage(f, COMMANDS.save)));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: otherWaysText(f) }] });
  return { type: 'home', blocks };
}
