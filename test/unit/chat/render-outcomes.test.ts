import { describe, expect, it } from 'vitest';
import { chooseTargetReply, saveReply, undoReply, type DiscordReply } from '../../../src/bots/discord/replies.js';
import type { SlackMessage } from '../../../src/bots/slack/blocks.js';
import { saveOutcomeMessage, undoOutcomeMessage } from '../../../src/bots/slack/blocks.js';
import { chooseOutcomeMessage } from '../../../src/bots/slack/table-picker.js';
import type { ChooseTargetOutcome, SaveOutcome, UndoOutcome } from '../../../src/core/outcomes.js';

const tweet = { handle: 'jack', text: 'just setting up my twttr', url: 'https://x.com/jack/status/20' };
const row = {
  pageUrl: 'https://www.notion.so/row-1',
  pageId: '0f6c1f2a-1b2c-4d5e-8f90-123456789abc',
  table: 'Tweets',
  tweet,
};
const connectUrl = 'https://save.example/oauth/notion/start?t=abc';
const tables = [
  { id: 'ds-1', title: 'Tweets' },
  { id: 'ds-2', title: 'Reading' },
];
const pages = [{ id: 'page-1', title: 'Team wiki' }];
const missing = { name: 'Tweet', type: 'Text' };

/** Every kind of save outcome, with the variants that change the wording; `satisfies` fails when a kind is added. */
const SAVE_OUTCOMES = {
  saved: [
    { kind: 'saved', ...row, textMissing: false },
    { kind: 'saved', ...row, textMissing: true },
  ],
  already_saved: [{ kind: 'already_saved', ...row }],
  in_progress: [{ kind: 'in_progress' }],
  not_found: [{ kind: 'not_found' }],
  not_connected: [{ kind: 'not_connected', connectUrl }],
  reconnect: [
    { kind: 'reconnect', connectUrl, kept: true },
    { kind: 'reconnect', connectUrl, kept: false },
  ],
  unknown_table: [
    { kind: 'unknown_table', name: 'Inspo', tables },
    { kind: 'unknown_table', name: 'Inspo', tables: [] },
  ],
  no_tweet: [
    { kind: 'no_tweet', reason: 'empty' },
    { kind: 'no_tweet', reason: 'not_tweet_link' },
    { kind: 'no_tweet', reason: 'no_tweet' },
  ],
  needs_table: [
    { kind: 'needs_table', status: { kind: 'choose', tables }, kept: true },
    { kind: 'needs_table', status: { kind: 'none_shared' }, kept: true },
    { kind: 'needs_table', status: { kind: 'unusable', table: 'Links', missing, pages }, kept: true },
    { kind: 'needs_table', status: { kind: 'unusable', table: 'Links', missing }, kept: false },
    { kind: 'needs_table', status: { kind: 'create_offer', pages }, kept: true },
  ],
  rate_limited: [{ kind: 'rate_limited', retryAfterSeconds: 30 }, { kind: 'rate_limited' }],
  slow_down: [{ kind: 'slow_down', waiting: 250 }],
  queued: [{ kind: 'queued', tweet }],
  gave_up: [
    { kind: 'gave_up', tweet, hours: 24 },
    { kind: 'gave_up', tweet: { handle: 'jack', text: 'hi' }, hours: 24 },
  ],
  failed: [
    { kind: 'failed', reason: 'notion_unavailable' },
    { kind: 'failed', reason: 'notion_rejected' },
    { kind: 'failed', reason: 'store_unreadable' },
    { kind: 'failed', reason: 'internal' },
  ],
} satisfies { [K in SaveOutcome['kind']]: Extract<SaveOutcome, { kind: K }>[] };

const UNDO_OUTCOMES = {
  removed: [{ kind: 'removed', table: 'Tweets', tweet }],
  already_deleted: [{ kind: 'already_deleted', table: 'Tweets' }],
  unreachable: [{ kind: 'unreachable', table: 'Tweets', connectUrl }],
  not_found: [{ kind: 'not_found' }],
  not_connected: [{ kind: 'not_connected', connectUrl }],
  reconnect: [{ kind: 'reconnect', connectUrl }],
  failed: [
    { kind: 'failed', reason: 'notion_unavailable' },
    { kind: 'failed', reason: 'internal' },
  ],
} satisfies { [K in UndoOutcome['kind']]: Extract<UndoOutcome, { kind: K }>[] };

const CHOOSE_OUTCOMES = {
  ready: [
    { kind: 'ready', table: 'Tweets', url: 'https://www.notion.so/t' },
    { kind: 'ready', table: 'Tweets', choices: { tables, currentId: 'ds-1' } },
  ],
  choose: [{ kind: 'choose', tables }],
  none_shared: [{ kind: 'none_shared' }],
  unusable: [{ kind: 'unusable', table: 'Links', missing, pages }],
  create_offer: [{ kind: 'create_offer', pages }],
  created: [
    { kind: 'created', table: 'Tweets', url: 'https://www.notion.so/t', pageTitle: 'Team wiki' },
    { kind: 'created', table: 'Tweets' },
  ],
  not_connected: [{ kind: 'not_connected', connectUrl }],
  reconnect: [{ kind: 'reconnect', connectUrl }],
  unknown_table: [{ kind: 'unknown_table', tables }],
} satisfies { [K in ChooseTargetOutcome['kind']]: Extract<ChooseTargetOutcome, { kind: K }>[] };

/** Codes and placeholders that must never reach a user. */
const RAW =
  /undefined|\bnull\b|NaN|\[object |notion_unavailable|notion_rejected|store_unreadable|rate_limited|needs_table|not_connected|already_saved|in_progress|\binternal\b/;

/** All the text a Slack message shows: its fallback and every string in its blocks. */
function slackTexts(message: SlackMessage): string[] {
  const texts: string[] = [message.text];
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string' && (key === 'text' || key === 'alt_text')) texts.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(message.blocks);
  return texts;
}

function discordTexts(reply: DiscordReply): string[] {
  const labels = reply.components.flatMap((row) =>
    row
      .toJSON()
      .components.map((c) => ('label' in c ? (c.label ?? '') : 'placeholder' in c ? (c.placeholder ?? '') : '')),
  );
  return [reply.content, ...labels.filter(Boolean)];
}

function expectReadable(texts: string[]): void {
  expect(texts[0]!.trim()).not.toBe('');
  for (const text of texts) expect(text).not.toMatch(RAW);
}

const cases = <T extends { kind: string }>(table: Record<string, T[]>) =>
  Object.values(table)
    .flat()
    .map((o) => [o.kind, o] as const);

describe('every outcome renders as words on both platforms', () => {
  it.each(cases<SaveOutcome>(SAVE_OUTCOMES))('save: %s', (_kind, outcome) => {
    expectReadable(slackTexts(saveOutcomeMessage(outcome)));
    expectReadable(discordTexts(saveReply(outcome)));
  });

  it.each(cases<UndoOutcome>(UNDO_OUTCOMES))('undo: %s', (_kind, outcome) => {
    expectReadable(slackTexts(undoOutcomeMessage(outcome)));
    expectReadable(discordTexts(undoReply(outcome)));
  });

  it.each(cases<ChooseTargetOutcome>(CHOOSE_OUTCOMES))('table choice: %s', (_kind, outcome) => {
    expectReadable(slackTexts(chooseOutcomeMessage(outcome)));
    expectReadable(discordTexts(chooseTargetReply(outcome)));
  });
});
