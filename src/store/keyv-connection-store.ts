import type { Keyv } from 'keyv';
import { z } from 'zod';
import { chatUserKey, type ChatUser, type Platform } from '../core/chat-user.js';
import type { NotionConnection } from '../core/connection.js';
import { StoreDecryptError } from '../core/errors.js';
import type { ConnectionStore } from '../core/ports.js';
import type { Logger } from '../log.js';
import { createKeyvLease, type Leased } from './keyv-lease.js';
import type { TokenCipher } from './token-cipher.js';

const nullableString = z.string().nullable();
const optionalString = z.string().optional();

const chatUserSchema = z.object({
  platform: z.enum(['slack', 'discord']),
  teamId: optionalString,
  userId: z.string(),
  displayName: optionalString,
  workspaceName: optionalString,
});

const connectionSchema = z
  .object({
    /** Empty once Notion stopped accepting the connection: its tokens are dropped then. */
    accessToken: z.string(),
    refreshToken: nullableString,
    botId: z.string(),
    workspaceId: z.string(),
    workspaceName: nullableString,
    workspaceIcon: nullableString,
    ownerUserId: nullableString,
    duplicatedTemplateId: nullableString,
    connectedAt: z.string(),
    chatUser: chatUserSchema,
    target: z
      .object({
        dataSourceId: z.string(),
        databaseId: optionalString,
        title: z.string(),
        url: optionalString,
        parentPageId: optionalString,
        parentTitle: optionalString,
        mapping: z.object({
          title: z.string(),
          text: z.string(),
          link: optionalString,
          date: optionalString,
          posted: optionalString,
          author: optionalString,
          tags: optionalString,
          note: optionalString,
          media: optionalString,
          likes: optionalString,
        }),
      })
      .optional(),
    lostAccessAt: optionalString,
    reconnectPromptedAt: optionalString,
    pendingSince: optionalString,
  })
  .refine((c) => c.accessToken !== '' || c.lostAccessAt !== undefined) satisfies z.ZodType<NotionConnection>;

/** The key prefix of every connection (for `rotate-keys`). */
export const CONNECTION_PREFIX = 'connection:';

/** The Keyv key of a chat user's connection; also the cipher's aad, which binds a blob to its owner. */
export function connectionStoreKey(user: ChatUser): string {
  return `${CONNECTION_PREFIX}${chatUserKey(user)}`;
}

/** The key prefix of the per-workspace index of connected users (plain JSON: user ids only, no secrets). */
export const WORKSPACE_USERS_PREFIX = 'workspace-users:';

/**
 * A workspace's index is split into buckets by user id, so a connection write reads and rewrites one small list
 * however many people of the workspace are connected (one list per workspace made that quadratic in its size).
 * Fixed forever: a user's bucket must not move between versions.
 */
const WORKSPACE_BUCKETS = 256;
/** The one-list index of the version before the buckets: still read, and emptied as its users leave. */
const legacyWorkspaceKey = (platform: Platform, teamId: string) => `${WORKSPACE_USERS_PREFIX}${platform}:${teamId}`;
const workspaceBucketKey = (platform: Platform, teamId: string, bucket: number) =>
  `${legacyWorkspaceKey(platform, teamId)}:${bucket}`;
/** FNV-1a: stable across processes and versions, unlike anything seeded. */
function bucketOf(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % WORKSPACE_BUCKETS;
}
const userIdsSchema = z.array(z.string());

/** Every key a workspace's index may be stored under (the old one-list key first). */
export function workspaceIndexKeys(platform: Platform, teamId: string): string[] {
  return [
    legacyWorkspaceKey(platform, teamId),
    ...Array.from({ length: WORKSPACE_BUCKETS }, (_, b) => workspaceBucketKey(platform, teamId, b)),
  ];
}

/**
 * Connections in Keyv, each an AES-GCM blob of its JSON bound to `connection:<chat user key>`.
 * `get` re-encrypts values written under an older key, drops the tokens older versions kept on a
 * connection marked dead, and throws StoreDecryptError for anything it cannot read back, never
 * `undefined`: an unreadable record is not the same as "not connected".
 */
export class KeyvConnectionStore implements ConnectionStore {
  private readonly keyv: Keyv;
  private readonly cipher: TokenCipher;
  private readonly log: Logger;
  private readonly leased: Leased;

  constructor(options: { keyv: Keyv; cipher: TokenCipher; log: Logger }) {
    this.keyv = options.keyv;
    this.leased = createKeyvLease(options.keyv);
    this.cipher = options.cipher;
    this.log = options.log;
  }

