import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { discordFormatter as f } from '../../../../src/bots/discord/discord-formatter.js';
import { errorFields, isDmBlocked, isTokenRejection } from '../../../../src/bots/discord/errors.js';
import {
  buttonId,
  chooseTargetReply,
  connectedReply,
  connectLinkDm,
  connectLinkEphemeral,
  parseButtonId,
  reconnectNeededDm,
  saveReply,
  TABLE_PICKER_ID,
  undoReply,
  type DiscordReply,
} from '../../../../src/bots/discord/replies.js';
import type { SaveOutcome, UndoOutcome } from '../../../../src/core/outcomes.js';
import { validateMessage } from '../../../../src/sandbox/discord/validate.js';

/** The body discord.js would send for this reply. */
function json(reply: DiscordReply) {
  return {
    content: reply.content,
    components: reply.components.map((c) => c.toJSON()),
    allowed_mentions: reply.allowedMentions,
  };
}

const PAGE_ID = '0f6c1f2a-1b2c-4d5e-8f90-123456789abc';

const link = {
  url: 'https://save.example/oauth/notion/start?t=abc',
  expiresAt: new Date('2030-01-01T00:10:00Z'),
  current: { connected: false as const },
};
const READY_WITH_CHOICES = {
  kind: 'ready' as const,
  table: 'Tweets',
  url: 'https://www.notion.so/t',
  choices: {
    tables: [
      { id: 'ds-1', title: 'Tweets (Team wiki)' },
      { id: 'ds-2', title: 'Tweets (Reading)' },
    ],
    currentId: 'ds-2',
  },
};

describe('discordFormatter', () => {
  it('bolds, links and quotes code in Discord markdown, escaping what users and Notion control', () => {
    expect(f.bold('Acme')).toBe('**Acme**');
    expect(f.bold('*ops* _x_')).toBe('**\\*ops\\* \\_x\\_**');
    expect(f.link('https://notion.so/p', 'Tweets')).toBe('[Tweets](https://notion.so/p)');
    expect(f.link('https://notion.so/a(b)', 'x](https://evil.example)')).toBe(
      '[x\\](https\\://evil.example)](https://notion.so/a%28b%29)',
    );
    expect(f.code('/save-tweet x')).toBe('`/save-tweet x`');
    expect(f.code('a`b')).not.toContain('a`b');
  });
});

