import { describe, expect, it } from 'vitest';
import { interactionKey } from '../../../../src/bots/slack/act-once.js';
import {
  buttonActionBody,
  messageShortcutBody,
  slashCommandPayload,
  userMessage,
} from '../../../../src/sandbox/slack/payloads.js';

const actor = { teamId: 'T1', userId: 'U1', userName: 'sam' };
const payloadOf = (form: string) => JSON.parse(new URLSearchParams(form).get('payload')!) as Record<string, unknown>;

describe('interactionKey', () => {
  it('keys commands, clicks and shortcuts by their team and trigger_id', () => {
    const command = slashCommandPayload({
      ...actor,
      command: '/save-tweet',
      text: 'x',
      responseUrl: 'https://hooks.slack.com/x',
      triggerId: '111.222.abc',
    });
    expect(interactionKey(command)).toBe('slack:interaction:T1:111.222.abc');
    const click = payloadOf(
      buttonActionBody({
        ...actor,
        actionId: 'save_again',
        value: 'v',
        where: { kind: 'ephemeral', channelId: 'C1' },
        responseUrl: 'https://hooks.slack.com/y',
      }),
    );
    expect(interactionKey(click)).toBe(`slack:interaction:T1:${click.trigger_id as string}`);
    const shortcut = payloadOf(
      messageShortcutBody({
        ...actor,
        callbackId: 'save_to_notion',
        channelId: 'C1',
        responseUrl: 'https://hooks.slack.com/z',
        message: userMessage({ ...actor, text: 'hi' }),
      }),
    );
    expect(interactionKey(shortcut)).toBe(`slack:interaction:T1:${shortcut.trigger_id as string}`);
  });

  it('two different clicks have different keys; the same body always the same', () => {
    const body = () =>
      payloadOf(
        buttonActionBody({
          ...actor,
          actionId: 'save_again',
          value: 'v',
          where: { kind: 'ephemeral', channelId: 'C1' },
          responseUrl: 'https://hooks.slack.com/y',
        }),
      );
    const a = body();
    expect(interactionKey(a)).not.toBe(interactionKey(body()));
    expect(interactionKey(structuredClone(a))).toBe(interactionKey(a));
  });

  it.each<[string, Record<string, unknown>, string | undefined]>([
    [
      'a click without trigger_id: its action, message and action_ts',
      {
        type: 'block_actions',
        team: { id: 'T1' },
        user: { id: 'U1' },
        container: { message_ts: '1.2' },
        actions: [{ action_id: 'undo_save', action_ts: '3.4' }],
      },
      'slack:action:T1:U1:1.2:undo_save:3.4',
    ],
    [
      'a click with neither trigger_id nor action_ts: nothing to key on',
      { type: 'block_actions', team: { id: 'T1' }, actions: [{ action_id: 'x' }] },
      undefined,
    ],
    [
      'an event callback (deduplicated by event_id elsewhere)',
      { type: 'event_callback', event_id: 'Ev1', trigger_id: 'no' },
      undefined,
    ],
    ['an options load', { type: 'block_suggestion', trigger_id: '1.2.3' }, undefined],
    ['a closed modal', { type: 'view_closed', trigger_id: '1.2.3' }, undefined],
    ['not an object', 'payload' as unknown as Record<string, unknown>, undefined],
  ])('%s', (_what, body, expected) => {
    expect(interactionKey(body)).toBe(expected);
  });
});
