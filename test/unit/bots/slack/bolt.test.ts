import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { App } from '../../../../src/bots/slack/bolt.js';

const require = createRequire(import.meta.url);
const socketModeLoaded = () => Object.keys(require.cache).some((path) => path.includes('/@slack/socket-mode/'));

describe("Bolt's App, loaded for HTTP mode", () => {
  it('loads Socket Mode only when a Socket Mode app is made, and that app gets the real receiver', () => {
    expect(socketModeLoaded()).toBe(false);

    const app = new App({ token: 'xoxb-1', appToken: 'xapp-1', socketMode: true, tokenVerificationEnabled: false });

    expect(socketModeLoaded()).toBe(true);
    const { SocketModeReceiver } = require('@slack/bolt') as typeof import('@slack/bolt');
    expect((app as unknown as { receiver: unknown }).receiver).toBeInstanceOf(SocketModeReceiver);
  });
});
