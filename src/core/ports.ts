import type { RichTweet } from '../tweets/rich-tweet.js';
import type { Tweet } from '../tweets/tweet.js';
import type { ChatUser, Platform } from './chat-user.js';
import type { NotionConnection, PropertyMapping, SaveTarget, TokenGrant } from './connection.js';
export type { TweetProviders } from '../tweets/tweet-providers.js';

/** A column the user must add before a table can take tweets. */
export interface MissingColumn {
  name: string;
  /** As Notion's UI names the type, e.g. "Text". */
  type: string;
}

/** A shared Notion table and whether it can take tweets. */
export interface TableCandidate {
  dataSourceId: string;
  databaseId?: string | undefined;
  title: string;
  url?: string | undefined;
  /** The page the table sits in (Notion's database_parent), when it is in a page. */
  parentPageId?: string | undefined;
  /**
   * That page's title. To keep Notion calls few, the gateway reads it only where it is shown: for
   * tables whose title another shared table has too (pickers and lists name them "Tweets (Team
   * wiki)"), and for the table it created. Undefined when the page is not readable.
   */
  parentTitle?: string | undefined;
  /** Present when the schema can take a tweet; otherwise `missing` says what to add. */
  mapping?: PropertyMapping | undefined;
  missing?: MissingColumn | undefined;
}

/** One row to write. Each optional part lands only in a table with a fitting column (see `PropertyMapping`). */
export interface TweetRow {
  handle: string;
  text: string;
  link?: string | undefined;
  savedAt: Date;
  /** When the tweet was posted: an ISO time, or a `YYYY-MM-DD` day when only that is known. */
  postedAt?: string | undefined;
  /** The author's display name. */
  authorName?: string | undefined;
  /** Tags the user gave (`#ai` after the link, or the note modal). */
  tags?: string[] | undefined;
  /** The user's own words next to the link. */
  note?: string | undefined;
  /** Photos, for a files column (external files). */
  media?: { url: string; name: string }[] | undefined;
  likes?: number | undefined;
  /**
   * The page body: these tweets in order (one, or the author's chain for a thread), each as its text, photos,
   * videos and quoted tweet, then an embed of the first. Absent: no body (a link-only or text-only save).
   */
  body?: RichTweet[] | undefined;
}

/** What "Add note" changes on a saved row; absent parts are left as they are. */
export interface RowUpdate {
  note?: string | undefined;
  tags?: string[] | undefined;
}

/**
 * Everything core needs from Notion, with vendor errors already translated into
 * the domain errors of `./errors.ts`.
 */
export interface NotionGateway {
  /** Exchanges an authorization code (once). Throws OAuthCodeRejectedError / OAuthExchangeFailedError. */
  exchangeCode(code: string): Promise<TokenGrant>;
  /** Revokes a token; resolves even when Notion already forgot it. */
  revokeToken(accessToken: string): Promise<void>;
  /** Shared data sources with their mapping (or what is missing). */
  listTables(accessToken: string): Promise<TableCandidate[]>;
  /**
   * Creates a row with its page body (appending what one request cannot hold); throws NotionTargetGoneError when the
   * cached target no longer fits.
   */
  createRow(accessToken: string, target: SaveTarget, row: TweetRow): Promise<{ pageId: string; url: string }>;
  /** Sets the note and tags of a saved row, where `mapping` has those columns ("Add note"). */
  updateRow(accessToken: string, pageId: string, mapping: PropertyMapping, update: RowUpdate): Promise<void>;
  /**
   * A row for `tweet` created in `target` at or after `since` (ISO), if any: queried by the Link column equal to the
   * tweet's link, else by the text column containing the tweet's id. Lets a save that may have reached Notion before a
   * crash find its row instead of writing a second one. Undefined when there is nothing to look for (no link, no id).
   */
  findRowByTweet(
    accessToken: string,
    target: SaveTarget,
    tweet: Tweet,
    since: string,
  ): Promise<{ pageId: string; url: string } | undefined>;
  /** The refresh grant: new access and refresh tokens. Throws a DomainError when Notion refuses. */
  refreshGrant(refreshToken: string): Promise<TokenGrant>;
  /**
   * Moves a row to Notion's trash; says when it was already trashed or is gone. `gone` is Notion's
   * 404, which it answers both for a deleted page and for one no longer shared with the integration.
   */
  trashPage(accessToken: string, pageId: string): Promise<'trashed' | 'already_trashed' | 'gone'>;
  /** Whether the table (a data source) is shared with this connection: false on Notion's 404. */
  canReadTable(accessToken: string, dataSourceId: string): Promise<boolean>;
  /** Shared pages that are not rows of a table: places where a table can be created. */
  listPages(accessToken: string): Promise<{ id: string; title: string }[]>;
  /** Creates a "Tweets" table (Handle, Tweet, Link, Saved, Posted, Author, Tags, Note, Media) in a shared page; `parentTitle` names the page when readable. */
  createTweetsTable(accessToken: string, pageId: string): Promise<TableCandidate>;
}

