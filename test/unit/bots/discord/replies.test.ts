import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { discordFormatter as f } from '../../../../src/bots/discord/discord-formatter.js';
import { errorFields, isDmBlocked, isTokenRejection } from '../../../../src/bots/discord/errors.js';
import {
  chooseTargetReply,
  connectedReply,
  connectLinkDm,
  connectLinkEphemeral,
  saveReply,
  TABLE_PICKER_ID,
  type DiscordReply,
} from '../../../../src/bots/discord/replies.js';
import type { SaveOutcome } from '../../../../src/core/outcomes.js';
import { validateMessage } from '../../../fakes/discord/validate.js';

/** The body discord.js would send for this reply. */
function json(reply: DiscordReply) {
  return { content: reply.content, components: reply.components.map((c) => c.toJSON()), allowed_mentions: reply.allowedMentions };
}

const link = { url: 'https://save.example/oauth/notion/start?t=abc', expiresAt: new Date('2030-01-01T00:10:00Z'), current: { connected: false as const } };

describe('discordFormatter', () => {
  it('bolds, links and quotes code in Discord markdown, escaping what users and Notion control', () => {
    expect(f.bold('Acme')).toBe('**Acme**');
    expect(f.bold('*ops* _x_')).toBe('**\\*ops\\* \\_x\\_**');
    expect(f.link('https://notion.so/p', 'Tweets')).toBe('[Tweets](https://notion.so/p)');
    expect(f.link('https://notion.so/a(b)', 'x](https://evil.example)')).toBe('[x\\](https://evil.example)](https://notion.so/a%28b%29)');
    expect(f.code('/save-tweet x')).toBe('`/save-tweet x`');
    expect(f.code('a`b')).not.toContain('a`b');
  });
});

describe('replies', () => {
  it('every reply is a body Discord accepts, and pings nobody', () => {
    const outcomes: SaveOutcome[] = [
      { kind: 'saved', pageUrl: 'https://www.notion.so/row-1', table: 'Tweets', tweet: { handle: 'jack' }, textMissing: false },
      { kind: 'not_connected', connectUrl: link.url },
      { kind: 'reconnect', connectUrl: link.url },
      { kind: 'no_tweet', reason: 'empty' },
      { kind: 'needs_table', status: { kind: 'choose', tables: [{ id: 'ds-1', title: 'A' }, { id: 'ds-2', title: 'B' }] } },
      { kind: 'needs_table', status: { kind: 'none_shared' } },
      { kind: 'rate_limited', retryAfterSeconds: 3 },
      { kind: 'failed', reason: 'internal' },
    ];
    const replies = [...outcomes.map((o) => saveReply(o)), connectLinkDm(link), connectLinkEphemeral(link)];
    for (const reply of replies) {
      expect(validateMessage(json(reply))).toEqual([]);
      expect(reply.allowedMentions).toEqual({ parse: [] });
    }
  });

  it('adds the right button: the row, the connect link, or a table menu', () => {
    const saved = json(saveReply({ kind: 'saved', pageUrl: 'https://www.notion.so/row-1', table: 'Tweets', tweet: { handle: 'jack' }, textMissing: false }));
    expect(saved.components).toEqual([{ type: 1, components: [{ type: 2, style: 5, url: 'https://www.notion.so/row-1', label: 'Open in Notion' }] }]);
    expect(json(saveReply({ kind: 'not_connected', connectUrl: link.url })).components[0]?.components[0]).toMatchObject({ url: link.url, label: 'Connect Notion' });
    expect(json(saveReply({ kind: 'no_tweet', reason: 'no_tweet' })).components).toEqual([]);
    const picker = json(connectedReply({ workspaceName: 'Acme', status: { kind: 'choose', tables: [{ id: 'ds-1', title: 'A' }] } }));
    expect(picker.components[0]?.components[0]).toMatchObject({ type: 3, custom_id: TABLE_PICKER_ID, options: [{ label: 'A', value: 'ds-1' }] });
  });

  it('keeps the table menu within Discord\'s limits (25 options, 100-character labels)', () => {
    const tables = Array.from({ length: 30 }, (_, i) => ({ id: `ds-${i}`, title: `${'T'.repeat(150)}${i}` }));
    const reply = json(chooseTargetReply({ kind: 'choose', tables }));
    const menu = reply.components[0]?.components[0] as { options: { label: string }[] };
    expect(menu.options).toHaveLength(25);
    expect(menu.options.every((o) => o.label.length <= 100)).toBe(true);
    expect(validateMessage(reply)).toEqual([]);
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
    new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.com/api/v10/interactions/1/SECRET-TOKEN/callback', { body: { secret: 'x' } });

  it('recognises closed DMs and rejected tokens', () => {
    expect(isDmBlocked(apiError(403, 50007, 'Cannot send messages to this user'))).toBe(true);
    expect(isDmBlocked(apiError(403, 50278, 'no mutual guilds'))).toBe(true);
    expect(isDmBlocked(apiError(404, 10003, 'Unknown Channel'))).toBe(false);
    expect(isTokenRejection(apiError(401, 0, '401: Unauthorized'))).toBe(true);
    expect(isTokenRejection(Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }))).toBe(true);
    expect(isTokenRejection(new Error('Authentication failed'))).toBe(true);
    expect(isTokenRejection(new Error('ECONNREFUSED'))).toBe(false);
  });

  it('log fields leave out the request URL and body (interaction tokens live there)', () => {
    const fields = errorFields(apiError(400, 40060, 'Interaction has already been acknowledged.'));
    expect(fields).toEqual({ errName: 'DiscordAPIError[40060]', errCode: 40060, errStatus: 400, errMethod: 'POST', errMessage: 'Interaction has already been acknowledged.' });
    expect(JSON.stringify(fields)).not.toContain('SECRET-TOKEN');
  });
});
