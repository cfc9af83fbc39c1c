import { describe, expect, it } from 'vitest';
import { createDmNotifier, type DmChannel } from '../../../src/bots/dm-notifier.js';
import type { ChatUser } from '../../../src/core/chat-user.js';
import type { ConnectedNotice, ReconnectNotice } from '../../../src/core/outcomes.js';
import { createLogger } from '../../../src/log.js';
import { kim, sam } from '../../helpers/fixtures.js';

const connected: ConnectedNotice = { workspaceName: 'Acme', status: { kind: 'none_shared' } };
const reconnect: ReconnectNotice = {
  workspaceName: 'Acme',
  connectUrl: 'https://example.test/oauth/notion/start?t=x',
  pending: 2,
};

/** A channel that records what it was asked to send, failing for the users in `failFor`. */
function recordingChannel(failFor: ChatUser[] = []) {
  const sent: { to: string; message: string }[] = [];
  const channel: DmChannel<string> = {
    platform: 'slack',
    async send(user, message) {
      if (failFor.includes(user))
        throw Object.assign(new Error('channel_not_found'), { code: 'slack_webapi_platform_error' });
      sent.push({ to: user.userId, message });
    },
    errorFields: (err) => ({ errMessage: (err as Error).message }),
    connected: (n) => `connected to ${n.workspaceName}`,
    reconnectNeeded: (n) => `reconnect, ${n.pending} kept`,
  };
  return { channel, sent };
}

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { log, lines };
}

describe('createDmNotifier', () => {
  it('sends each notice as one DM rendered by the channel, and logs what it sent', async () => {
    const { channel, sent } = recordingChannel();
    const { log, lines } = capturedLogger();
    const notifier = createDmNotifier(channel, log);
    await notifier.notifyConnected(sam, connected);
    await notifier.notifyReconnectNeeded(sam, reconnect);
    expect(sent).toEqual([
      { to: sam.userId, message: 'connected to Acme' },
      { to: sam.userId, message: 'reconnect, 2 kept' },
    ]);
    expect(lines.map((l) => [l.event, l.msg])).toEqual([
      ['notify_connected', 'DM sent'],
      ['notify_reconnect_needed', 'DM sent'],
    ]);
    expect(lines[0]).toMatchObject({ teamId: sam.teamId, userId: sam.userId, target: 'none_shared' });
    expect(JSON.stringify(lines)).not.toContain(reconnect.connectUrl);
  });

  it('logs a refused DM instead of throwing', async () => {
    const { channel, sent } = recordingChannel([sam]);
    const { log, lines } = capturedLogger();
    await expect(createDmNotifier(channel, log).notifyReconnectNeeded(sam, reconnect)).resolves.toBeUndefined();
    expect(sent).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({ event: 'notify_reconnect_needed', msg: 'DM failed', errMessage: 'channel_not_found' }),
    ]);
  });

  it("skips users of another platform: they are not this channel's to reach", async () => {
    const { channel, sent } = recordingChannel();
    const { log, lines } = capturedLogger();
    await createDmNotifier(channel, log).notifyConnected(kim, connected);
    expect(sent).toEqual([]);
    expect(lines).toEqual([]);
  });
});
