import type { types } from '@slack/bolt';
import {
  connectPromptText,
  connectedText,
  LABELS,
  otherWaysText,
  saveOutcomeText,
  saveUsage,
  statusText,
  targetStatusText,
} from '../../core/messages.js';
import type { ConnectionStatus, ConnectLink, ConnectedNotice, SaveOutcome, TableChoice, TargetStatus } from '../../core/outcomes.js';
import { ACTION_IDS, COMMANDS } from './constants.js';
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

/** The DM (or ephemeral fallback) carrying a personal connect link. */
export function connectMessage(link: ConnectLink): SlackMessage {
  const label = link.current.connected ? LABELS.reconnect : LABELS.connect;
  const text = connectPromptText(f, link.current);
  return {
    text,
    blocks: [section(text), { type: 'actions', elements: [urlButton(label, link.url, ACTION_IDS.connectLink, true)] }],
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

/** Wording for a target status, with the picker when the user must choose. */
export function targetStatusMessage(status: TargetStatus, text = targetStatusText(f, status)): SlackMessage {
  const blocks: KnownBlock[] = [section(text)];
  if (status.kind === 'choose' && status.tables.length > 0) blocks.push(tablePicker(status.tables));
  return { text, blocks };
}

/** The reply to a save: "Open in Notion", "Connect Notion" or the picker next to core's wording. */
export function saveOutcomeMessage(outcome: SaveOutcome): SlackMessage {
  const text = saveOutcomeText(f, outcome, COMMANDS.save);
  switch (outcome.kind) {
    case 'saved':
      return { text, blocks: [section(text), { type: 'actions', elements: [urlButton(LABELS.openInNotion, outcome.pageUrl, ACTION_IDS.openInNotion)] }] };
    case 'not_connected':
    case 'reconnect': {
      const label = outcome.kind === 'reconnect' ? LABELS.reconnect : LABELS.connect;
      return { text, blocks: [section(text), { type: 'actions', elements: [urlButton(label, outcome.connectUrl, ACTION_IDS.connectLink, true)] }] };
    }
    case 'needs_table':
      return targetStatusMessage(outcome.status, text);
    default:
      return { text, blocks: [section(text)] };
  }
}

/** The DM after the OAuth callback stored the connection. */
export function connectedMessage(notice: ConnectedNotice): SlackMessage {
  const text = connectedText(f, notice.workspaceName, notice.status);
  return targetStatusMessage(notice.status, text);
}

/** The App Home tab: status, target (or picker), how to save, and a button that DMs a connect link. */
export function homeView(status: ConnectionStatus): types.HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Save to Notion' } },
    section(statusText(f, status)),
  ];
  if (status.connected && status.target?.kind === 'choose') blocks.push(tablePicker(status.target.tables));
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: status.connected ? LABELS.reconnect : LABELS.connect },
        action_id: ACTION_IDS.homeConnect,
        ...(status.connected ? {} : { style: 'primary' as const }),
      },
    ],
  });
  blocks.push({ type: 'divider' });
  blocks.push(section(saveUsage(f, COMMANDS.save)));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: otherWaysText(f) }] });
  return { type: 'home', blocks };
}
