import { COMMANDS, SAVE_SHORTCUT_CALLBACK_ID, SAVE_THREAD_SHORTCUT_CALLBACK_ID } from '../../bots/slack/constants.js';
import { escapeMrkdwn } from '../../bots/slack/slack-formatter.js';
import type { Logger } from '../../log.js';
import type { NotionSandbox } from '../notion/notion-sandbox.js';
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
import type { SandboxTweet } from '../oembed/oembed-sandbox.js';
import { renderAttachment, renderMessageBody } from './block-kit-html.js';
import { escapeHtml, mrkdwnToHtml, type LinkTarget, type MrkdwnOptions } from './mrkdwn.js';

/**
 * The sandbox page's Slack client: what the visitor sees in #general and in the bot's DM, and the
 * signed requests their clicks become. Commands, shortcuts and block actions are built with the real
 * payload builders, signed with the signing secret and POSTed to the product's own `/slack/events`,
 * exactly as Slack would; what the bot answers is read back from the Slack emulation.
 */

/** A message body as Slack stores it (an ack, a response_url answer, a DM). */
interface MessageBody {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
}

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

/** One message in a list on the page: a stable id and its (escaped) HTML. */
export interface ViewItem {
  id: string;
  html: string;
}

/** Everything the page shows, polled as JSON. */
export interface SandboxView {
  channel: ViewItem[];
  dms: ViewItem[];
  tables: ViewItem[];
  /** A modal the app opened (views.open) and the visitor has not submitted or closed yet. */
  modal?: ModalView | undefined;
}

