import type { Keyv } from 'keyv';
import { chatUserKey, type ChatUser } from '../core/chat-user.js';
import { StoreDecryptError } from '../core/errors.js';
import type { SaveIndex, SavedRecord } from '../core/ports.js';
import { openRecord, rewriteIfUnchanged, sealRecord } from './sealed-records.js';
import type { TokenCipher } from './token-cipher.js';

const compactId = (id: string) => id.replace(/-/g, '').toLowerCase();

const isString = (v: unknown): v is string => typeof v === 'string';

/** The fields every version wrote; `tweet` is the parsed tweet (its text, handle, link). */
export function isSavedRecord(value: unknown): value is SavedRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    ['pageId', 'pageUrl', 'dataSourceId', 'table', 'tweetKey', 'savedAt'].every((k) => isString(r[k])) &&
    typeof r.tweet === 'object' &&
    r.tweet !== null
  );
}

/** The key prefixes of the index's records (for `rotate-keys`). */
export const SAVE_INDEX_PREFIXES = ['saved:', 'saved-page:'] as const;

/**
 * Two keys per saved tweet: by tweet (duplicate guard) and by row (Undo). Both live under the
 * chat user's key, so nobody can find or undo another user's saves. The records hold the tweet's
 * text, the table's name and the row's URL, so each is stored encrypted like a connection, bound
 * to its store key; a record older versions kept in clear is read and then rewritten encrypted.
 * A record that does not decrypt throws StoreDecryptError (it is not the same as "never saved").
 */
export class KeyvSaveIndex implements SaveIndex {
  constructor(
    private readonly keyv: Keyv,
    private readonly cipher: TokenCipher,
  ) {}

  private byTweet(user: ChatUser, dataSourceId: string, tweetKey: string): string {
    return `saved:${chatUserKey(user)}:${compactId(dataSourceId)}:${tweetKey}`;
  }

  private byPage(user: ChatUser, pageId: string): string {
    return `saved-page:${chatUserKey(user)}:${compactId(pageId)}`;
  }

  private async read(key: string): Promise<SavedRecord | undefined> {
    const stored: unknown = await this.keyv.get(key);
    if (stored === undefined || stored === null) return undefined;
    const { value, stale } = openRecord(this.cipher, key, stored, isSavedRecord);
    // Best effort: the record is readable as it is, and the next read tries again.
    if (stale) await rewriteIfUnchanged(this.keyv, key, stored, sealRecord(this.cipher, key, value)).catch(() => false);
    return value;
  }

  find(user: ChatUser, dataSourceId: string, tweetKey: string): Promise<SavedRecord | undefined> {
    return this.read(this.byTweet(user, dataSourceId, tweetKey));
  }

  findByPage(user: ChatUser, pageId: string): Promise<SavedRecord | undefined> {
    return this.read(this.byPage(user, pageId));
  }

  async remember(user: ChatUser, record: SavedRecord): Promise<void> {
    const byTweet = this.byTweet(user, record.dataSourceId, record.tweetKey);
    const byPage = this.byPage(user, record.pageId);
    // One write for both (one statement on SQLite and Postgres, one MULTI on Redis): a save's last store step.
    await this.keyv.setMany([
      { key: byTweet, value: sealRecord(this.cipher, byTweet, record) },
      { key: byPage, value: sealRecord(this.cipher, byPage, record) },
    ]);
  }

  async forget(user: ChatUser, record: SavedRecord): Promise<void> {
    // An unreadable entry is not this row's to keep: Undo still drops the row's own key below.
    const current = await this.find(user, record.dataSourceId, record.tweetKey).catch((e: unknown) => {
      if (e instanceof StoreDecryptError) return undefined;
      throw e;
    });
    // A later "Save again" may have replaced the tweet's entry; only drop it when it is this row.
    if (current && compactId(current.pageId) === compactId(record.pageId)) {
      await this.keyv.delete(this.byTweet(user, record.dataSourceId, record.tweetKey));
    }
    await this.keyv.delete(this.byPage(user, record.pageId));
  }
}
