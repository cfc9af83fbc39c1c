import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/core/create-core.js';
import type { SaveOutcome } from '../../../src/core/outcomes.js';
import type { NotionGateway, SaveIndex } from '../../../src/core/ports.js';
import type { ReplyTo } from '../../../src/core/save-jobs.js';
import { MemorySaveJobQueue } from '../../../src/store/jobs/memory-save-job-queue.js';
import { liveConnection, memoryClaims, memoryConnections, memoryPending, sam, silent } from './fakes.js';

const TABLE = { dataSourceId: 'ds-1', title: 'Tweets', mapping: { title: 'Name', text: 'Tweet' } };

describe('onConnected', () => {
  it('a store failing to reset the reconnect DM claim does not stop the "Connected" DM or the kept saves', async () => {
    const connections = memoryConnections(
      liveConnection('', { refreshToken: null, lostAccessAt: '2025-01-02T00:00:00.000Z' }),
    );
    const claims = memoryClaims();
    claims.release = async () => Promise.reject(new Error('store unavailable'));
    const pendingSaves = memoryPending();
    await pendingSaves.add(sam, {
      tweet: { id: '20', url: 'https://x.com/jack/status/20', text: 'just setting up my twttr', handle: 'jack' },
      queuedAt: '2025-01-02T00:00:00.000Z',
    });
    const rows: string[] = [];
    const notion = {
      listTables: async () => [TABLE],
      createRow: async (token: string) => {
        rows.push(token);
        return { pageId: 'p-1', url: 'https://www.notion.so/p1' };
      },
      revokeToken: async () => undefined,
    } as unknown as NotionGateway;
    const saveIndex: SaveIndex = {
      find: async () => undefined,
      findByPage: async () => undefined,
      remember: async () => undefined,
      forget: async () => undefined,
    };
    const jobs = new MemorySaveJobQueue();
    const core = createCore({
      connections,
      linkTokens: { put: async () => undefined, peek: async () => undefined, take: async () => undefined },
      liveLinks: { get: async () => undefined, set: async () => undefined },
      claims,
      saveIndex,
      pendingSaves,
      notion,
      tweetProviders: { lookup: async () => undefined },
      jobs,
      log: silent,
      publicUrl: () => 'https://bot.example',
    });
    const connected: string[] = [];
    const replayed: { replyTo: ReplyTo; outcome: SaveOutcome }[] = [];
    core.registerNotifier('slack', {
      notifyConnected: async (_user, notice) => void connected.push(notice.status.kind),
      notifyReconnectNeeded: async () => undefined,
      deliverSaveResult: async (replyTo, _user, outcome) => void replayed.push({ replyTo, outcome }),
    });
    await jobs.start(core.saveJobHandler);

    const {
      chatUser: _user,
      connectedAt: _at,
      target: _target,
      lostAccessAt: _lost,
      reconnectPromptedAt: _prompted,
      pendingSince: _since,
      ...grant
    } = liveConnection('T2');
    await core.onConnected(sam, grant);
    await core.idle();

    expect(connected).toEqual(['ready']);
    expect(replayed).toEqual([
      { replyTo: { kind: 'dm' }, outcome: expect.objectContaining({ kind: 'saved', table: 'Tweets' }) },
    ]);
    expect(rows).toEqual(['T2']);
    expect(pendingSaves.list).toEqual([]);
    expect(connections.current()).toMatchObject({ accessToken: 'T2', target: { dataSourceId: 'ds-1' } });
    expect(connections.current()).not.toHaveProperty('pendingSince');
    await jobs.stop(0);
  });

  it('two sign-ins finishing at once store one connection and revoke the other token', async () => {
    const connections = memoryConnections();
    // Every read waits until the test lets it go: both callbacks are in flight before either has read.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const read = connections.get.bind(connections);
    connections.get = async () => {
      await gate;
      return read();
    };
    const revoked: string[] = [];
    const notion = {
      listTables: async () => [TABLE],
      revokeToken: async (token: string) => void revoked.push(token),
    } as unknown as NotionGateway;
    const saveIndex: SaveIndex = {
      find: async () => undefined,
      findByPage: async () => undefined,
      remember: async () => undefined,
      forget: async () => undefined,
    };
    const core = createCore({
      connections,
      linkTokens: { put: async () => undefined, peek: async () => undefined, take: async () => undefined },
      liveLinks: { get: async () => undefined, set: async () => undefined },
      claims: memoryClaims(),
      saveIndex,
      pendingSaves: memoryPending(),
      notion,
      tweetProviders: { lookup: async () => undefined },
      jobs: new MemorySaveJobQueue(),
      log: silent,
      publicUrl: () => 'https://bot.example',
    });
    const grantOf = (token: string) => {
      const { chatUser: _u, connectedAt: _c, target: _t, ...rest } = liveConnection(token);
      const { lostAccessAt: _l, reconnectPromptedAt: _r, pendingSince: _p, ...grant } = rest;
      return grant;
    };
    const both = Promise.all([core.onConnected(sam, grantOf('A')), core.onConnected(sam, grantOf('B'))]);
    await new Promise((resolve) => setImmediate(resolve));
    open();
    await both;
    await core.idle();

    const stored = connections.current()!.accessToken;
    expect(['A', 'B']).toContain(stored);
    // The one not stored is revoked at Notion; the stored one is not.
    expect(revoked).toEqual([stored === 'A' ? 'B' : 'A']);
  });
});
