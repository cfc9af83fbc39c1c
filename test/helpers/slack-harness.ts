import { expect } from 'vitest';
import { ACTION_IDS, COMMANDS } from '../../src/bots/slack/constants.js';
import type { NotionSandbox, SandboxRow } from '../../src/sandbox/notion/notion-sandbox.js';
import { buttonActionBody, slashCommandBody, type ButtonLocation } from '../../src/sandbox/slack/payloads.js';
import { sendSignedRequest } from '../../src/sandbox/slack/sign-request.js';
import type { RecordedResponse, SandboxMessage, SlackSandbox } from '../../src/sandbox/slack/slack-sandbox.js';
import { completeConnect } from './connect-flow.js';
import { SIGNING_SECRET, type SlackPerson as Person } from './fixtures.js';
import { waitFor, type Product } from './product.js';

/** Shared by the Slack e2e suites: a driver for the request URL and readers for what the bot sent. */

/**
 * The attachment Slack puts on a message that shares (forwards) another one: `is_share`, the original's
 * text and author, and its Slack permalink as `from_url`, as Slack sends them.
 */
export function sharedMessageAttachment(opts: {
  teamId: string;
  channelId: string;
  authorId: string;
  authorName: string;
  text: string;
}): Record<string, unknown> {
  const ts = '1700000000.000100';
  const permalink = `https://acme.slack.com/archives/${opts.channelId}/p${ts.replace('.', '')}`;
  return {
    is_share: true,
    ts,
    channel_id: opts.channelId,
    channel_team: opts.teamId,
    channel_name: 'general',
    is_msg_unfurl: false,
    message_blocks: [
      {
        team: opts.teamId,
        channel: opts.channelId,
        ts,
        message: { blocks: [{ type: 'rich_text', block_id: 'Shr1', elements: [] }] },
      },
    ],
    id: 1,
    color: 'D0D0D0',
    fallback: `[November 14th, 2023 10:13 PM] ${opts.authorName}: ${opts.text}`,
    text: opts.text,
    author_id: opts.authorId,
    author_name: opts.authorName,
    author_link: `https://acme.slack.com/team/${opts.authorId}`,
    author_icon: 'https://avatars.slack-edge.com/2023-01-01/1_48.png',
    author_subname: opts.authorName,
    mrkdwn_in: ['text'],
    footer: 'Posted in #general',
    from_url: permalink,
  };
}

/** A row property as plain text (title, rich text or url). */
export function plain(row: SandboxRow, name: string): string {
  const prop = row.properties[name] as {
    rich_text?: { plain_text: string }[];
    title?: { plain_text: string }[];
    url?: string | null;
  };
  if ('url' in prop) return prop.url ?? '';
  return (prop.rich_text ?? prop.title ?? []).map((t) => t.plain_text).join('');
}

export interface BlockElement {
  type: string;
  action_id?: string;
  url?: string;
  value?: string;
  text?: { text: string };
  options?: { value: string; text: { text: string } }[];
  initial_option?: { value: string; text: { text: string } };
}

/** Every element of every actions block, flattened. */
export function elements(message: { blocks?: unknown[] | undefined }): BlockElement[] {
  return (message.blocks ?? []).flatMap((b) =>
    (b as { type: string }).type === 'actions' ? (b as { elements: never[] }).elements : [],
  );
}

/** The element with this action_id (throws a readable error when the message has none). */
export function button(message: { blocks?: unknown[] | undefined }, actionId: string | RegExp): BlockElement {
  const found = elements(message).find((e) =>
    typeof actionId === 'string' ? e.action_id === actionId : actionId.test(e.action_id ?? ''),
  );
  if (!found) throw new Error(`no element ${String(actionId)} in ${JSON.stringify(message.blocks)}`);
  return found;
}

/**
 * Drives the product's Slack request URL as Slack would (signed requests, response_urls from
 * the Slack sandbox) and plays the user in the browser for the Notion consent.
 */
