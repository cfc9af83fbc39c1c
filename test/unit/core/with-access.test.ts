import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NotionAccessRevokedError, NotionUnavailableError } from '../../../src/core/errors.js';
import { createWithAccess } from '../../../src/core/with-access.js';
import { createLogger } from '../../../src/log.js';
import { liveConnection, memoryConnections, sam, silent, tokenNotion } from './fakes.js';

function setup(stored = liveConnection('T1')) {
  const connections = memoryConnections(stored);
  const notion = tokenNotion();
  const withAccess = createWithAccess({ connections, notion: notion.gateway, log: silent });
  const run = (conn = stored) => withAccess(sam, conn, (token) => notion.call(token));
  return { connections, notion, withAccess, run };
}

describe('withAccess', () => {
  it('uses the token as long as Notion takes it, without reading the store', async () => {
    const { notion, connections, run } = setup();
    notion.live.add('T1');
    expect(await run()).toMatchObject({ value: 'ok:T1', conn: { accessToken: 'T1' } });
    expect(connections.reads).toBe(0);
    expect(notion.refreshes()).toBe(0);
  });

  it('on 401 first takes a token stored meanwhile (a refresh or reconnect elsewhere), without refreshing', async () => {
    const { notion, connections, run } = setup();
    const old = connections.current()!;
    connections.put(liveConnection('T2'));
    notion.live.add('T2');
    expect(await run(old)).toMatchObject({ value: 'ok:T2', conn: { accessToken: 'T2' } });
    expect(notion.refreshes()).toBe(0);
    expect(connections.writes).toEqual([]);
  });

  it('refreshes once for any number of calls refused at the same time, and stores the new pair on the stored record', async () => {
    const { notion, connections, run } = setup(
      liveConnection('T1', {
        target: { dataSourceId: 'ds', title: 'Tweets', mapping: { title: 'Name', text: 'Tweet' } },
      }),
    );
    notion.refreshable.add('r-T1');
    const snapshot = connections.current()!;
    // A choice of table stored after the calls read the connection is kept by the refresh.
    connections.put({
      ...snapshot,
      target: { dataSourceId: 'ds-2', title: 'Ideas', mapping: { title: 'Name', text: 'Tweet' } },
    });
    const results = await Promise.all([run(snapshot), run(snapshot), run(snapshot)]);
    expect(results.map((r) => r.value)).toEqual(['ok:T1-refreshed', 'ok:T1-refreshed', 'ok:T1-refreshed']);
    expect(notion.refreshes()).toBe(1);
    expect(connections.current()).toMatchObject({
      accessToken: 'T1-refreshed',
      refreshToken: 'r-T1-refreshed',
      target: { title: 'Ideas' },
    });
  });

  it('after a refused refresh, takes a token another instance stored meanwhile', async () => {
    const { notion, connections, run } = setup();
    // The other instance refreshed with r-T1 first: ours is refused, and its pair lands in the store.
    let other: string | undefined;
    connections.onGet = (read) => {
      if (read === 2 && !other) {
        other = 'T9';
        notion.live.add('T9');
        connections.put(liveConnection('T9'));
      }
    };
    expect(await run()).toMatchObject({ value: 'ok:T9', conn: { accessToken: 'T9' } });
    expect(notion.refreshes()).toBe(1);
  });

  it('gives up with the refused token on the error, which no log line or JSON shows', async () => {
    const secret = 'ntn_refused_secret_token';
    const { notion, run } = setup(liveConnection(secret));
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotionAccessRevokedError);
    expect((err as NotionAccessRevokedError).refusedAccessToken).toBe(secret);
    expect(notion.refreshes()).toBe(1);

    const lines: string[] = [];
    const log = createLogger(
      'debug',
      new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) }),
    );
    log.error({ err }, 'save failed');
    expect(lines.join('')).toContain('NotionAccessRevokedError');
    expect(lines.join('')).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
  });

  it('sends Notion nothing for a connection marked dead, unless a live one was stored since', async () => {
    const dead = liveConnection('', { refreshToken: null, lostAccessAt: '2025-01-02T00:00:00.000Z' });
    const { notion, connections, run } = setup(dead);
    await expect(run()).rejects.toBeInstanceOf(NotionAccessRevokedError);
    expect(notion.calls).toEqual([]);
    expect(notion.refreshes()).toBe(0);

    connections.put(liveConnection('T5'));
    notion.live.add('T5');
    expect(await run(dead)).toMatchObject({ value: 'ok:T5' });
  });

  it('passes errors other than 401 through at once', async () => {
    const { withAccess, connections } = setup();
    const failing = withAccess(sam, connections.current()!, async () => Promise.reject(new NotionUnavailableError()));
    await expect(failing).rejects.toBeInstanceOf(NotionUnavailableError);
    expect(connections.reads).toBe(0);
  });

  it('does not store refreshed tokens over a disconnect that happened during the refresh', async () => {
    const { notion, connections, run } = setup();
    notion.refreshable.add('r-T1');
    const snapshot = connections.current()!;
    connections.onGet = () => connections.put(undefined);
    await expect(run(snapshot)).rejects.toBeInstanceOf(NotionAccessRevokedError);
    expect(connections.current()).toBeUndefined();
    expect(connections.writes).toEqual([]);
    // The pair nobody stored is revoked rather than left working at Notion.
    expect(notion.revoked).toEqual(['T1-refreshed']);
  });
});
