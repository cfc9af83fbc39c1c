import { randomBytes, randomUUID } from 'node:crypto';
import type { NotionConnection } from '../../src/core/connection.js';
import { createLogger } from '../../src/log.js';
import { openStore } from '../../src/store/open-store.js';

/**
 * Writes `count` connected users into a SQLite store through the product's own store modules (same keys, same
 * encryption, same validation), in one transaction so 100,000 rows take seconds, not an fsync each. Bench only.
 */
export async function seedSqliteConnections(opts: {
  storeUrl: string;
  tokenEncryptionKey: string;
  dataDir: string;
  count: number;
}): Promise<void> {
  const store = await openStore(
    {
      storeUrl: opts.storeUrl,
      tokenEncryptionKey: opts.tokenEncryptionKey,
      dataDir: opts.dataDir,
      nodeEnv: 'production',
    },
    createLogger('silent'),
  );
  const sqlite = store.keyv.store as { query(sql: string): Promise<unknown> };
  await sqlite.query('BEGIN');
  const batch = 500;
  for (let start = 0; start < opts.count; start += batch) {
    const writes: Promise<void>[] = [];
    for (let i = start; i < Math.min(opts.count, start + batch); i++) {
      const chatUser = { platform: 'slack' as const, teamId: 'TSEED', userId: `USEED${i}`, displayName: `seed${i}` };
      const connection: NotionConnection = {
        accessToken: `ntn_${randomBytes(24).toString('hex')}`,
        refreshToken: `nrt_${randomBytes(24).toString('hex')}`,
        botId: randomUUID(),
        workspaceId: randomUUID(),
        workspaceName: `Seed workspace ${i}`,
        workspaceIcon: null,
        ownerUserId: randomUUID(),
        duplicatedTemplateId: null,
        connectedAt: new Date().toISOString(),
        chatUser,
        target: {
          dataSourceId: randomUUID(),
          databaseId: randomUUID(),
          title: 'Tweets',
          mapping: { title: 'Name', text: 'Tweet', link: 'Link', date: 'Saved' },
        },
      };
      writes.push(store.connections.set(chatUser, connection));
    }
    await Promise.all(writes);
  }
  await sqlite.query('COMMIT');
  await store.close();
}
