import { COMMANDS, SAVE_SHORTCUT_CALLBACK_ID, SAVE_THREAD_SHORTCUT_CALLBACK_ID } from '../../bots/slack/constants.js';
import { escapeMrkdwn } from '../../bots/slack/slack-formatter.js';
import type { Logger } from '../../log.js';
import type { NotionSandbox } from '../notion/notion-sandbox.js';
import type { SandboxTweet } from '../oembed/oembed-sandbox.js';
import type { ExampleMessage, SeededTable } from '../sandbox-seed.js';
import {
  eventCallbackBody,
  imMessageEvent,
  messageShortcutBody,
  slashCommandBody,
  staticSelectActionBody,
  userMessage,
  viewSubmissionBody,
  xTweetAttachment,
  type SlackActor,
  type SlackMessagePayload,
} from '../slack/payloads.js';
import { sendSignedRequest } from '../slack/sign-request.js';
import type { SlackSandbox } from '../slack/slack-sandbox.js';
import {
  messageItem,
  notionLinks,
  tableItem,
  VISITOR_NAME,
  type MessageBody,
  type ModalView,
  type SandboxView,
  type ShownMessage,
  type ShownTable,
} from './sandbox-views.js';

export type { ModalView, SandboxView, ViewItem } from './sandbox-views.js';

/**
 * The sandbox page's Slack client: what the visitor sees in #general and in the bot's DM, and the
 * signed requests their clicks become. Commands, shortcuts and block actions are built with the real
 * payload builders, signed with the signing secret and POSTed to the product's own `/slack/events`,
 * exactly as Slack would; what the bot answers is read back from the Slack emulation. The session
 * decides what is shown and in which order; `sandbox-views.ts` turns that into HTML.
 */

type Entry =
  | { kind: 'message'; id: string; at: number; author: { userId: string; name: string }; message: SlackMessagePayload }
  | { kind: 'command'; id: string; at: number; text: string; ack?: MessageBody; responseIds: string[]; note?: string }
  /** A shortcut or picker use: nothing shows in the channel but the bot's answers. */
  | { kind: 'invocation'; id: string; at: number; responseIds: string[]; note?: string };

/** A message the visitor sent the app in its DM. */
interface VisitorDm {
  key: string;
  at: number;
  /** As Slack stores it (mrkdwn, links as `<url>`). */
  text: string;
  /** The link preview the page shows under it (Slack adds one to a known tweet's link). */
  attachments: Record<string, unknown>[];
  note?: string;
}

/** Where an answer to a response_url handed out for a block action goes. */
interface ActionOrigin {
  messageKey: string;
  place: 'dm' | 'channel';
}

export interface SandboxSessionOptions {
  slack: SlackSandbox;
  notion: NotionSandbox;
  signingSecret: string;
  /** The product's own request URL (resolved once it listens). */
  eventsUrl: () => string;
  /** The visitor, as Slack identifies them. */
  actor: SlackActor & { userName: string };
  channel: { id: string; name: string };
  examples: ExampleMessage[];
  /** Tweets the oEmbed emulation knows: a message linking one gets an unfurl, as in Slack. */
  tweets: Record<string, SandboxTweet>;
  log: Logger;
  now?: () => number;
}

export interface ActionResult {
  ok: boolean;
  /** Why nothing was sent, for the page to show. */
  error?: string;
}

const MAX_ENTRIES = 300;
const TWEET_LINK = /https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(\w{1,15})\/status(?:es)?\/(\d{1,20})/i;

const responseId = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** Slack's own treatment of a typed message: `&<>` escaped, bare URLs wrapped as `<url>`. */
function slackifyText(text: string): string {
  return escapeMrkdwn(text).replace(/https?:\/\/[^\s<>]+/g, (url) => `<${url}>`);
}

