import { describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import type { NotionConnection } from '../../../src/core/connection.js';
import { createTableOnce } from '../../../src/core/create-table-once.js';
import type { ChooseTargetOutcome } from '../../../src/core/outcomes.js';
import type { ClaimStore, ConnectionStore } from '../../../src/core/ports.js';
import { kim } from '../../helpers/fixtures.js';
import { memoryClaims } from './fakes.js';

const PAGE = '1a2b3c4d-0000-4000-8000-00000000abcd';
const CREATED: ChooseTargetOutcome = {
  kind: 'created',
  table: 'Tweets',
  url: 'https://www.notion.so/t',
  pageTitle: 'Reading',
};

function connectionsWith(conn: Partial<NotionConnection> | undefined): ConnectionStore {
  return {
    get: async () => conn as NotionConnection | undefined,
    set: async () => undefined,
    delete: async () => false,
    withLock: (_user, task) => task(),
    usersInWorkspace: async () => [],
  };
}

describe('createTableOnce', () => {
  it('runs the creation once for clicks in this process; they share its result', async () => {
    const claims = memoryClaims();
    const once = createTableOnce({ claims, connections: connectionsWith(undefined) });
    let runs = 0;
    const create = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return CREATED;
    };
    const fail = async (): Promise<ChooseTargetOutcome> => ({ kind: 'none_shared' });
    const results = await Promise.all([
      once(kim, PAGE, create, fail),
      once(kim, PAGE.replace(/-/g, '').toUpperCase(), create, fail),
    ]);
    expect(results).toEqual([CREATED, CREATED]);
    expect(runs).toBe(1);
    // Held after a success, so a late click does not create a second table.
    expect(claims.held.size).toBe(1);
  });

  it('a click that loses the claim to another instance answers with the table that instance set', async () => {
    const claims = memoryClaims();
    await claims.claim(`create-table:discord:${kim.userId}:${PAGE.replace(/-/g, '')}`, 1000);
    const target = {
      dataSourceId: 'ds',
      title: 'Tweets',
      url: 'https://www.notion.so/t',
      parentPageId: PAGE.replace(/-/g, ''),
      parentTitle: 'Reading',
      mapping: { title: 'Handle', text: 'Tweet' },
    };
    // No table when the click arrives; the other instance's appears while it waits.
    const stored = connectionsWith({ target });
    let reads = 0;
    const connections = {
      ...stored,
      get: async (u: ChatUser) => (reads++ === 0 ? { ...(await stored.get(u))!, target: undefined } : stored.get(u)),
    };
    const once = createTableOnce({ claims, connections });
    const create = async (): Promise<ChooseTargetOutcome> => {
      throw new Error('must not create');
    };
    expect(await once(kim, PAGE, create, create)).toEqual(CREATED);
  });

  it('releases the claim after a failed creation, so another click can try again', async () => {
    const claims = memoryClaims();
    const once = createTableOnce({ claims, connections: connectionsWith(undefined) });
    const other = async (): Promise<ChooseTargetOutcome> => ({ kind: 'none_shared' });
    await expect(once(kim, PAGE, async () => Promise.reject(new Error('Notion down')), other)).rejects.toThrow(
      'Notion down',
    );
    expect(
      await once(kim, PAGE, async () => ({ kind: 'reconnect', connectUrl: 'https://x/start' }), other),
    ).toMatchObject({ kind: 'reconnect' });
    expect(claims.held.size).toBe(0);
    expect(await once(kim, PAGE, async () => CREATED, other)).toEqual(CREATED);
  });
});

describe('createTableOnce: how long a click holds its claim', () => {
  it('longer than the slowest click can wait on Notion (SDK: 3 attempts of 15 s, 2 waits of 10 s, per request; 15 requests)', async () => {
    const ttls: number[] = [];
    const claims: ClaimStore = {
      async claim(_key, ttlMs) {
        ttls.push(ttlMs);
        return true;
      },
      async release() {},
    };
    const once = createTableOnce({ claims, connections: connectionsWith(undefined) });
    await once(
      kim,
      PAGE,
      async () => CREATED,
      async () => CREATED,
    );
    expect(ttls).toHaveLength(1);
    expect(ttls[0]).toBeGreaterThan((3 * 15_000 + 2 * 10_000) * 15);
  });
});
