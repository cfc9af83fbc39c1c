import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/core/create-core.js';
import type { NotionGateway, SaveIndex } from '../../../src/core/ports.js';
import type { SaveOutcome } from '../../../src/core/outcomes.js';
import { MemorySaveJobQueue } from '../../../src/store/jobs/memory-save-job-queue.js';
import { liveConnection, memoryClaims, memoryConnections, memoryPending, sam, silent } from './fakes.js';

const TABLE = { dataSourceId: 'ds-1', title: 'Tweets', mapping: { title: 'Name', text: 'Tweet' } };

describe('onConnected', () => {
  it('a store failing to reset the reconnect DM claim does not stop the "Connected" DM or the kept saves', async () => {
    const connections = memoryConnections(liveConnection('', { refreshToken: null, lostAccessAt: '2025-01-02T00:00:00.000Z' }));
    const claims = memoryClaims();
    claims.release = async () => Promise.reject(new Error('store unavailable'));
    const pendingSaves = memoryPending();
    await pendingSaves.add(sam, { tweet: { id: '20', url: 'https://x.com/jack/status/20', text: 'just setting up my twttr', handle: 'jack' }, queuedAt: '2025-01-02T00:00:00.000Z' });
    const rows: string[] = [];
    const notion = {
      listTables: async () => [TABLE],
      createRow: async (token: string) => {
        rows.push(token);
        return { pageId: 'p-1', url: 'https://www.notion.so/p1' };
      },
      revokeToken: async () => undefined,
    } as unknown as NotionGateway;
    const saveIndex: SaveIndex = { find: async () => undefined, findByPage: async () => undefined, remember: async () => undefined, forget: async () => undefined };
    const jobs = new MemorySaveJobQueue();
    const core = createCore({
      connections,
      linkTokens: { put: async () => undefined, take: async () => undefined },
      claims,
      saveIndex,
      pendingSaves,
      notion,
      lookupTweet: async () => undefined,
      jobs,
      log: silent,
      publicUrl: () => 'https://bot.example',
    });
    const connected: string[] = [];
    const replayed: SaveOutcome[][] = [];
    core.registerNotifier('slack', {
      notifyConnected: async (_user, notice) => void connected.push(notice.status.kind),
      notifyReconnectNeeded: async () => undefined,
      notifyPendingSaved: async (_user, outcomes) => void replayed.push(outcomes),
      deliverSaveResult: async () => undefined,
    });
    await jobs.start(core.saveJobHandler);

    const { chatUser: _user, connectedAt: _at, target: _target, lostAccessAt: _lost, reconnectPromptedAt: _prompted, pendingSince: _since, ...grant } = liveConnection('T2');
    await core.onConnected(sam, grant);
    await core.idle();

    expect(connected).toEqual(['ready']);
    expect(replayed).toEqual([[expect.objectContaining({ kind: 'saved', table: 'Tweets' })]]);
    expect(rows).toEqual(['T2']);
    expect(pendingSaves.list).toEqual([]);
    expect(connections.current()).toMatchObject({ accessToken: 'T2', target: { dataSourceId: 'ds-1' } });
    expect(connections.current()).not.toHaveProperty('pendingSince');
    await jobs.stop(0);
  });
});