export function slackDriver(env: { notion: NotionSandbox; slack: SlackSandbox; product: Product }) {
  const { notion, slack, product } = env;
  const events = `${product.url}/slack/events`;

  const post = (body: string, opts: { timestamp?: number; headers?: Record<string, string>; secret?: string } = {}) =>
    sendSignedRequest(events, body, {
      signingSecret: opts.secret ?? SIGNING_SECRET,
      timestamp: opts.timestamp,
      headers: opts.headers,
    });

  /** Runs a slash command; returns the HTTP ack and the response_url the sandbox handed out. */
  async function command(who: Person, name: string, text: string) {
    const responseUrl = slack.newResponseUrl({ userId: who.userId, channelId: 'C0GENERAL' });
    const started = Date.now();
    const res = await post(slashCommandBody({ ...who, command: name, text, responseUrl, channelId: 'C0GENERAL' }));
    const ackMs = Date.now() - started;
    const ackText = await res.text();
    return {
      res,
      ackMs,
      ack: ackText ? (JSON.parse(ackText) as { text?: string; response_type?: string; blocks?: unknown[] }) : undefined,
      responseUrl,
    };
  }

  const responsesTo = (responseUrl: string): RecordedResponse[] =>
    slack.responses.filter((r) => responseUrl.endsWith(`/${r.id}`));
  /** Waits for the first answer POSTed to a response_url. */
  const firstAnswer = (responseUrl: string) =>
    waitFor(() => responsesTo(responseUrl)[0], { what: 'a response_url answer' });
  const dms = (who: Person): SandboxMessage[] =>
    slack.messagesTo(who.userId).filter((m) => m.via === 'chat.postMessage');

  /** `/save-tweet <text>` and its (first) ephemeral answer. */
  async function save(who: Person, text: string): Promise<RecordedResponse> {
    const { res, responseUrl } = await command(who, COMMANDS.save, text);
    expect(res.status).toBe(200);
    return firstAnswer(responseUrl);
  }

  /**
   * Clicks a button as `who`: Slack POSTs a signed block_actions payload with a fresh response_url
   * bound to the message that holds the button. Returns the ack and that response_url.
   */
  async function click(who: Person, element: BlockElement, where: ButtonLocation) {
    if (!element.action_id || element.value === undefined)
      throw new Error(`not a value button: ${JSON.stringify(element)}`);
    const responseUrl = slack.newResponseUrl({ userId: who.userId, channelId: where.channelId });
    const started = Date.now();
    const res = await post(
      buttonActionBody({
        ...who,
        actionId: element.action_id,
        value: element.value,
        label: element.text?.text,
        where,
        responseUrl,
      }),
    );
    const ackMs = Date.now() - started;
    return { res, ackMs, ackBody: await res.text(), responseUrl };
  }

  /** /notion-connect -> DM with the link -> the browser flow -> the "connected" DM. */
  async function connect(who: Person, opts: Parameters<typeof completeConnect>[2] = {}): Promise<SandboxMessage> {
    const before = dms(who).length;
    const { res, ack } = await command(who, COMMANDS.connect, '');
    expect(res.status).toBe(200);
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Check your DMs') });
    const dm = await waitFor(() => dms(who)[before], { what: 'the connect DM' });
    const link = elements(dm).find((e) => e.action_id === ACTION_IDS.connectLink);
    expect(link?.url).toMatch(new RegExp(`^${product.url}/oauth/notion/start\\?t=[A-Za-z0-9_-]{43}$`));
    const page = await completeConnect(link!.url!, notion, opts);
    expect(page.status).toBe(200);
    await product.app.core.idle();
    return waitFor(() => dms(who)[before + 1], { what: 'the connected DM' });
  }

  return { events, post, command, responsesTo, firstAnswer, dms, save, click, connect };
}

export type SlackDriver = ReturnType<typeof slackDriver>;
