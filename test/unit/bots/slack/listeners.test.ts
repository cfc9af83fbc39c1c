import { describe, expect, it } from 'vitest';
import { App } from '../../../../src/bots/slack/bolt.js';
import { oneListenerPerKind } from '../../../../src/bots/slack/listeners.js';

function boltApp() {
  const receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };
  // authorize, not a token: Bolt would otherwise ask Slack's auth.test who the bot is.
  const authorize = async () => ({ botToken: 'xoxb-1', botId: 'B1', botUserId: 'UB1' });
  const app = new App({ authorize, receiver });
  const send = (body: Record<string, unknown>) =>
    app.processEvent({ body: { team_id: 'T1', ...body }, ack: async () => undefined });
  const boltListeners = () => (app as unknown as { listeners: unknown[] }).listeners.length;
  return { app, send, boltListeners };
}

const command = (name: string) => ({ command: name, text: '', user_id: 'U1', channel_id: 'C1' });
const shortcut = (type: string, callbackId: string) => ({ type, callback_id: callbackId, user: { id: 'U1' } });
const action = (actionId: string) => ({
  type: 'block_actions',
  user: { id: 'U1' },
  actions: [{ action_id: actionId, block_id: 'b', type: 'button', action_ts: '1' }],
});

describe('oneListenerPerKind', () => {
  it('gives Bolt one listener per kind, and each request to the one registered for its name', async () => {
    const { app, send, boltListeners } = boltApp();
    const listeners = oneListenerPerKind(app);
    const seen: string[] = [];
    listeners.command('/a', async () => void seen.push('a'));
    listeners.command('/b', async () => void seen.push('b'));
    listeners.action('undo', async () => void seen.push('undo'));
    listeners.action(/^create_\d+$/, async () => void seen.push('create'));
    listeners.event('app_home_opened', async () => void seen.push('home'));
    expect(boltListeners()).toBe(3);

    await send(command('/b'));
    await send(command('/unknown'));
    await send(action('create_2'));
    await send(action('undo'));
    await send(action('create_x'));
    await send({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U1' } });
    await send({ type: 'event_callback', event: { type: 'reaction_added', user: 'U1' } });
    expect(seen).toEqual(['b', 'create', 'undo', 'home']);
  });

  it("keeps a registration's type: a message shortcut is not a global one, a view is its submission", async () => {
    const { app, send } = boltApp();
    const listeners = oneListenerPerKind(app);
    const seen: string[] = [];
    listeners.shortcut({ callback_id: 'save', type: 'message_action' }, async () => void seen.push('message'));
    listeners.view('note', async () => void seen.push('view'));

    await send(shortcut('shortcut', 'save'));
    await send(shortcut('message_action', 'save'));
    await send({ type: 'view_closed', user: { id: 'U1' }, view: { callback_id: 'note' } });
    await send({ type: 'view_submission', user: { id: 'U1' }, view: { callback_id: 'note' } });
    expect(seen).toEqual(['message', 'view']);
  });

  it('refuses a second listener for a name, several listeners at once, and constraints it does not know', () => {
    const { app } = boltApp();
    const listeners = oneListenerPerKind(app);
    const noop = async () => undefined;
    listeners.command('/a', noop);
    expect(() => listeners.command('/a', noop)).toThrow(/has a listener already/);
    expect(() => listeners.command('/b', noop, noop)).toThrow(TypeError);
    expect(() => listeners.action({ block_id: 'b' }, noop)).toThrow(TypeError);
  });
});
