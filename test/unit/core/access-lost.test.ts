import { describe, expect, it } from 'vitest';
import { createAccessLost, reconnectClaim } from '../../../src/core/access-lost.js';
import type { NotionConnection } from '../../../src/core/connection.js';
import { NotionAccessRevokedError, NotionUnavailableError } from '../../../src/core/errors.js';
import {
  liveConnection,
  memoryClaims,
  memoryConnections,
  memoryPending,
  recordingNotifier,
  sam,
  silent,
} from './fakes.js';

const AT = '2025-03-04T05:06:07.000Z';
const KEPT = { tweet: { id: '20', url: 'https://x.com/jack/status/20' } };
const KEEP = { save: KEPT, claimHeld: false };
const TARGET = { dataSourceId: 'ds', title: 'Tweets', mapping: { title: 'Name', text: 'Tweet' } };

function setup(stored: NotionConnection | undefined) {
  const connections = memoryConnections(stored);
  const claims = memoryClaims();
  const pendingSaves = memoryPending();
  const notifier = recordingNotifier();
  const tracked: Promise<unknown>[] = [];
  const lost = createAccessLost({
    connections,
    pendingSaves,
    claims,
    log: silent,
    now: () => new Date(AT),
    newConnectLink: async () => ({ url: 'https://bot.example/oauth/notion/start?t=x' }),
    notifierFor: () => notifier,
    track: (task) => void tracked.push(task),
  });
  const settled = () => Promise.all(tracked);
  return { connections, claims, pendingSaves, notifier, lost, settled };
}

/** An operation Notion refuses with `token`, then (when `works` says so) accepts. */
function refusing(token: string, works: (conn: NotionConnection) => boolean = () => false) {
  const runs: string[] = [];
  const op = async (conn: NotionConnection) => {
    runs.push(conn.accessToken);
    if (works(conn)) return `done with ${conn.accessToken}`;
    throw new NotionAccessRevokedError({ refusedAccessToken: token });
  };
  return { op, runs };
}

describe('withLiveConnection', () => {
  it('marks the stored connection dead when it still holds the refused token: from the stored copy, tokens dropped, one DM', async () => {
    const snapshot = liveConnection('T1');
    const { connections, lost, notifier, pendingSaves, claims, settled } = setup(snapshot);
    // A table chosen after the operation read the connection stays.
    connections.put({ ...snapshot, target: TARGET });
    const { op } = refusing('T1');

    expect(await lost.withLiveConnection(sam, snapshot, op, { keep: KEEP })).toEqual({
      kind: 'lost',
    });
    expect(await lost.withLiveConnection(sam, snapshot, op, { keep: KEEP })).toEqual({
      kind: 'lost',
    });
    expect(
      await lost.withLiveConnection(sam, snapshot, op, {
        keep: { save: { tweet: { id: '21', url: 'https://x.com/jack/status/21' } }, claimHeld: false },
      }),
    ).toEqual({ kind: 'lost' });
    await settled();

    expect(connections.current()).toEqual({
      ...snapshot,
      target: TARGET,
      accessToken: '',
      refreshToken: null,
      lostAccessAt: AT,
      reconnectPromptedAt: AT,
      pendingSince: AT,
    });
    // The second loss found it dead already: nothing more to write, no second DM.
    expect(connections.writes).toHaveLength(1);
    expect(notifier.reconnect).toEqual([{ workspaceName: 'Acme', connectUrl: expect.any(String), pending: 1 }]);
    // The same tweet sent twice while access is lost is kept once (the replay writes one row); another is kept too.
    expect(pendingSaves.list.map((p) => p.tweet.id)).toEqual(['20', '21']);
    expect(claims.held.has(reconnectClaim(sam))).toBe(true);
  });

  it('a reconnect stored after Notion refused the old token: nothing marked, nobody told, the operation runs again with it', async () => {
    const snapshot = liveConnection('T1');
    const { connections, lost, notifier, pendingSaves, claims, settled } = setup(snapshot);
    const { op, runs } = refusing('T1', (conn) => conn.accessToken === 'T2');
    connections.put(liveConnection('T2', { botId: 'bot-2' }));

    expect(await lost.withLiveConnection(sam, snapshot, op, { keep: KEEP })).toEqual({
      kind: 'done',
      value: 'done with T2',
    });
    await settled();
    expect(runs).toEqual(['T1', 'T2']);
    expect(connections.writes).toEqual([]);
    expect(connections.current()).toMatchObject({ accessToken: 'T2', refreshToken: 'r-T2' });
    expect(notifier.reconnect).toEqual([]);
    expect(pendingSaves.list).toEqual([]);
    expect(claims.held.size).toBe(0);
  });

  it('tokens that keep changing under it end in "try again", never in a dead mark', async () => {
    const { connections, lost, notifier } = setup(liveConnection('T1'));
    let n = 1;
    connections.onGet = () => connections.put(liveConnection(`T${++n}`));
    const op = async (conn: NotionConnection): Promise<string> => {
      throw new NotionAccessRevokedError({ refusedAccessToken: conn.accessToken });
    };
    await expect(lost.withLiveConnection(sam, liveConnection('T1'), op)).rejects.toBeInstanceOf(NotionUnavailableError);
    expect(connections.writes).toEqual([]);
    expect(notifier.reconnect).toEqual([]);
  });

  it('a disconnect meanwhile: "gone", and nothing is written back', async () => {
    const { connections, lost, pendingSaves } = setup(undefined);
    expect(
      await lost.withLiveConnection(sam, liveConnection('T1'), refusing('T1').op, {
        keep: KEEP,
      }),
    ).toEqual({
      kind: 'gone',
    });
    expect(connections.writes).toEqual([]);
    expect(pendingSaves.list).toEqual([]);
  });

  it('quiet (a status check): marks it dead without the DM or the claim, so the next button still sends the one DM', async () => {
    const snapshot = liveConnection('T1');
    const { connections, lost, notifier, claims, settled } = setup(snapshot);
    expect(await lost.withLiveConnection(sam, snapshot, refusing('T1').op, { quiet: true })).toEqual({ kind: 'lost' });
    expect(connections.current()).toMatchObject({ accessToken: '', refreshToken: null, lostAccessAt: AT });
    expect(connections.current()).not.toHaveProperty('reconnectPromptedAt');
    expect(claims.held.size).toBe(0);

    expect(await lost.withLiveConnection(sam, connections.current()!, refusing('').op)).toEqual({ kind: 'lost' });
    await settled();
    expect(notifier.reconnect).toEqual([{ workspaceName: 'Acme', connectUrl: expect.any(String), pending: 0 }]);
  });

  it('passes other errors through, untouched', async () => {
    const { connections, lost } = setup(liveConnection('T1'));
    const op = async (): Promise<string> => Promise.reject(new NotionUnavailableError());
    await expect(lost.withLiveConnection(sam, liveConnection('T1'), op)).rejects.toBeInstanceOf(NotionUnavailableError);
    expect(connections.reads).toBe(0);
  });
});
