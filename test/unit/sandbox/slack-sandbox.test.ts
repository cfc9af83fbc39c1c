import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';

const TOKEN = 'xoxb-unit-sandbox';

describe('Slack sandbox (driven by the real WebClient)', () => {
  let slack: SlackSandbox;
  let client: webApi.WebClient;

  beforeEach(async () => {
    slack = await startSlackSandbox({ botToken: TOKEN, teamId: 'T0UNIT', botUserId: 'U0BOT', botId: 'B0BOT' });
    client = new webApi.WebClient(TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterEach(async () => {
    await slack.close();
  });

  it('answers auth.test the way Bolt needs it', async () => {
    expect(slack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      team_id: 'T0UNIT',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      is_enterprise_install: false,
    });
  });

  it('rejects a wrong or missing token with invalid_auth / not_authed and records no token', async () => {
    const wrong = new webApi.WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(wrong.chat.postMessage({ channel: 'U1', text: 'hi' })).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_auth' },
    });
    const none = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      body: new URLSearchParams({ channel: 'U1', text: 'hi' }),
    });
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
    const inBody = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN }),
    });
    expect(await inBody.json()).toMatchObject({ ok: true });
    expect(JSON.stringify(slack.calls)).not.toContain('xoxb');
  });

  it('opens the DM for a user id, answers with the D channel, and records parsed blocks', async () => {
    const res = await client.chat.postMessage({
      channel: 'U0SAM',
      text: 'hello',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hello*' } }],
    });
    expect(res).toMatchObject({
      ok: true,
      channel: slack.imChannelFor('U0SAM'),
      ts: expect.stringMatching(/^\d+\.\d{6}$/),
      message: { text: 'hello', bot_id: 'B0BOT' },
    });
    expect(slack.calls.at(-1)).toMatchObject({
      method: 'chat.postMessage',
      args: { channel: 'U0SAM', blocks: [{ type: 'section' }] },
    });
    expect(slack.messagesTo('U0SAM')).toHaveLength(1);
    const open = await client.conversations.open({ users: 'U0SAM' });
    expect(open.channel?.id).toBe(slack.imChannelFor('U0SAM'));
    const updated = await client.chat.update({ channel: res.channel!, ts: res.ts!, text: 'edited' });
    expect(updated.ok).toBe(true);
    expect(slack.messagesTo('U0SAM')[0]!.text).toBe('edited');
  });

  it('accepts JSON bodies too', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0GENERAL', text: 'json' }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0GENERAL' });
  });

  it('answers like Slack for missing arguments and unknown methods', async () => {
    await expect(client.chat.postMessage({ channel: 'U0SAM' } as never)).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
    await expect(client.chat.postMessage({ channel: '', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postEphemeral({ channel: 'C1X', user: '', text: 'x' })).rejects.toMatchObject({
      data: { error: 'user_not_in_channel' },
    });
    await expect(client.chat.update({ channel: 'C0GENERAL', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    await expect(client.conversations.open({} as never)).rejects.toMatchObject({
      data: { error: 'users_list_not_supplied' },
    });
    await expect(client.views.publish({ user_id: 'U0SAM', view: { type: 'modal' } as never })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    await expect(client.apiCall('nope.nothing')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('publishes home views and posts ephemerals', async () => {
    await expect(client.views.publish({ user_id: 'U0SAM', view: { type: 'home', blocks: [] } })).resolves.toMatchObject(
      { ok: true, view: { type: 'home' } },
    );
    await expect(
      client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0SAM', text: 'psst' }),
    ).resolves.toMatchObject({ ok: true });
    expect(slack.messagesTo('U0SAM').map((m) => m.via)).toEqual(['chat.postEphemeral']);
  });

  it('response_url: validates the JSON and allows 5 uses', async () => {
    const url = slack.newResponseUrl({ userId: 'U0SAM' });
    expect(url.startsWith(slack.responseUrlBase)).toBe(true);
    const send = (body: unknown, contentType = 'application/json') =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    expect((await send('{nope')).status).toBe(400);
    expect((await send({ response_type: 'loud', text: 'x' })).status).toBe(400);
    expect((await send({ response_type: 'ephemeral' })).status).toBe(400);
    expect((await send('text=hi', 'application/x-www-form-urlencoded')).status).toBe(400);
    for (let i = 0; i < 5; i += 1)
      expect((await send({ response_type: 'ephemeral', text: `answer ${i}` })).status).toBe(200);
    const sixth = await send({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    expect(slack.responses.map((r) => r.body.text)).toEqual([
      'answer 0',
      'answer 1',
      'answer 2',
      'answer 3',
      'answer 4',
    ]);
    expect(slack.messagesTo('U0SAM')).toHaveLength(5);
    const unknown = await fetch(`${slack.responseUrlBase}never-issued`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses message blocks that break Block Kit limits with invalid_blocks, like Slack', async () => {
    const button = (actionId: string, text = 'Undo') => ({
      type: 'button',
      text: { type: 'plain_text', text },
      action_id: actionId,
      value: 'v',
    });
    const actions = (...elements: unknown[]) => [{ type: 'actions', elements }];
    await expect(
      client.chat.postMessage({ channel: 'U0SAM', text: 'x', blocks: actions(button('a'), button('b')) as never }),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      client.chat.postMessage({ channel: 'U0SAM', text: 'x', blocks: actions(button('a'), button('a')) as never }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(
      client.chat.postMessage({ channel: 'U0SAM', text: 'x', blocks: actions(button('a', 'L'.repeat(76))) as never }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(
      client.chat.postMessage({
        channel: 'U0SAM',
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }],
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const url = slack.newResponseUrl({ userId: 'U0SAM' });
    const post = (blocks: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x', blocks }),
      });
    const bad = await post(actions(button('a'), button('a')));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('invalid_blocks');
    expect((await post(actions(button('a')))).status).toBe(200);
  });
});