describe('replies', () => {
  it('every reply is a body Discord accepts, and pings nobody', () => {
    const outcomes: SaveOutcome[] = [
      {
        kind: 'saved',
        pageUrl: 'https://www.notion.so/row-1',
        pageId: PAGE_ID,
        table: 'Tweets',
        tweet: { handle: 'jack' },
        textMissing: false,
      },
      {
        kind: 'already_saved',
        pageUrl: 'https://www.notion.so/row-1',
        pageId: PAGE_ID,
        table: 'Tweets',
        tweet: { handle: 'jack' },
      },
      { kind: 'in_progress' },
      { kind: 'not_found' },
      { kind: 'unknown_table', name: 'Insp', tables: [{ id: 'ds-1', title: 'Tweets' }] },
      { kind: 'not_connected', connectUrl: link.url },
      { kind: 'reconnect', connectUrl: link.url, kept: true },
      { kind: 'needs_table', status: { kind: 'create_offer', pages: [{ id: PAGE_ID, title: 'Reading' }] }, kept: true },
      { kind: 'no_tweet', reason: 'empty' },
      {
        kind: 'needs_table',
        status: {
          kind: 'choose',
          tables: [
            { id: 'ds-1', title: 'A' },
            { id: 'ds-2', title: 'B' },
          ],
        },
        kept: true,
      },
      { kind: 'needs_table', status: { kind: 'none_shared' }, kept: false },
      { kind: 'rate_limited', retryAfterSeconds: 3 },
      { kind: 'failed', reason: 'internal' },
    ];
    const undos: UndoOutcome[] = [
      { kind: 'removed', table: 'Tweets', tweet: { handle: 'jack' } },
      { kind: 'already_deleted', table: 'Tweets' },
      { kind: 'unreachable', table: 'Tweets', connectUrl: link.url },
      { kind: 'not_found' },
      { kind: 'not_connected', connectUrl: link.url },
      { kind: 'reconnect', connectUrl: link.url },
      { kind: 'failed', reason: 'notion_unavailable' },
    ];
    const switchable = {
      ...link,
      current: {
        connected: true as const,
        workspaceName: 'Acme',
        connectedAt: '2030-01-01T00:00:00Z',
        target: READY_WITH_CHOICES,
      },
    };
    const replies = [
      ...outcomes.map((o) => saveReply(o)),
      ...undos.map((o) => undoReply(o)),
      chooseTargetReply({ kind: 'created', table: 'Tweets', url: 'https://www.notion.so/t', pageTitle: 'Team wiki' }),
      connectLinkDm(switchable),
      connectLinkDm(link),
      connectLinkEphemeral(link),
      reconnectNeededDm({ workspaceName: 'Acme', connectUrl: link.url, pending: 2 }),
    ];
    for (const reply of replies) {
      expect(validateMessage(json(reply))).toEqual([]);
      expect(reply.allowedMentions).toEqual({ parse: [] });
    }
  });

  it('adds the right button: the row, the connect link, or a table menu', () => {
    const saved = json(
      saveReply({
        kind: 'saved',
        pageUrl: 'https://www.notion.so/row-1',
        pageId: PAGE_ID,
        table: 'Tweets',
        tweet: { handle: 'jack' },
        textMissing: false,
      }),
    );
    expect(saved.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 5, url: 'https://www.notion.so/row-1', label: 'Open in Notion' },
          { type: 2, style: 2, custom_id: `stn:note:${PAGE_ID}`, label: 'Add note' },
          { type: 2, style: 2, custom_id: `stn:undo:${PAGE_ID}`, label: 'Undo' },
        ],
      },
    ]);
    const again = json(
      saveReply({
        kind: 'already_saved',
        pageUrl: 'https://www.notion.so/row-1',
        pageId: PAGE_ID,
        table: 'Tweets',
        tweet: { handle: 'jack' },
      }),
    );
    expect(again.content).toContain('Already saved');
    expect(again.components[0]?.components).toEqual([
      { type: 2, style: 5, url: 'https://www.notion.so/row-1', label: 'Open in Notion' },
      { type: 2, style: 2, custom_id: `stn:again:${PAGE_ID}`, label: 'Save again' },
    ]);
    const notConnected = json(saveReply({ kind: 'not_connected', connectUrl: link.url }));
    expect(notConnected.content).toBe('Connect your Notion first, then send it again.');
    expect(notConnected.components[0]?.components[0]).toMatchObject({ url: link.url, label: 'Connect Notion' });
    expect(json(saveReply({ kind: 'no_tweet', reason: 'no_tweet' })).components).toEqual([]);
    const picker = json(
      connectedReply({ workspaceName: 'Acme', status: { kind: 'choose', tables: [{ id: 'ds-1', title: 'A' }] } }),
    );
    expect(picker.components[0]?.components[0]).toMatchObject({
      type: 3,
      custom_id: TABLE_PICKER_ID,
      options: [{ label: 'A', value: 'ds-1' }],
    });
  });

  it('offers one "Create a Tweets table in <page>" button per shared page, at most 5, in the DM and in save replies', () => {
    const pages = Array.from({ length: 7 }, (_, i) => ({
      id: `${i}${PAGE_ID.slice(1)}`,
      title: i === 0 ? 'Reading' : `${'P'.repeat(90)}${i}`,
    }));
    const offer = json(connectedReply({ workspaceName: 'Acme', status: { kind: 'create_offer', pages } }));
    expect(offer.content).toContain('You shared pages but no table.');
    const buttons = offer.components.flatMap((row) => row.components) as {
      custom_id: string;
      label: string;
      style: number;
    }[];
    expect(buttons).toHaveLength(5);
    expect(buttons[0]).toEqual({
      type: 2,
      style: 1,
      custom_id: `stn:create:${pages[0]!.id}`,
      label: 'Create a Tweets table in Reading',
    });
    expect(buttons.every((b) => b.label.length <= 80)).toBe(true);
    expect(validateMessage(offer)).toEqual([]);
    const inSave = json(
      saveReply({ kind: 'needs_table', status: { kind: 'create_offer', pages: [pages[0]!] }, kept: true }),
    );
    expect(inSave.content).toBe(
      'You shared the page **Reading** but no table. I can create a Tweets table in it for you. I kept this tweet and will save it as soon as you create the table.',
    );
    expect(inSave.components[0]?.components[0]).toMatchObject({ custom_id: `stn:create:${pages[0]!.id}` });
  });

  it('custom ids round-trip, stay under 100 characters, and anything else is not ours', () => {
    for (const action of ['undo', 'again', 'create'] as const) {
      const id = buttonId(action, PAGE_ID)!;
      expect(id.length).toBeLessThanOrEqual(100);
      expect(parseButtonId(id)).toEqual({ action, id: PAGE_ID });
    }
    expect(buttonId('undo', 'x'.repeat(200))).toBeUndefined();
    expect(buttonId('undo', 'a:b')).toBeUndefined();
    expect(parseButtonId(TABLE_PICKER_ID)).toBeUndefined();
    expect(parseButtonId('stn:delete:abc')).toBeUndefined();
    expect(parseButtonId(`stn:undo:${PAGE_ID}:extra`)).toBeUndefined();
    // A saved outcome whose id cannot be carried still renders, without the Undo button.
    const odd = json(
      saveReply({
        kind: 'saved',
        pageUrl: 'https://www.notion.so/row-1',
        pageId: 'x'.repeat(200),
        table: 'T',
        tweet: {},
        textMissing: false,
      }),
    );
    expect(odd.components[0]?.components).toHaveLength(1);
  });

  it('Undo answers: removed names the tweet, already deleted says so plainly; a lost connection or an unshared table carries its link once, on a button', () => {
    expect(undoReply({ kind: 'removed', table: 'Tweets', tweet: { handle: 'jack' } })).toMatchObject({
      content: "Removed @jack's tweet from **Tweets** (moved to Notion's trash).",
      components: [],
    });
    expect(undoReply({ kind: 'removed', table: 'Tweets', tweet: {} }).content).toBe(
      "Removed the tweet from **Tweets** (moved to Notion's trash).",
    );
    expect(undoReply({ kind: 'already_deleted', table: 'Tweets' }).content).toContain('already deleted');
    for (const [outcome, content, label] of [
      [
        { kind: 'reconnect', connectUrl: link.url },
        'Notion no longer accepts your connection. Reconnect to undo.',
        'Reconnect Notion',
      ],
      [
        { kind: 'not_connected', connectUrl: link.url },
        "You're not connected to Notion any more. Connect again to undo.",
        'Connect Notion',
      ],
      [
        { kind: 'unreachable', table: 'Tweets', connectUrl: link.url },
        "I can't reach that row any more: its table **Tweets** is no longer shared with Save to Notion. Share it again (reconnect) to undo.",
        'Reconnect Notion',
      ],
    ] as const) {
      const reply = json(undoReply(outcome));
      expect(reply.content).toBe(content);
      expect(reply.components).toEqual([{ type: 1, components: [{ type: 2, style: 5, url: link.url, label }] }]);
    }
    const dm = json(reconnectNeededDm({ workspaceName: 'Acme', connectUrl: link.url, pending: 2 }));
    expect(dm.content).toContain('I kept the 2 tweets you saved');
    expect(dm.content).not.toContain(link.url);
    expect(dm.components).toEqual([
      { type: 1, components: [{ type: 2, style: 5, url: link.url, label: 'Reconnect Notion' }] },
    ]);
  });

  it("keeps the table menu within Discord's limits (25 options, 100-character labels)", () => {
    const tables = Array.from({ length: 30 }, (_, i) => ({ id: `ds-${i}`, title: `${'T'.repeat(150)}${i}` }));
    const reply = json(chooseTargetReply({ kind: 'choose', tables }));
    const menu = reply.components[0]?.components[0] as { options: { label: string }[] };
    expect(menu.options).toHaveLength(25);
    expect(menu.options.every((o) => o.label.length <= 100)).toBe(true);
    expect(validateMessage(reply)).toEqual([]);
  });

  it('connected with several usable tables: the connect DM offers the table menu with the current one selected, next to the link', () => {
    const dm = json(
      connectLinkDm({
        ...link,
        current: {
          connected: true,
          workspaceName: 'Acme',
          connectedAt: '2030-01-01T00:00:00Z',
          target: READY_WITH_CHOICES,
        },
      }),
    );
    expect(dm.content).toMatch(
      /^Connected to \*\*Acme\*\*\. Saving to \[Tweets\]\(https:\/\/www\.notion\.so\/t\)\. Pick another table below, or reconnect to switch workspace or share other pages\.\n/,
    );
    expect(dm.components[0]?.components[0]).toMatchObject({
      type: 3,
      custom_id: TABLE_PICKER_ID,
      options: [
        { label: 'Tweets (Team wiki)', value: 'ds-1' },
        { label: 'Tweets (Reading)', value: 'ds-2', default: true },
      ],
    });
    expect((dm.components[0]?.components[0] as { options: { default?: boolean }[] }).options[0]).not.toHaveProperty(
      'default',
    );
    expect(dm.components[1]?.components[0]).toMatchObject({ style: 5, url: link.url });
  });

  it('a created table says where it was made, with its link', () => {
    const reply = json(
      chooseTargetReply({ kind: 'created', table: 'Tweets', url: 'https://www.notion.so/t', pageTitle: 'Team wiki' }),
    );
    expect(reply.content).toBe(
      'Created a [Tweets table](https://www.notion.so/t) in **Team wiki**. Tweets will be saved there.',
    );
    expect(reply.components).toEqual([
      { type: 1, components: [{ type: 2, style: 5, url: 'https://www.notion.so/t', label: 'Open in Notion' }] },
    ]);
  });

  it('puts the connect link in a button and says when it expires', () => {
    const dm = json(connectLinkDm(link));
    expect(dm.content).toContain('The link is personal and works once.');
    expect(dm.content).toContain(`<t:${Math.floor(link.expiresAt.getTime() / 1000)}:R>`);
    expect(dm.content).not.toContain(link.url);
    expect(json(connectLinkEphemeral(link)).content).toContain('I could not send you a DM');
  });
});

