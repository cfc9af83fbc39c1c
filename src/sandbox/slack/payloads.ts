import { randomBytes } from 'node:crypto';

/**
 * Builders for the request bodies Slack sends to an app's request URL, with every field real
 * Slack sends (shapes from bolt-js src/types, bolt-python's adapter/scenario tests and
 * java-slack-sdk's json-logs samples). Sign the result with `signSlackRequest`.
 */

export interface SlackActor {
  teamId: string;
  teamDomain?: string;
  userId: string;
  userName?: string;
}

const rand = (n: number) => randomBytes(n).toString('hex');
const nowTs = () => `${(Date.now() / 1000).toFixed(6)}`;
export const VERIFICATION_TOKEN = 'sandbox-deprecated-verification-token';
export const API_APP_ID = 'A0SANDBOX';

function triggerId(): string {
  return `${Math.floor(Math.random() * 1e12)}.${Math.floor(Math.random() * 1e11)}.${rand(16)}`;
}

export type SlashCommandOptions = SlackActor & {
  command: string;
  text: string;
  responseUrl: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
};

/** A slash command, form-encoded as Slack sends it to a request URL. */
export function slashCommandBody(opts: SlashCommandOptions): string {
  return new URLSearchParams(slashCommandPayload(opts)).toString();
}

/** The same fields as an object: the `payload` of a Socket Mode `slash_commands` envelope. */
export function slashCommandPayload(opts: SlashCommandOptions): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: opts.teamId,
    team_domain: opts.teamDomain ?? 'sandbox',
    channel_id: opts.channelId ?? 'C0SANDBOX1',
    channel_name: opts.channelName ?? 'general',
    user_id: opts.userId,
    user_name: opts.userName ?? 'sandbox-user',
    command: opts.command,
    text: opts.text,
    api_app_id: API_APP_ID,
    is_enterprise_install: 'false',
    response_url: opts.responseUrl,
    trigger_id: opts.triggerId ?? triggerId(),
  };
}

/** A message as it appears inside shortcut payloads and message events. */
export interface SlackMessagePayload {
  type: 'message';
  text: string;
  user?: string;
  ts: string;
  team?: string;
  client_msg_id?: string;
  attachments?: Record<string, unknown>[];
  blocks?: unknown[];
  [key: string]: unknown;
}

/** A user's message with the rich_text block Slack adds to it. */
export function userMessage(opts: {
  userId: string;
  teamId: string;
  text: string;
  attachments?: Record<string, unknown>[];
  ts?: string;
}): SlackMessagePayload {
  return {
    client_msg_id: `${rand(4)}-${rand(2)}-${rand(2)}-${rand(2)}-${rand(6)}`,
    type: 'message',
    text: opts.text,
    user: opts.userId,
    ts: opts.ts ?? nowTs(),
    team: opts.teamId,
    blocks: [
      {
        type: 'rich_text',
        block_id: rand(3),
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: opts.text }] }],
      },
    ],
    ...(opts.attachments ? { attachments: opts.attachments } : {}),
  };
}

/** The classic Twitter unfurl attachment (`service_name: "twitter"`), as in real exports. */
export function classicTweetAttachment(opts: {
  name: string;
  handle: string;
  statusId: string;
  text: string;
}): Record<string, unknown> {
  const link = `https://twitter.com/${opts.handle}/status/${opts.statusId}`;
  return {
    from_url: `${link}?s=46&amp;t=Xq1cZ3dW6yBd2ZrZ8Ui4hA`,
    ts: 1668108012,
    author_name: opts.name,
    author_link: link,
    author_icon: 'https://pbs.twimg.com/profile_images/1/avatar_normal.jpg',
    author_subname: `@${opts.handle}`,
    text: opts.text,
    service_name: 'twitter',
    service_url: 'https://twitter.com/',
    footer: 'Twitter',
    footer_icon: 'https://a.slack-edge.com/80588/img/services/twitter_pixel_snapped_32.png',
    id: 1,
    original_url: `${link}?s=46&amp;t=Xq1cZ3dW6yBd2ZrZ8Ui4hA`,
    fallback: `<https://twitter.com/${opts.handle}|@${opts.handle}>: ${opts.text}`,
  };
}

/** The X-era unfurl (`service_name: "X (formerly Twitter)"`, title "Name (@handle) on X", no author fields). */
export function xTweetAttachment(opts: {
  name: string;
  handle: string;
  statusId: string;
  text: string;
}): Record<string, unknown> {
  const link = `https://x.com/${opts.handle}/status/${opts.statusId}`;
  return {
    from_url: link,
    thumb_url: 'https://pbs.twimg.com/profile_images/1/avatar_200x200.jpg',
    thumb_width: 200,
    thumb_height: 200,
    service_icon: 'http://abs.twimg.com/favicons/twitter.3.ico',
    id: 1,
    original_url: link,
    fallback: `X (formerly Twitter): ${opts.name} (@${opts.handle}) on X`,
    text: opts.text,
    title: `${opts.name} (@${opts.handle}) on X`,
    title_link: link,
    service_name: 'X (formerly Twitter)',
  };
}

