import type { Keyv } from 'keyv';
import { chatUserKey, type ChatUser } from '../core/chat-user.js';
import type { SaveIndex, SavedRecord } from '../core/ports.js';

const compactId = (id: string) => id.replace(/-/g, '').toLowerCase();

/**
 * Two keys per saved tweet: by tweet (duplicate guard) and by row (Undo). Both live under the
 * chat user's key, so nobody can find or undo another user's saves. Not secret: no tokens.
 */
export class KeyvSaveIndex implements SaveIndex {
  constructor(private readonly keyv: Keyv) {}

  private byTweet(user: ChatUser, dataSourceId: string, tweetKey: string): string {
    return `saved:${chatUserKey(user)}:${compactId(dataSourceId)}:${tweetKey}`;
  }

  private byPage(user: ChatUser, pageId: string): string {
    return `saved-page:${chatUserKey(user)}:${compactId(pageId)}`;
  }

  async find(user: ChatUser, dataSourceId: string, tweetKey: string): Promise<SavedRecord | undefined> {
    return (await this.keyv.get<SavedRecord>(this.byTweet(user, dataSourceId, tweetKey))) ?? undefined;
  }

  async findByPage(user: ChatUser, pageId: string): Promise<SavedRecord | undefined> {
    return (await this.keyv.get<SavedRecord>(this.byPage(user, pageId))) ?? undefined;
  }

  async remember(user: ChatUser, record: SavedRecord): Promise<void> {
    await this.keyv.set(this.byTweet(user, record.dataSourceId, record.tweetKey), record);
    await this.keyv.set(this.byPage(user, record.pageId), record);
  }

  async forget(user: ChatUser, record: SavedRecord): Promise<void> {
    const current = await this.find(user, record.dataSourceId, record.tweetKey);
    // A later "Save again" may have replaced the tweet's entry; only drop it when it is this row.
    if (current && compactId(current.pageId) === compactId(record.pageId)) {
      await this.keyv.delete(this.byTweet(user, record.dataSourceId, record.tweetKey));
    }
    await this.keyv.delete(this.byPage(user, record.pageId));
  }
}