  async get(user: ChatUser): Promise<NotionConnection | undefined> {
    const key = connectionStoreKey(user);
    const blob: unknown = await this.keyv.get(key);
    if (blob === undefined || blob === null) return undefined;

    let plaintext: string;
    let stale: boolean;
    let connection: NotionConnection;
    try {
      if (typeof blob !== 'string') throw new StoreDecryptError();
      ({ plaintext, stale } = this.cipher.decrypt(blob, key));
      connection = parseConnection(plaintext);
    } catch (e) {
      this.log.error(
        { event: 'store.decrypt_failed', storeKey: chatUserKey(user) },
        'a stored connection could not be decrypted',
      );
      throw e instanceof StoreDecryptError ? e : new StoreDecryptError();
    }

    // Versions before tokens were dropped on a loss of access kept Notion's refused tokens: secrets
    // kept for nothing. Callers get the record without them, and it is rewritten so.
    const deadWithTokens =
      connection.lostAccessAt !== undefined && (connection.accessToken !== '' || connection.refreshToken !== null);
    if (deadWithTokens) {
      connection = { ...connection, accessToken: '', refreshToken: null };
      plaintext = JSON.stringify(connection);
    }

    if (stale || deadWithTokens) {
      try {
        // Only rewrite the value we read: a disconnect or reconnect in the meantime must not be undone
        // by writing the old connection back. (Keyv has no compare-and-set; this narrows the window to
        // one round trip, and each rewrite happens once per record.)
        if ((await this.keyv.get(key)) !== blob) return connection;
        await this.keyv.set(key, this.cipher.encrypt(plaintext, key));
        const event = deadWithTokens ? 'store.dead_tokens_dropped' : 'store.reencrypted';
        this.log.info(
          { event, storeKey: chatUserKey(user) },
          deadWithTokens
            ? 'dropped the tokens of a dead connection'
            : 're-encrypted a connection under the current key',
        );
      } catch (e) {
        // The value is still readable as it is; the next read tries again.
        this.log.warn(
          { event: 'store.rewrite_failed', storeKey: chatUserKey(user), err: e },
          'could not rewrite a connection',
        );
      }
    }
    return connection;
  }

  async set(user: ChatUser, connection: NotionConnection): Promise<void> {
    const key = connectionStoreKey(user);
    // Refuse to write what `get` would later report as corrupt. No details: they could quote a token.
    if (!connectionSchema.safeParse(connection).success)
      throw new TypeError('the connection to store has an unexpected shape');
    // Indexed first: a crash in between leaves an index entry without a connection, which is harmless.
    await this.index(user, 'add');
    await this.keyv.set(key, this.cipher.encrypt(JSON.stringify(connection), key));
  }

  async delete(user: ChatUser): Promise<boolean> {
    const existed = await this.keyv.delete(connectionStoreKey(user));
    await this.index(user, 'remove');
    return existed;
  }

  withLock<T>(user: ChatUser, task: () => Promise<T>): Promise<T> {
    return this.leased(connectionStoreKey(user), task);
  }

  async usersInWorkspace(platform: Platform, teamId: string): Promise<ChatUser[]> {
    const lists = (await this.keyv.getMany<unknown>(workspaceIndexKeys(platform, teamId))).map(parseIndex);
    return [...new Set(lists.flat())].map((userId) => ({ platform, teamId, userId }));
  }

  private async readIndex(key: string): Promise<string[]> {
    return parseIndex(await this.keyv.get<unknown>(key));
  }

  /**
   * Adds a user to (or removes them from) their workspace's index. Users without a workspace (Discord)
   * have none. The read-modify-write runs under the workspace's own lease, since two people of one
   * workspace may connect at once on two instances; a write that changes nothing is skipped.
   */
  private async index(user: ChatUser, op: 'add' | 'remove'): Promise<void> {
    if (!user.teamId) return;
    await this.indexIn(workspaceBucketKey(user.platform, user.teamId, bucketOf(user.userId)), user, op === 'add');
    if (op === 'remove') await this.indexIn(legacyWorkspaceKey(user.platform, user.teamId), user, false);
  }

  private async indexIn(key: string, user: ChatUser, wanted: boolean): Promise<void> {
    if ((await this.readIndex(key)).includes(user.userId) === wanted) return;
    await this.leased(key, async () => {
      const ids = await this.readIndex(key);
      if (ids.includes(user.userId) === wanted) return;
      const next = wanted ? [...ids, user.userId] : ids.filter((id) => id !== user.userId);
      if (next.length === 0) await this.keyv.delete(key);
      else await this.keyv.set(key, JSON.stringify(next));
    });
  }
}

/** A stored index list; anything else reads as empty. */
function parseIndex(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  try {
    const parsed = userIdsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Decrypted JSON to a connection; a parse or shape failure is a StoreDecryptError without the text as cause. */
function parseConnection(plaintext: string): NotionConnection {
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    // Node's JSON.parse message quotes the input, which holds the tokens: drop it.
    throw new StoreDecryptError({ cause: new Error('stored connection is not JSON') });
  }
  const parsed = connectionSchema.safeParse(json);
  if (!parsed.success) throw new StoreDecryptError({ cause: new Error('stored connection has an unexpected shape') });
  return parsed.data;
}