/** The extra image-only attachment Slack adds to tweets with media. */
export function imageOnlyAttachment(fromUrl: string): Record<string, unknown> {
  return {
    fallback: '1200x1200px image',
    image_url: 'https://pbs.twimg.com/media/1.jpg',
    image_width: 1200,
    image_height: 1200,
    image_bytes: 1,
    from_url: fromUrl,
    id: 2,
  };
}

/** A `message_action` (message shortcut) payload, form-encoded as `payload=<json>`. */
export function messageShortcutBody(
  opts: SlackActor & {
    callbackId: string;
    message: SlackMessagePayload;
    responseUrl: string;
    channelId?: string;
    channelName?: string;
  },
): string {
  const payload = {
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: nowTs(),
    team: { id: opts.teamId, domain: opts.teamDomain ?? 'sandbox' },
    user: {
      id: opts.userId,
      username: opts.userName ?? 'sandbox-user',
      name: opts.userName ?? 'sandbox-user',
      team_id: opts.teamId,
    },
    channel: { id: opts.channelId ?? 'C0SANDBOX1', name: opts.channelName ?? 'general' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: triggerId(),
    response_url: opts.responseUrl,
    message_ts: opts.message.ts,
    message: opts.message,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A `message.im` event: a user writing to the app in its Messages tab. */
export function imMessageEvent(opts: {
  userId: string;
  teamId: string;
  channel: string;
  text: string;
  attachments?: Record<string, unknown>[];
}): Record<string, unknown> {
  const message = userMessage(opts);
  return { ...message, channel: opts.channel, event_ts: message.ts, channel_type: 'im' };
}

/** The bot's own message echoed back as a `message.im` event (which the app must ignore). */
export function botImMessageEvent(opts: {
  botUserId: string;
  botId: string;
  teamId: string;
  channel: string;
  text: string;
}): Record<string, unknown> {
  const ts = nowTs();
  return {
    type: 'message',
    text: opts.text,
    user: opts.botUserId,
    bot_id: opts.botId,
    app_id: API_APP_ID,
    ts,
    team: opts.teamId,
    bot_profile: { id: opts.botId, app_id: API_APP_ID, name: 'Save to Notion', team_id: opts.teamId },
    channel: opts.channel,
    event_ts: ts,
    channel_type: 'im',
  };
}

/** An `app_home_opened` event for the Home tab. */
export function appHomeOpenedEvent(opts: { userId: string; channel: string }): Record<string, unknown> {
  return { type: 'app_home_opened', user: opts.userId, channel: opts.channel, tab: 'home', event_ts: nowTs() };
}

/** An Events API `event_callback` envelope (JSON), with `event_id`, `event_time` and `authorizations`. */
export function eventCallbackBody(opts: {
  teamId: string;
  botUserId: string;
  event: Record<string, unknown>;
  eventId?: string;
  eventTime?: number;
}): string {
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: opts.teamId,
    context_team_id: opts.teamId,
    context_enterprise_id: null,
    api_app_id: API_APP_ID,
    event: opts.event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${rand(5).toUpperCase()}`,
    event_time: opts.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: opts.teamId,
        user_id: opts.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${rand(12)}`,
  });
}

/**
 * A `block_actions` payload for a static_select choice (the table picker), form-encoded as
 * `payload=<json>`. `where: 'message'` (a DM or ephemeral message, with a response_url) or
 * `'home'` (the Home tab: a view container and no response_url, as Slack sends it).
 */
export function staticSelectActionBody(
  opts: SlackActor & {
    actionId: string;
    blockId?: string;
    value: string;
    label?: string;
    where?: 'message' | 'home';
    responseUrl?: string;
    channelId?: string;
    messageTs?: string;
  },
): string {
  const where = opts.where ?? 'message';
  const channelId = opts.channelId ?? 'D0SANDBOX1';
  const messageTs = opts.messageTs ?? nowTs();
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: {
      id: opts.userId,
      username: opts.userName ?? 'sandbox-user',
      name: opts.userName ?? 'sandbox-user',
      team_id: opts.teamId,
    },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId(),
    team: { id: opts.teamId, domain: opts.teamDomain ?? 'sandbox' },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [
      {
        type: 'static_select',
        action_id: opts.actionId,
        block_id: opts.blockId ?? 'table_picker',
        selected_option: {
          text: { type: 'plain_text', text: opts.label ?? opts.value, emoji: true },
          value: opts.value,
        },
        placeholder: { type: 'plain_text', text: 'Pick a table', emoji: true },
        action_ts: nowTs(),
      },
    ],
  };
  if (where === 'message') {
    payload.container = { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false };
    payload.channel = { id: channelId, name: 'directmessage' };
    payload.message = {
      type: 'message',
      user: 'U0SANDBOT',
      ts: messageTs,
      bot_id: 'B0SANDBOT',
      text: 'Pick a table',
      team: opts.teamId,
    };
    if (opts.responseUrl) payload.response_url = opts.responseUrl;
  } else {
    const viewId = `V${rand(5).toUpperCase()}`;
    payload.container = { type: 'view', view_id: viewId };
    payload.view = {
      id: viewId,
      team_id: opts.teamId,
      type: 'home',
      blocks: [],
      state: { values: {} },
      hash: rand(8),
      app_id: API_APP_ID,
    };
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Where a clicked button sits, which decides the container Slack reports. */
export type ButtonLocation =
  /** An ephemeral message (a slash command or shortcut answer): Slack cannot show it back, so no `message`. */
  | { kind: 'ephemeral'; channelId: string; messageTs?: string }
  /** A posted message (e.g. in the app's DM): `message` is the one that holds the button. */
  | {
      kind: 'message';
      channelId: string;
      messageTs: string;
      message?: { text?: string | undefined; blocks?: unknown[] | undefined };
    };

/**
 * A `view_submission` payload for a modal the app opened, form-encoded as `payload=<json>`, as Slack sends it: the
 * view as stored (id, callback_id, private_metadata, blocks) with `state.values[block_id][action_id]` holding what the
 * user typed in each plain_text_input.
 */
export function viewSubmissionBody(
  opts: SlackActor & { view: { id: string; view: Record<string, unknown> }; values: Record<string, string> },
): string {
  const blocks =
    (opts.view.view.blocks as { type?: string; block_id?: string; element?: { action_id?: string } }[] | undefined) ??
    [];
  const values: Record<string, Record<string, { type: string; value: string | null }>> = {};
  for (const block of blocks) {
    if (block.type !== 'input' || !block.block_id || !block.element?.action_id) continue;
    values[block.block_id] = {
      [block.element.action_id]: { type: 'plain_text_input', value: opts.values[block.block_id] ?? null },
    };
  }
  const payload = {
    type: 'view_submission',
    team: { id: opts.teamId, domain: opts.teamDomain ?? 'sandbox' },
    user: {
      id: opts.userId,
      username: opts.userName ?? 'sandbox-user',
      name: opts.userName ?? 'sandbox-user',
      team_id: opts.teamId,
    },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId(),
    view: {
      ...opts.view.view,
      id: opts.view.id,
      team_id: opts.teamId,
      state: { values },
      hash: rand(8),
      app_id: API_APP_ID,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * A `block_actions` payload for a button click, form-encoded as `payload=<json>`, as Slack sends
 * it: `container: {type: "message", message_ts, channel_id, is_ephemeral}`, `channel`, the
 * `response_url` that can replace (or answer privately to) that same message, and the button
 * as `{type: "button", action_id, block_id, text, value, action_ts}`.
 */
export function buttonActionBody(
  opts: SlackActor & {
    actionId: string;
    value: string;
    where: ButtonLocation;
    responseUrl: string;
    blockId?: string;
    label?: string;
  },
): string {
  const { where } = opts;
  const messageTs = where.messageTs ?? nowTs();
  const isIm = where.channelId.startsWith('D');
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: {
      id: opts.userId,
      username: opts.userName ?? 'sandbox-user',
      name: opts.userName ?? 'sandbox-user',
      team_id: opts.teamId,
    },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: where.channelId,
      is_ephemeral: where.kind === 'ephemeral',
    },
    trigger_id: triggerId(),
    team: { id: opts.teamId, domain: opts.teamDomain ?? 'sandbox' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: where.channelId, name: isIm ? 'directmessage' : 'general' },
    state: { values: {} },
    response_url: opts.responseUrl,
    actions: [
      {
        action_id: opts.actionId,
        block_id: opts.blockId ?? rand(3),
        text: { type: 'plain_text', text: opts.label ?? opts.actionId, emoji: true },
        value: opts.value,
        type: 'button',
        action_ts: nowTs(),
      },
    ],
  };
  if (where.kind === 'message') {
    payload.message = {
      type: 'message',
      user: 'U0SANDBOT',
      bot_id: 'B0SANDBOT',
      ts: messageTs,
      text: where.message?.text ?? '',
      team: opts.teamId,
      ...(where.message?.blocks ? { blocks: where.message.blocks } : {}),
    };
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