export class SandboxSession {
  private readonly entries: Entry[] = [];
  private readonly actionOrigins = new Map<string, ActionOrigin>();
  /** A replaced (`replace_original`) or deleted message, by key. */
  private readonly overrides = new Map<string, MessageBody | 'deleted'>();
  private readonly firstSeen = new Map<string, number>();
  private readonly visitorDms: VisitorDm[] = [];
  /** The order DMs appeared in, both ways: the bot's (once first seen) and the visitor's (when sent). */
  private readonly dmOrder = new Map<string, number>();
  private counter = 0;
  private readonly now: () => number;

  constructor(private readonly o: SandboxSessionOptions) {
    this.now = o.now ?? Date.now;
    const start = this.now();
    for (const example of o.examples) {
      const at = start - example.minutesAgo * 60_000;
      this.entries.push({
        kind: 'message',
        id: this.nextId('ex'),
        at,
        author: example.author,
        message: userMessage({
          userId: example.author.userId,
          teamId: o.actor.teamId,
          text: example.text,
          attachments: example.attachments,
          ts: `${(at / 1000).toFixed(6)}`,
        }),
      });
    }
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  private push(entry: Entry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  /** Modals (views.open) the visitor submitted or closed. */
  private readonly doneViews = new Set<string>();

  private openModal(): ModalView | undefined {
    const opened = this.o.slack.openedViews.find((v) => !this.doneViews.has(v.id));
    if (!opened) return undefined;
    const text = (x: unknown) => (x && typeof x === 'object' ? String((x as { text?: unknown }).text ?? '') : '');
    const inputs = opened.view.blocks
      .filter((b) => b.type === 'input' && typeof b.block_id === 'string')
      .map((b) => {
        const el = (b.element ?? {}) as { multiline?: unknown; placeholder?: unknown };
        return {
          blockId: b.block_id as string,
          label: text(b.label),
          multiline: el.multiline === true,
          placeholder: text(el.placeholder),
        };
      });
    return { id: opened.id, title: text(opened.view.title), submit: text(opened.view.submit) || 'Submit', inputs };
  }

  /**
   * The visitor submits (or closes) the open modal: a submit is a signed `view_submission` with what they typed; a
   * close sends nothing (the app did not ask to hear of it).
   */
  async submitModal(input: { viewId: string; values?: Record<string, string> | undefined }): Promise<ActionResult> {
    const opened = this.o.slack.openedViews.find((v) => v.id === input.viewId && !this.doneViews.has(v.id));
    if (!opened) return { ok: false, error: 'That form is closed.' };
    this.doneViews.add(opened.id);
    if (!input.values) return { ok: true };
    const { status } = await this.send(viewSubmissionBody({ ...this.o.actor, view: opened, values: input.values }));
    return status === 200 ? { ok: true } : { ok: false, error: `The app answered HTTP ${status}.` };
  }

  private async send(body: string): Promise<{ status: number; ack?: MessageBody }> {
    const res = await sendSignedRequest(this.o.eventsUrl(), body, { signingSecret: this.o.signingSecret });
    const raw = await res.text();
    if (res.status !== 200 || raw.trim() === '') return { status: res.status };
    try {
      const parsed = JSON.parse(raw) as MessageBody;
      return { status: res.status, ack: parsed };
    } catch {
      return { status: res.status };
    }
  }

  private newResponseUrl(): string {
    return this.o.slack.newResponseUrl({ userId: this.o.actor.userId, channelId: this.o.channel.id });
  }

  /**
   * What the visitor typed in #general: a slash command goes to the app as a signed slash-command
   * request; anything else becomes their message in the channel (with an unfurl for known tweets).
   */
  async submit(input: string): Promise<ActionResult> {
    const text = input.trim();
    if (text === '') return { ok: false, error: 'Type a message or a command first.' };
    if (!text.startsWith('/')) {
      const id = tweetIdIn(text);
      const tweet = id ? this.o.tweets[id.statusId] : undefined;
      const attachments =
        id && tweet
          ? [xTweetAttachment({ name: tweet.name, handle: tweet.handle, statusId: id.statusId, text: tweet.text })]
          : undefined;
      const at = this.now();
      this.push({
        kind: 'message',
        id: this.nextId('m'),
        at,
        author: { userId: this.o.actor.userId, name: VISITOR_NAME },
        message: userMessage({
          userId: this.o.actor.userId,
          teamId: this.o.actor.teamId,
          text: slackifyText(text),
          attachments,
          ts: `${(at / 1000).toFixed(6)}`,
        }),
      });
      return { ok: true };
    }
    const command = text.split(/\s+/, 1)[0] ?? '';
    const argText = text.slice(command.length).trim();
    const entry: Extract<Entry, { kind: 'command' }> = {
      kind: 'command',
      id: this.nextId('c'),
      at: this.now(),
      text,
      responseIds: [],
    };
    this.push(entry);
    if (!(Object.values(COMMANDS) as string[]).includes(command)) {
      entry.note = `${command} is not a valid command here. Try ${Object.values(COMMANDS).join(', ')}.`;
      return { ok: true };
    }
    const responseUrl = this.newResponseUrl();
    entry.responseIds.push(responseId(responseUrl));
    const { status, ack } = await this.send(
      slashCommandBody({
        ...this.o.actor,
        command,
        text: argText,
        responseUrl,
        channelId: this.o.channel.id,
        channelName: this.o.channel.name,
      }),
    );
    if (status !== 200) entry.note = `The app answered HTTP ${status}.`;
    if (ack && (ack.text || ack.blocks)) entry.ack = ack;
    return { ok: true };
  }

  /**
   * What the visitor typed in the app's DM (its Messages tab): a `message.im` event in a signed
   * `event_callback` to `/slack/events`, as Slack's Events API sends it. Like Slack's first delivery,
   * the event carries no link preview yet (Slack adds it later with `message_changed`, which the app
   * ignores); the page shows the preview under the visitor's message, as Slack does. The bot answers
   * in the DM with chat.postMessage.
   */
  async directMessage(input: string): Promise<ActionResult> {
    const text = input.trim();
    if (text === '') return { ok: false, error: 'Type a message first.' };
    if (text.startsWith('/'))
      return { ok: false, error: 'Send commands in the #general message box. Here, send the app a tweet link.' };
    // Whatever the bot sent before this message is shown above it.
    this.orderDms();
    const channel = this.o.slack.imChannelFor(this.o.actor.userId);
    const event = imMessageEvent({
      userId: this.o.actor.userId,
      teamId: this.o.actor.teamId,
      channel,
      text: slackifyText(text),
    });
    const id = tweetIdIn(text);
    const tweet = id ? this.o.tweets[id.statusId] : undefined;
    const dm: VisitorDm = {
      key: `you:${this.nextId('d')}`,
      at: this.now(),
      text: String(event.text),
      attachments:
        id && tweet
          ? [xTweetAttachment({ name: tweet.name, handle: tweet.handle, statusId: id.statusId, text: tweet.text })]
          : [],
    };
    this.visitorDms.push(dm);
    if (this.visitorDms.length > MAX_ENTRIES) this.visitorDms.splice(0, this.visitorDms.length - MAX_ENTRIES);
    this.orderOf(dm.key);
    const { status } = await this.send(
      eventCallbackBody({ teamId: this.o.actor.teamId, botUserId: this.botUserId(), event }),
    );
    if (status !== 200) dm.note = `The app answered HTTP ${status}.`;
    return { ok: true };
  }

  /** The app's bot user in the visitor's workspace: its installation's (distribution mode), else the single one. */
  private botUserId(): string {
    const installed = this.o.slack
      .installations()
      .find((i) => !i.revoked && !i.isEnterpriseInstall && i.teamId === this.o.actor.teamId);
    return installed?.botUserId ?? this.o.slack.botUserId;
  }

  /** "Save to Notion" on a message in #general: a signed `message_action` for the message shortcut. */
  async shortcut(messageId: string, thread = false): Promise<ActionResult> {
    const target = this.entries.find(
      (e): e is Extract<Entry, { kind: 'message' }> => e.kind === 'message' && e.id === messageId,
    );
    if (!target) return { ok: false, error: 'That message is gone.' };
    const responseUrl = this.newResponseUrl();
    const entry: Extract<Entry, { kind: 'invocation' }> = {
      kind: 'invocation',
      id: this.nextId('s'),
      at: this.now(),
      responseIds: [responseId(responseUrl)],
    };
    this.push(entry);
    const { status } = await this.send(
      messageShortcutBody({
        ...this.o.actor,
        callbackId: thread ? SAVE_THREAD_SHORTCUT_CALLBACK_ID : SAVE_SHORTCUT_CALLBACK_ID,
        message: target.message,
        responseUrl,
        channelId: this.o.channel.id,
        channelName: this.o.channel.name,
      }),
    );
    if (status !== 200) entry.note = `The app answered HTTP ${status}.`;
    return { ok: true };
  }

  /**
   * A click on a button without a URL (Undo, Save again, Create a table) or a choice in a
   * static_select (the table picker) in a message the page shows: a signed `block_actions` payload
   * with a response_url whose answers replace, delete or follow that message. The element is looked
   * up in the message as shown, so the page can only trigger what the bot actually offered.
   */
  async blockAction(input: {
    messageKey: string;
    actionId: string;
    value?: string | undefined;
  }): Promise<ActionResult> {
    const message = this.messageByKey(input.messageKey);
    const found = message && findActionElement(message, input.actionId, input.value);
    if (!found) return { ok: false, error: 'That button or choice is not offered any more.' };
    const place = input.messageKey.startsWith('dm:') ? 'dm' : 'channel';
    const channelId = place === 'dm' ? this.o.slack.imChannelFor(this.o.actor.userId) : this.o.channel.id;
    const responseUrl = this.o.slack.newResponseUrl({ userId: this.o.actor.userId, channelId });
    const id = responseId(responseUrl);
    this.actionOrigins.set(id, { messageKey: input.messageKey, place });
    const entry: Extract<Entry, { kind: 'invocation' }> = {
      kind: 'invocation',
      id: this.nextId('a'),
      at: this.now(),
      responseIds: place === 'channel' ? [id] : [],
    };
    this.push(entry);
    const messageTs = place === 'dm' ? input.messageKey.slice(3) : `${(entry.at / 1000).toFixed(6)}`;
    const selectBody = staticSelectActionBody({
      ...this.o.actor,
      actionId: input.actionId,
      blockId: found.blockId,
      value: found.value,
      label: found.label,
      where: 'message',
      responseUrl,
      channelId,
      messageTs,
    });
    const body = found.type === 'button' ? asButtonClick(selectBody, found) : selectBody;
    const { status } = await this.send(body);
    if (status !== 200) entry.note = `The app answered HTTP ${status}.`;
    return { ok: true };
  }

  /** The DMs the bot posted to the visitor, in order. */
  private dmMessages(): { ts: string; body: MessageBody }[] {
    const im = this.o.slack.imChannelFor(this.o.actor.userId);
    return this.o.slack
      .messagesTo(this.o.actor.userId)
      .filter((m) => m.via === 'chat.postMessage' && m.channel === im && m.ts !== undefined)
      .map((m) => ({ ts: m.ts!, body: { text: m.text, blocks: m.blocks } }));
  }

  /** Answers POSTed to one response_url, in order; for a block action, those that replaced or deleted its message are left out. */
  private answers(id: string): MessageBody[] {
    const pick = this.actionOrigins.has(id);
    return this.o.slack.responses
      .filter((r) => r.id === id && !(pick && (r.body.replace_original === true || r.body.delete_original === true)))
      .map((r) => ({ text: r.body.text, blocks: r.body.blocks }));
  }

  /** The message currently shown under a key, after any replacement. */
  private messageByKey(key: string): MessageBody | undefined {
    const override = this.overrides.get(key);
    if (override === 'deleted') return undefined;
    if (override) return override;
    if (key.startsWith('dm:')) return this.dmMessages().find((m) => `dm:${m.ts}` === key)?.body;
    const ack = /^ack:(.+)$/.exec(key);
    if (ack) {
      const entry = this.entries.find((e) => e.id === ack[1]);
      return entry?.kind === 'command' ? entry.ack : undefined;
    }
    const eph = /^eph:([^:]+):(\d+)$/.exec(key);
    return eph ? this.answers(eph[1]!)[Number(eph[2])] : undefined;
  }

  /** Applies `replace_original` / `delete_original` answers to the messages acted on; returns the DM answers that did neither. */
  private applyActionAnswers(): { place: 'dm' | 'channel'; id: string; body: MessageBody }[] {
    const extra: { place: 'dm' | 'channel'; id: string; body: MessageBody }[] = [];
    const responses = this.o.slack.responses;
    responses.forEach((r, index) => {
      const origin = this.actionOrigins.get(r.id);
      if (!origin) return;
      const body = r.body;
      if (body.delete_original === true) this.overrides.set(origin.messageKey, 'deleted');
      else if (body.replace_original === true)
        this.overrides.set(origin.messageKey, { text: body.text, blocks: body.blocks });
      else if (origin.place === 'dm')
        extra.push({ place: 'dm', id: `dmr:${r.id}:${index}`, body: { text: body.text, blocks: body.blocks } });
    });
    return extra;
  }

  private orderOf(key: string): number {
    let n = this.dmOrder.get(key);
    if (n === undefined) {
      n = this.dmOrder.size;
      this.dmOrder.set(key, n);
    }
    return n;
  }

  /** Numbers the bot's DMs not seen yet, in the order Slack delivered them. */
  private orderDms(): void {
    for (const m of this.dmMessages()) this.orderOf(`dm:${m.ts}`);
    for (const x of this.applyActionAnswers()) this.orderOf(x.id);
  }

  private seen(key: string): number {
    let at = this.firstSeen.get(key);
    if (at === undefined) {
      at = this.now();
      this.firstSeen.set(key, at);
    }
    return at;
  }

  /** Everything the page shows, rendered to escaped HTML per message. */
  view(): SandboxView {
    const tables: ShownTable[] = this.tables().map((table) => ({
      table,
      rows: this.o.notion.rows(table.dataSourceId),
    }));
    const links = notionLinks(tables);
    const extra = this.applyActionAnswers();
    const channel: ShownMessage[] = [];
    const app = (key: string, body: MessageBody, at: number, ephemeral: boolean): ShownMessage | undefined => {
      const override = this.overrides.get(key);
      if (override === 'deleted') return undefined;
      return { kind: 'app', key, at, body: override ?? body, ephemeral, inDms: key.startsWith('dm') };
    };

    for (const e of this.entries) {
      if (e.kind === 'message') {
        const attachments = e.message.attachments ?? [];
        channel.push({
          kind: 'person',
          key: e.id,
          author: e.author.name,
          at: e.at,
          text: e.message.text,
          attachments,
          shortcut: true,
          own: false,
        });
        continue;
      }
      if (e.kind === 'command') {
        channel.push({ kind: 'command', key: e.id, at: e.at, text: e.text });
        if (e.ack) {
          const shown = app(`ack:${e.id}`, e.ack, e.at, true);
          if (shown) channel.push(shown);
        }
      }
      for (const id of e.responseIds) {
        this.answers(id).forEach((body, n) => {
          const key = `eph:${id}:${n}`;
          const shown = app(key, body, this.seen(key), true);
          if (shown) channel.push(shown);
        });
      }
      if (e.note) channel.push({ kind: 'note', key: `note:${e.id}`, at: e.at, text: e.note });
    }

    const dms: { order: number; shown: ShownMessage }[] = [];
    for (const m of this.dmMessages()) {
      const key = `dm:${m.ts}`;
      const shown = app(key, m.body, Math.round(Number(m.ts) * 1000) || this.now(), false);
      if (shown) dms.push({ order: this.orderOf(key), shown });
    }
    for (const x of extra) {
      const shown = app(x.id, x.body, this.seen(x.id), true);
      if (shown) dms.push({ order: this.orderOf(x.id), shown });
    }
    for (const dm of this.visitorDms) {
      const order = this.orderOf(dm.key);
      dms.push({
        order,
        shown: {
          kind: 'person',
          key: dm.key,
          author: VISITOR_NAME,
          at: dm.at,
          text: dm.text,
          attachments: dm.attachments,
          shortcut: false,
          own: true,
        },
      });
      if (dm.note) dms.push({ order, shown: { kind: 'note', key: `note:${dm.key}`, at: dm.at, text: dm.note } });
    }

    // A stable sort: a note stays right after its message.
    dms.sort((a, b) => a.order - b.order);
    const modal = this.openModal();
    return {
      channel: channel.map((m) => messageItem(m, links)),
      dms: dms.map((d) => messageItem(d.shown, links)),
      tables: tables.map(tableItem),
      ...(modal ? { modal } : {}),
    };
  }

  /** Every table in the emulated Notion, including ones the bot created ("Create a Tweets table"), title column first. */
  private tables(): SeededTable[] {
    return this.o.notion.workspaces().flatMap((ws) =>
      this.o.notion.tables(ws.id).map((t) => ({
        dataSourceId: t.dataSourceId,
        databaseId: t.databaseId,
        databaseUrl: t.url,
        title: t.title,
        workspace: ws.name,
        parentPage: t.parentPage ? t.parentPage.title || 'Untitled' : undefined,
        columns: [...t.columns.filter((c) => c.type === 'title'), ...t.columns.filter((c) => c.type !== 'title')],
      })),
    );
  }
}

function tweetIdIn(text: string): { handle: string; statusId: string } | undefined {
  const m = TWEET_LINK.exec(text);
  return m ? { handle: m[1]!, statusId: m[2]! } : undefined;
}

/** An interactive element the bot put in a message: a button without a URL, or a static_select option. */
interface ActionElement {
  type: 'button' | 'static_select';
  blockId: string;
  value: string;
  label: string;
  style?: string | undefined;
}

function findActionElement(
  message: MessageBody,
  actionId: string,
  value: string | undefined,
): ActionElement | undefined {
  type El = {
    type?: string;
    action_id?: string;
    url?: string;
    value?: string;
    style?: string;
    text?: { text?: string };
    options?: { value?: string; text?: { text?: string } }[];
  };
  for (const block of message.blocks ?? []) {
    const b = block as { type?: string; block_id?: string; elements?: El[] };
    if (b.type !== 'actions') continue;
    for (const el of b.elements ?? []) {
      if (el.action_id !== actionId) continue;
      const blockId = b.block_id ?? 'actions';
      if (el.type === 'button' && !el.url)
        return { type: 'button', blockId, value: el.value ?? '', label: el.text?.text ?? '', style: el.style };
      if (el.type === 'static_select' && value !== undefined) {
        const option = (el.options ?? []).find((o) => o.value === value);
        if (option) return { type: 'static_select', blockId, value, label: option.text?.text ?? value };
      }
    }
  }
  return undefined;
}

/**
 * Turns a `block_actions` body built by `staticSelectActionBody` into a button click: same envelope
 * (user, team, container, channel, message, response_url), with the action as Slack sends a button.
 */
function asButtonClick(selectBody: string, button: ActionElement): string {
  const payload = JSON.parse(new URLSearchParams(selectBody).get('payload') ?? '{}') as {
    actions?: Record<string, unknown>[];
  };
  const action = payload.actions?.[0] ?? {};
  payload.actions = [
    {
      type: 'button',
      action_id: action.action_id,
      block_id: action.block_id,
      text: { type: 'plain_text', text: button.label, emoji: true },
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
      action_ts: action.action_ts,
    },
  ];
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
