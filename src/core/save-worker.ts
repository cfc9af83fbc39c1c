import type { ChatUser } from './chat-user.js';
import type { NotionConnection, SaveTarget } from './connection.js';
import {
  DomainError,
  NotionAccessRevokedError,
  NotionRateLimitedError,
  NotionTargetGoneError,
  StoreDecryptError,
} from './errors.js';
import type { SaveOutcome, TargetStatus } from './outcomes.js';
import type { ConnectionStore, NotionGateway, TweetLookup, TweetRow } from './ports.js';
import type { Tweet } from '../tweets/tweet.js';
import type { Logger } from '../log.js';

export interface SaveWorkerDeps {
  connections: ConnectionStore;
  notion: NotionGateway;
  lookupTweet: TweetLookup;
  log: Logger;
  now: () => Date;
  discover(user: ChatUser, conn: NotionConnection, preferredId?: string): Promise<{ conn: NotionConnection; status: TargetStatus }>;
  forgetRevoked(user: ChatUser): Promise<string>;
  newConnectLink(user: ChatUser): Promise<{ url: string }>;
}

/** The Notion side of a save: runs behind the queue, after the platform was answered. Never throws. */
export function createSaveWorker(deps: SaveWorkerDeps) {
  const { connections, notion, log } = deps;

  /** Fills in the text (and handle) from oEmbed when only a link was given. */
  async function complete(tweet: Tweet): Promise<Tweet> {
    if (tweet.text || !tweet.url) return tweet;
    const found = await deps.lookupTweet(tweet.url);
    if (!found) return tweet;
    return { ...tweet, text: found.text, handle: tweet.handle ?? found.handle, authorName: tweet.authorName ?? found.authorName };
  }

  async function targetFor(user: ChatUser, conn: NotionConnection, preferredId?: string): Promise<{ target?: SaveTarget; status: TargetStatus }> {
    if (conn.target && !preferredId) return { target: conn.target, status: { kind: 'ready', table: conn.target.title } };
    const found = await deps.discover(user, conn, preferredId);
    return { target: found.status.kind === 'ready' ? found.conn.target : undefined, status: found.status };
  }

  async function write(user: ChatUser, conn: NotionConnection, row: TweetRow): Promise<SaveOutcome | { saved: { pageUrl: string; table: string } }> {
    const first = await targetFor(user, conn);
    if (!first.target) return { kind: 'needs_table', status: first.status as Exclude<TargetStatus, { kind: 'ready' }> };
    try {
      const page = await notion.createRow(conn.accessToken, first.target, row);
      return { saved: { pageUrl: page.url, table: first.target.title } };
    } catch (err) {
      if (!(err instanceof NotionTargetGoneError)) throw err;
      // The table was unshared, deleted or its columns changed: look again once, same table first.
      log.info({ event: 'save.rediscover', platform: user.platform }, 'cached table no longer fits; re-discovering');
      const again = await deps.discover(user, { ...conn, target: undefined }, first.target.dataSourceId);
      const target = again.status.kind === 'ready' ? again.conn.target : undefined;
      if (!target) return { kind: 'needs_table', status: again.status as Exclude<TargetStatus, { kind: 'ready' }> };
      const page = await notion.createRow(conn.accessToken, target, row);
      return { saved: { pageUrl: page.url, table: target.title } };
    }
  }

  function failure(user: ChatUser, err: unknown): Promise<SaveOutcome> | SaveOutcome {
    const code = err instanceof DomainError ? err.code : 'internal';
    const fields = { event: 'save.failed', platform: user.platform, code };
    if (err instanceof NotionAccessRevokedError) {
      return deps.forgetRevoked(user).then((connectUrl) => ({ kind: 'reconnect', connectUrl }) as const);
    }
    if (err instanceof NotionRateLimitedError) {
      log.warn(fields, 'Notion rate limit outlived retries');
      return { kind: 'rate_limited', retryAfterSeconds: err.retryAfterSeconds };
    }
    if (err instanceof StoreDecryptError) return { kind: 'failed', reason: 'store_unreadable' };
    if (err instanceof NotionTargetGoneError || DomainError.is(err, 'notion_rejected')) {
      log.warn({ ...fields, err: (err as Error).message }, 'Notion rejected the row');
      return { kind: 'failed', reason: 'notion_rejected' };
    }
    if (DomainError.is(err, 'notion_unavailable')) {
      log.warn(fields, 'Notion unavailable');
      return { kind: 'failed', reason: 'notion_unavailable' };
    }
    log.error({ ...fields, err }, 'save failed unexpectedly');
    return { kind: 'failed', reason: 'internal' };
  }

  return {
    async save(user: ChatUser, parsed: Tweet): Promise<SaveOutcome> {
      try {
        const conn = await connections.get(user);
        if (!conn) return { kind: 'not_connected', connectUrl: (await deps.newConnectLink(user)).url };
        const tweet = await complete(parsed);
        const row: TweetRow = {
          handle: tweet.handle ?? tweet.authorName ?? 'unknown',
          text: tweet.text ?? '',
          link: tweet.url,
          savedAt: deps.now(),
        };
        const written = await write(user, conn, row);
        if (!('saved' in written)) return written;
        log.info({ event: 'save.saved', platform: user.platform, textFetched: Boolean(tweet.text) }, 'tweet saved');
        return { kind: 'saved', pageUrl: written.saved.pageUrl, table: written.saved.table, tweet, textMissing: !tweet.text };
      } catch (err) {
        try {
          return await failure(user, err);
        } catch (inner) {
          log.error({ event: 'save.failed', platform: user.platform, err: inner }, 'could not report a failed save');
          return { kind: 'failed', reason: 'internal' };
        }
      }
    },
  };
}