/** An opened modal as the page shows it: its plain-text inputs. */
export interface ModalView {
  id: string;
  title: string;
  submit: string;
  inputs: { blockId: string; label: string; multiline: boolean; placeholder: string }[];
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
const APP_NAME = 'Save to Notion';
/** How the visitor's own messages are signed on the page. */
const VISITOR_NAME = 'You';
const TWEET_LINK = /https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(\w{1,15})\/status(?:es)?\/(\d{1,20})/i;

const responseId = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const initials = (name: string) => name.replace(/[^\p{L}\p{N} ]/gu, '').split(' ').filter(Boolean).map((w) => w[0]!.toUpperCase()).join('').slice(0, 2) || '?';
const timeLabel = (ms: number) => new Date(ms).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });

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
        message: userMessage({ userId: example.author.userId, teamId: o.actor.teamId, text: example.text, attachments: example.attachments, ts: `${(at / 1000).toFixed(6)}` }),
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
        return { blockId: b.block_id as string, label: text(b.label), multiline: el.multiline === true, placeholder: text(el.placeholder) };
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
      const attachments = id && tweet ? [xTweetAttachment({ name: tweet.name, handle: tweet.handle, statusId: id.statusId, text: tweet.text })] : undefined;
      const at = this.now();
      this.push({
        kind: 'message',
        id: this.nextId('m'),
        at,
        author: { userId: this.o.actor.userId, name: VISITOR_NAME },
        message: userMessage({ userId: this.o.actor.userId, teamId: this.o.actor.teamId, text: slackifyText(text), attachments, ts: `${(at / 1000).toFixed(6)}` }),
      });
      return { ok: true };
    }
    const command = text.split(/\s+/, 1)[0] ?? '';
    const argText = text.slice(command.length).trim();
    const entry: Extract<Entry, { kind: 'command' }> = { kind: 'command', id: this.nextId('c'), at: this.now(), text, responseIds: [] };
    this.push(entry);
    if (!(Object.values(COMMANDS) as string[]).includes(command)) {
      entry.note = `${command} is not a valid command here. Try ${Object.values(COMMANDS).join(', ')}.`;
      return { ok: true };
    }
    const responseUrl = this.newResponseUrl();
    entry.responseIds.push(responseId(responseUrl));
    const { status, ack } = await this.send(
      slashCommandBody({ ...this.o.actor, command, text: argText, responseUrl, channelId: this.o.channel.id, channelName: this.o.channel.name }),
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
    if (text.startsWith('/')) return { ok: false, error: 'Send commands in the #general message box. Here, send the app a tweet link.' };
    // Whatever the bot sent before this message is shown above it.
    this.orderDms();
    const channel = this.o.slack.imChannelFor(this.o.actor.userId);
    const event = imMessageEvent({ userId: this.o.actor.userId, teamId: this.o.actor.teamId, channel, text: slackifyText(text) });
    const id = tweetIdIn(text);
    const tweet = id ? this.o.tweets[id.statusId] : undefined;
    const dm: VisitorDm = {
      key: `you:${this.nextId('d')}`,
      at: this.now(),
      text: String(event.text),
      attachments: id && tweet ? [xTweetAttachment({ name: tweet.name, handle: tweet.handle, statusId: id.statusId, text: tweet.text })] : [],
    };
    this.visitorDms.push(dm);
    if (this.visitorDms.length > MAX_ENTRIES) this.visitorDms.splice(0, this.visitorDms.length - MAX_ENTRIES);
    this.orderOf(dm.key);
    const { status } = await this.send(eventCallbackBody({ teamId: this.o.actor.teamId, botUserId: this.o.slack.botUserId, event }));
    if (status !== 200) dm.note = `The app answered HTTP ${status}.`;
    return { ok: true };
  }

  /** "Save to Notion" on a message in #general: a signed `message_action` for the message shortcut. */
  async shortcut(messageId: string, thread = false): Promise<ActionResult> {
    const target = this.entries.find((e): e is Extract<Entry, { kind: 'message' }> => e.kind === 'message' && e.id === messageId);
    if (!target) return { ok: false, error: 'That message is gone.' };
    const responseUrl = this.newResponseUrl();
    const entry: Extract<Entry, { kind: 'invocation' }> = { kind: 'invocation', id: this.nextId('s'), at: this.now(), responseIds: [responseId(responseUrl)] };
    this.push(entry);
    const { status } = await this.send(
      messageShortcutBody({ ...this.o.actor, callbackId: thread ? SAVE_THREAD_SHORTCUT_CALLBACK_ID : SAVE_SHORTCUT_CALLBACK_ID, message: target.message, responseUrl, channelId: this.o.channel.id, channelName: this.o.channel.name }),
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
  async blockAction(input: { messageKey: string; actionId: string; value?: string | undefined }): Promise<ActionResult> {
    const message = this.messageByKey(input.messageKey);
    const found = message && findActionElement(message, input.actionId, input.value);
    if (!found) return { ok: false, error: 'That button or choice is not offered any more.' };
    const place = input.messageKey.startsWith('dm:') ? 'dm' : 'channel';
    const channelId = place === 'dm' ? this.o.slack.imChannelFor(this.o.actor.userId) : this.o.channel.id;
    const responseUrl = this.o.slack.newResponseUrl({ userId: this.o.actor.userId, channelId });
    const id = responseId(responseUrl);
    this.actionOrigins.set(id, { messageKey: input.messageKey, place });
    const entry: Extract<Entry, { kind: 'invocation' }> = { kind: 'invocation', id: this.nextId('a'), at: this.now(), responseIds: place === 'channel' ? [id] : [] };
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
      else if (body.replace_original === true) this.overrides.set(origin.messageKey, { text: body.text, blocks: body.blocks });
      else if (origin.place === 'dm') extra.push({ place: 'dm', id: `dmr:${r.id}:${index}`, body: { text: body.text, blocks: body.blocks } });
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

  /**
   * Links to Notion objects stay on the page, whose Notion pane shows the emulated workspace (the
   * objects are not on notion.so): a row's URL jumps to its row, a table's (its database's or its
   * data source's URL, in any form Notion writes it) to that table, and any other Notion object (a
   * page, a trashed row) to the pane. Other links open in a new tab.
   */
  private linkOptions(tables: SeededTable[]): MrkdwnOptions {
    const local = new Map<string, string>();
    for (const t of tables) {
      const table = `#table-${t.dataSourceId}`;
      local.set(compactId(t.databaseId), table);
      local.set(compactId(t.dataSourceId), table);
      for (const row of this.o.notion.rows(t.dataSourceId)) local.set(compactId(row.id), row.inTrash ? table : `#row-${row.id}`);
    }
    return {
      link: (url: string): LinkTarget => {
        const id = notionObjectId(url);
        return id === undefined ? { href: url, newTab: true } : { href: local.get(id) ?? '#notion', newTab: false };
      },
    };
  }

  /** Everything the page shows, rendered to escaped HTML per message. */
  view(): SandboxView {
    const tables = this.tables();
    const links = this.linkOptions(tables);
    const extra = this.applyActionAnswers();
    const channel: ViewItem[] = [];
    const bot = (key: string, body: MessageBody, at: number, ephemeral: boolean): ViewItem | undefined => {
      const override = this.overrides.get(key);
      if (override === 'deleted') return undefined;
      const shown = override ?? body;
      const rendered = renderMessageBody(shown, { ...links, messageKey: key });
      return { id: key, html: messageHtml({ key, author: APP_NAME, app: true, at, ephemeral, body: key.startsWith('dm') ? rendered : linkToDms(rendered) }) };
    };
    const note = (key: string, text: string, at: number): ViewItem => ({
      id: key,
      html: messageHtml({ key, author: 'Slackbot (sandbox)', app: false, at, ephemeral: true, body: `<div class="bk-section">${escapeHtml(text)}</div>` }),
    });

    for (const e of this.entries) {
      if (e.kind === 'message') {
        const attachments = (e.message.attachments ?? []).map((a) => renderAttachment(a, links)).join('');
        channel.push({
          id: e.id,
          html: messageHtml({
            key: e.id,
            author: e.author.name,
            app: false,
            at: e.at,
            ephemeral: false,
            body: `<div class="bk-section">${mrkdwnToHtml(e.message.text, links)}</div>${attachments}`,
            shortcutFor: e.id,
          }),
        });
        continue;
      }
      if (e.kind === 'command') {
        channel.push({
          id: e.id,
          html: messageHtml({ key: e.id, author: VISITOR_NAME, app: false, at: e.at, ephemeral: false, body: `<div class="bk-section command-text"><code>${escapeHtml(e.text)}</code></div>` }),
        });
        if (e.ack) {
          const item = bot(`ack:${e.id}`, e.ack, e.at, true);
          if (item) channel.push(item);
        }
      }
      for (const id of e.responseIds) {
        this.answers(id).forEach((body, n) => {
          const key = `eph:${id}:${n}`;
          const item = bot(key, body, this.seen(key), true);
          if (item) channel.push(item);
        });
      }
      if (e.note) channel.push(note(`note:${e.id}`, e.note, e.at));
    }

    const dms: { order: number; item: ViewItem }[] = [];
    for (const m of this.dmMessages()) {
      const key = `dm:${m.ts}`;
      const item = bot(key, m.body, Math.round(Number(m.ts) * 1000) || this.now(), false);
      if (item) dms.push({ order: this.orderOf(key), item });
    }
    for (const x of extra) {
      const item = bot(x.id, x.body, this.seen(x.id), true);
      if (item) dms.push({ order: this.orderOf(x.id), item });
    }
    for (const dm of this.visitorDms) {
      const attachments = dm.attachments.map((a) => renderAttachment(a, links)).join('');
      const html = messageHtml({ key: dm.key, author: VISITOR_NAME, own: true, app: false, at: dm.at, ephemeral: false, body: `<div class="bk-section">${mrkdwnToHtml(dm.text, links)}</div>${attachments}` });
      const order = this.orderOf(dm.key);
      dms.push({ order, item: { id: dm.key, html } });
      if (dm.note) dms.push({ order, item: note(`note:${dm.key}`, dm.note, dm.at) });
    }

    // A stable sort: a note stays right after its message.
    dms.sort((a, b) => a.order - b.order);
    const modal = this.openModal();
    return {
      channel,
      dms: dms.map((d) => d.item),
      tables: tables.map((t) => ({ id: `table-${t.dataSourceId}`, html: this.tableHtml(t) })),
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

  private tableHtml(t: SeededTable): string {
    const rows = this.o.notion.rows(t.dataSourceId).filter((r) => !r.inTrash);
    const head = t.columns.map((c) => `<th scope="col"><span class="col-type" aria-hidden="true">${COLUMN_ICONS[c.type] ?? ''}</span>${escapeHtml(c.name)}</th>`).join('');
    const body = rows.length
      ? rows
          .map((r) => {
            const cells = t.columns
              .map((c, i) => {
                const value = propertyText(r.properties[c.name]);
                const html =
                  c.type === 'url' && /^https?:\/\//i.test(value)
                    ? `<a href="${escapeHtml(value)}" title="${escapeHtml(value)}" target="_blank" rel="noopener noreferrer">${escapeHtml(value.replace(/^https?:\/\/(www\.)?/i, ''))}</a>`
                    : escapeHtml(value);
                return i === 0 ? `<th scope="row">${html}</th>` : `<td class="col-${escapeHtml(c.type)}">${html}</td>`;
              })
              .join('');
            return `<tr id="row-${escapeHtml(r.id)}">${cells}</tr>`;
          })
          .join('')
      : `<tr class="empty"><td colspan="${t.columns.length}">No rows yet. Saved tweets appear here.</td></tr>`;
    const count = `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`;
    // Two tables may have the same title (a "Tweets" the bot created in a page beside the seeded one): the page tells them apart.
    const where = t.parentPage === undefined ? t.workspace : `${t.parentPage}, ${t.workspace}`;
    const name = t.parentPage === undefined ? t.title : `${t.title} in ${t.parentPage}`;
    const meta = [t.parentPage, t.workspace, count].filter((x) => x !== undefined).join(' · ');
    return (
      `<section class="notion-table" id="table-${escapeHtml(t.dataSourceId)}" data-title="${escapeHtml(name)}" aria-label="${escapeHtml(`Notion table ${t.title} in ${where}`)}">` +
      `<h3><span class="nt-icon" aria-hidden="true">▦</span> ${escapeHtml(t.title)} <span class="nt-meta">${escapeHtml(meta)}</span></h3>` +
      `<div class="table-scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>` +
      pagesHtml(rows, t.columns.find((c) => c.type === 'title')?.name) +
      `</section>`
    );
  }
}

type Row = ReturnType<NotionSandbox['rows']>[number];
const richPlain = (items: unknown): string =>
  Array.isArray(items) ? items.map((i) => (i && typeof i === 'object' ? String((i as { plain_text?: unknown }).plain_text ?? '') : '')).join('') : '';
const httpLink = (url: string, label: string) =>
  /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>` : escapeHtml(label);

/** One block of a row's page as the Notion pane shows it (images as their caption and link: the page loads none). */
function blockHtml(block: unknown): string {
  if (!block || typeof block !== 'object') return '';
  const b = block as Record<string, unknown> & { type?: string };
  const body = (b.type ? b[b.type] : undefined) as Record<string, unknown> | undefined;
  if (!b.type || !body) return '';
  const text = escapeHtml(richPlain(body.rich_text)).replace(/\n/g, '<br>');
  const caption = richPlain(body.caption);
  const url = String((body.external as { url?: unknown } | undefined)?.url ?? body.url ?? '');
  switch (b.type) {
    case 'quote':
      return `<blockquote>${text}</blockquote>`;
    case 'paragraph':
      return `<p>${text}</p>`;
    case 'callout':
      return `<div class="nt-callout">${escapeHtml(String((body.icon as { emoji?: unknown } | null)?.emoji ?? ''))} ${text}</div>`;
    case 'image':
      return `<figure class="nt-image">🖼 ${httpLink(url, caption || 'Image')}</figure>`;
    case 'bookmark':
      return `<p class="nt-bookmark">🔖 ${httpLink(url, caption || url)}</p>`;
    case 'embed':
      return `<p class="nt-embed">Embedded: ${httpLink(url, url)}</p>`;
    case 'divider':
      return '<hr>';
    default:
      return `<p>${text}</p>`;
  }
}

/** The pages of the rows that have a body, each folded under its title (outside the table, so rows stay one line). */
function pagesHtml(rows: Row[], titleColumn: string | undefined): string {
  const withBody = rows.filter((r) => r.children.length > 0);
  if (withBody.length === 0) return '';
  const pages = withBody.map((r) => {
    const title = titleColumn ? propertyText(r.properties[titleColumn]) : '';
    return `<details class="nt-page" id="page-${escapeHtml(r.id)}"><summary>Page: ${escapeHtml(title || 'Untitled')}</summary>${r.children.map(blockHtml).join('')}</details>`;
  });
  return `<div class="nt-pages">${pages.join('')}</div>`;
}

const svg = (body: string) => `<svg class="icon" viewBox="0 0 20 20" width="14" height="14" aria-hidden="true" focusable="false">${body}</svg>`;
const STROKE = 'fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"';
/** Notion's column-type glyphs, drawn inline (no emoji font or image needed). */
const COLUMN_ICONS: Record<string, string> = {
  title: 'Aa',
  rich_text: svg(`<path ${STROKE} d="M4 6h12M4 10h12M4 14h8"/>`),
  url: svg(`<path ${STROKE} d="M8.5 11.5l3-3M7.5 9.5 6 11a2.5 2.5 0 0 0 3.5 3.5l1.5-1.5M12.5 10.5 14 9a2.5 2.5 0 0 0-3.5-3.5L9 7"/>`),
  date: svg(`<rect ${STROKE} x="3.5" y="4.5" width="13" height="12" rx="2"/><path ${STROKE} d="M3.5 8.5h13M7 3v3M13 3v3"/>`),
};
const EYE_ICON = svg('<path fill="currentColor" d="M10 4C5 4 1.7 8.3 1.1 9.4a1.2 1.2 0 0 0 0 1.2C1.7 11.7 5 16 10 16s8.3-4.3 8.9-5.4a1.2 1.2 0 0 0 0-1.2C18.3 8.3 15 4 10 4zm0 10a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z"/>');

/**
 * In Slack "Check your DMs" means the sidebar; here the DMs are a panel (below the channel on a phone),
 * so the words become a link to it. Applied to rendered, escaped HTML: the phrase only occurs as text.
 */
function linkToDms(html: string): string {
  return html.replace(/\bCheck your DMs\b/g, '<a href="#dms" class="to-dms">$&</a>');
}

/** A Notion id without dashes, lowercase: the form it takes in a notion.so URL. */
function compactId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/** `https://www.notion.so/<id>`, `…/<Title>-<id>`, `…/<workspace>/<id>?v=…`: the object's compact id. */
const NOTION_OBJECT_URL = /^https?:\/\/(?:www\.)?notion\.so\/(?:[^?#\s]*[/-])?([0-9a-f]{32})(?:[?#]\S*)?$/i;

function notionObjectId(url: string): string | undefined {
  return NOTION_OBJECT_URL.exec(url)?.[1]?.toLowerCase();
}

function tweetIdIn(text: string): { handle: string; statusId: string } | undefined {
  const m = TWEET_LINK.exec(text);
  return m ? { handle: m[1]!, statusId: m[2]! } : undefined;
}

/** A Notion property value as one line of text. */
export function propertyText(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const v = value as {
    type?: string;
    title?: { plain_text?: string }[];
    rich_text?: { plain_text?: string }[];
    url?: string | null;
    date?: { start?: string } | null;
    multi_select?: { name?: string }[];
    files?: { name?: string }[];
    number?: number | null;
  };
  switch (v.type) {
    case 'multi_select':
      return (v.multi_select ?? []).map((o) => o.name ?? '').join(', ');
    case 'files':
      return (v.files ?? []).map((f) => f.name ?? '').join(', ');
    case 'number':
      return v.number === null || v.number === undefined ? '' : String(v.number);
    case 'title':
      return (v.title ?? []).map((t) => t.plain_text ?? '').join('');
    case 'rich_text':
      return (v.rich_text ?? []).map((t) => t.plain_text ?? '').join('');
    case 'url':
      return v.url ?? '';
    case 'date': {
      const start = v.date?.start;
      if (!start) return '';
      const d = new Date(start);
      return Number.isNaN(d.getTime()) ? start : d.toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
    }
    default:
      return '';
  }
}

/** An interactive element the bot put in a message: a button without a URL, or a static_select option. */
interface ActionElement {
  type: 'button' | 'static_select';
  blockId: string;
  value: string;
  label: string;
  style?: string | undefined;
}

function findActionElement(message: MessageBody, actionId: string, value: string | undefined): ActionElement | undefined {
  type El = { type?: string; action_id?: string; url?: string; value?: string; style?: string; text?: { text?: string }; options?: { value?: string; text?: { text?: string } }[] };
  for (const block of message.blocks ?? []) {
    const b = block as { type?: string; block_id?: string; elements?: El[] };
    if (b.type !== 'actions') continue;
    for (const el of b.elements ?? []) {
      if (el.action_id !== actionId) continue;
      const blockId = b.block_id ?? 'actions';
      if (el.type === 'button' && !el.url) return { type: 'button', blockId, value: el.value ?? '', label: el.text?.text ?? '', style: el.style };
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
  const payload = JSON.parse(new URLSearchParams(selectBody).get('payload') ?? '{}') as { actions?: Record<string, unknown>[] };
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

function messageHtml(m: { key: string; author: string; app: boolean; at: number; ephemeral: boolean; body: string; shortcutFor?: string; own?: boolean }): string {
  const tone = m.app ? 'app' : `tone-${[...m.author].reduce((n, c) => n + c.charCodeAt(0), 0) % 5}`;
  const avatar = m.app ? 'N' : initials(m.author);
  const eph = m.ephemeral ? `<div class="eph-note">${EYE_ICON} Only visible to you</div>` : '';
  const badge = m.app ? ' <span class="app-badge">APP</span>' : '';
  const action = m.shortcutFor
    ? `<div class="msg-actions"><button type="button" class="shortcut" data-shortcut="${escapeHtml(m.shortcutFor)}">Save to Notion</button>` +
      `<button type="button" class="shortcut" data-shortcut="${escapeHtml(m.shortcutFor)}" data-thread="">Save thread to Notion</button></div>`
    : '';
  return (
    `<article class="msg${m.ephemeral ? ' msg-ephemeral' : ''}"${m.own ? ' data-own=""' : ''} aria-label="${escapeHtml(`${m.ephemeral ? 'Only visible to you: ' : ''}message from ${m.author}`)}">` +
    `<div class="avatar ${tone}" aria-hidden="true">${escapeHtml(avatar)}</div>` +
    `<div class="msg-main">${eph}<div class="msg-meta"><span class="msg-author">${escapeHtml(m.author)}</span>${badge} ` +
    `<time datetime="${new Date(m.at).toISOString()}">${escapeHtml(timeLabel(m.at))}</time></div>` +
    `<div class="msg-body">${m.body}</div>${action}</div></article>`
  );
}