/** What is remembered of a saved tweet: enough for "Already saved", "Save again" and Undo. */
export interface SavedRecord {
  pageId: string;
  pageUrl: string;
  dataSourceId: string;
  table: string;
  /** Identifies the tweet within a table: its id, or a digest of handle and text. */
  tweetKey: string;
  tweet: Tweet;
  savedAt: string;
  /**
   * The save job that wrote the row (older records lack it). A job delivered again after its first run wrote the row
   * (its process died before the job was marked done, or it expired while running) finds its own row here: that is
   * its own save, answered "Saved", not a duplicate.
   */
  jobKey?: string | undefined;
}

/** Per chat user and table: which tweets were saved, and which rows they became. Survives restarts. */
export interface SaveIndex {
  find(user: ChatUser, dataSourceId: string, tweetKey: string): Promise<SavedRecord | undefined>;
  findByPage(user: ChatUser, pageId: string): Promise<SavedRecord | undefined>;
  remember(user: ChatUser, record: SavedRecord): Promise<void>;
  forget(user: ChatUser, record: SavedRecord): Promise<void>;
}

/**
 * A save that waits for the user to reconnect Notion or to make a table ready. Entries kept by older versions have only
 * `tweet`, `tableName` and `queuedAt`; a missing field means what it meant then (default table, duplicate guard on).
 */
export interface PendingSave {
  tweet: Tweet;
  /** `/save-tweet <link> to <name>`: the table named. */
  tableName?: string | undefined;
  /** "Save again": the table of the row it repeats (a Notion data source id). */
  dataSourceId?: string | undefined;
  /** "Save again": skip the duplicate guard when it lands. */
  force?: boolean | undefined;
  /** The sender's words next to the link (the note). */
  comment?: string | undefined;
  /** `#tags` typed after the link. */
  tags?: string[] | undefined;
  /** `/save-thread`: the whole thread in one row. */
  thread?: boolean | undefined;
  queuedAt: string;
}

/**
 * Saves kept until they can land: while a connection has lost access (replayed after the reconnect),
 * and while no table can take them (replayed once a table is picked, created or fixed).
 */
export interface PendingSaves {
  /** Returns how many are waiting now. */
  add(user: ChatUser, save: PendingSave): Promise<number>;
  /**
   * Hands the whole list to `hand` (not called when nothing is kept) under the list's lease, so no `add` lands
   * meanwhile, and deletes it only once `hand` resolved: when `hand` rejects, or the process dies first, the list stays
   * for the next replay. `emptied` runs next, still under the lease (also when nothing was kept): a mark saying that
   * saves wait is cleared there, before any save kept later can set it. Resolves with the list handed.
   */
  takeAll(
    user: ChatUser,
    hand: (saves: PendingSave[]) => Promise<void>,
    emptied?: () => Promise<void>,
  ): Promise<PendingSave[]>;
}

/** Encrypted per-user connections. `get` throws StoreDecryptError rather than pretending nobody is connected. */
export interface ConnectionStore {
  get(user: ChatUser): Promise<NotionConnection | undefined>;
  set(user: ChatUser, connection: NotionConnection): Promise<void>;
  delete(user: ChatUser): Promise<boolean>;
  /**
   * Runs `task` while no other `withLock` for this user runs, in this process or on another instance
   * sharing the store: for read-modify-writes of the connection (Keyv has no compare-and-set). Not
   * re-entrant: `task` uses get/set/delete only.
   */
  withLock<T>(user: ChatUser, task: () => Promise<T>): Promise<T>;
  /**
   * Who has (or may have) a connection made in one workspace (a Slack team): an index that `set` adds
   * to before it writes and `delete` removes from after it deleted, so it never misses a stored
   * connection written by this version. Users only, no connections or tokens.
   */
  usersInWorkspace(platform: Platform, teamId: string): Promise<ChatUser[]>;
}

/** Single-use tokens with a time to live: connect links and OAuth states. */
export interface OneTimeStore<T> {
  put(token: string, value: T, ttlMs: number): Promise<void>;
  /** The value while the token is live and not taken, without taking it. */
  peek(token: string): Promise<T | undefined>;
  /** Returns the value and forgets it; a second take of the same token gets undefined. */
  take(token: string): Promise<T | undefined>;
}

/** A connect link's token and when it expires (ISO 8601). */
export interface LiveLink {
  token: string;
  expiresAt: string;
}

/** Each chat user's most recent connect link, for showing it again while it is live. */
export interface LiveLinks {
  get(user: ChatUser): Promise<LiveLink | undefined>;
  set(user: ChatUser, link: LiveLink, ttlMs: number): Promise<void>;
}

/**
 * The platform requests this process is answering now. A save waits for a moment with none (bounded) before it
 * starts, so the acks a platform wants within 3 s are not queued behind Notion work.
 */
export interface RequestsInFlight {
  /** Resolves once no request is being answered, or after `maxWaitMs`. */
  lull(maxWaitMs: number): Promise<void>;
}

/** Remembers keys for a while: the first `claim` of a key wins, later ones get false. */
export interface ClaimStore {
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Ends a claim early (the work it guarded is done). */
  release(key: string): Promise<void>;
}

/** Looks up a tweet's text by its link (oEmbed); undefined when it cannot. Never throws. */
export type TweetLookup = (
  tweetUrl: string,
) => Promise<{ text: string; handle?: string | undefined; authorName?: string | undefined } | undefined>;