describe('Discord errors', () => {
  const apiError = (status: number, code: number, message: string) =>
    new DiscordAPIError(
      { code, message },
      code,
      status,
      'POST',
      'https://discord.com/api/v10/interactions/1/SECRET-TOKEN/callback',
      { body: { secret: 'x' } },
    );

  it('recognises closed DMs and rejected tokens', () => {
    expect(isDmBlocked(apiError(403, 50007, 'Cannot send messages to this user'))).toBe(true);
    expect(isDmBlocked(apiError(403, 50278, 'no mutual guilds'))).toBe(true);
    expect(isDmBlocked(apiError(404, 10003, 'Unknown Channel'))).toBe(false);
    expect(isTokenRejection(apiError(401, 0, '401: Unauthorized'))).toBe(true);
    expect(isTokenRejection(Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }))).toBe(
      true,
    );
    expect(isTokenRejection(new Error('Authentication failed'))).toBe(true);
    expect(isTokenRejection(new Error('ECONNREFUSED'))).toBe(false);
  });

  it('log fields leave out the request URL and body (interaction tokens live there)', () => {
    const fields = errorFields(apiError(400, 40060, 'Interaction has already been acknowledged.'));
    expect(fields).toEqual({
      errName: 'DiscordAPIError[40060]',
      errCode: 40060,
      errStatus: 400,
      errMethod: 'POST',
      errMessage: 'Interaction has already been acknowledged.',
    });
    expect(JSON.stringify(fields)).not.toContain('SECRET-TOKEN');
  });
});
