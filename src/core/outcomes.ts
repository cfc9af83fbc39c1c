import type { Tweet } from '../tweets/tweet.js';
import type { ChatUser } from './chat-user.js';
import type { MissingColumn } from './ports.js';
import type { ReplyTo } from './save-jobs.js';

/**
 * A shared Notion table offered in a picker or a list. `id` is the Notion data source id; `title` is
 * what to show: the table's title, with the page it sits in when another listed table has the same
 * title ("Tweets (Team wiki)").
 */
export interface TableChoice {
  id: string;
  title: string;
}

/** Where a connection's saves go, or why that is not decided yet. */
export type TargetStatus =
  | {
      kind: 'ready';
      table: string;
      url?: string | undefined;
      /**
       * Set by the status (`/notion-connect`, the Home tab) when more than one usable table is shared:
       * all of them, for a picker with the current one (`currentId`, when it is among them) selected,
       * so the table can be switched without reconnecting.
       */
      choices?: { tables: TableChoice[]; currentId?: string | undefined } | undefined;
    }
  /** Several usable tables are shared: the user picks one (`Core.chooseTarget`). */
  | { kind: 'choose'; tables: TableChoice[] }
  /** No table is shared with the integration. */
  | { kind: 'none_shared' }
  /**
   * `table` cannot take a tweet: `missing` names the column to add. Either no shared table can, or it is
   * the user's chosen table (kept as the target until the column exists). `pages`: shared pages a
   * Tweets table could be created in instead (`Core.createTweetsTable`), when there are any.
   */
  | { kind: 'unusable'; table: string; missing: MissingColumn; pages?: PageChoice[] | undefined }
  /** No table, but pages are shared: offer to create a Tweets table in one (`Core.createTweetsTable`). */
  | { kind: 'create_offer'; pages: PageChoice[] };

/** A shared page a table can be created in. */
export interface PageChoice {
  id: string;
  title: string;
}

/** What the user is told after a save attempt. */
export type SaveOutcome =
  /** `pageId` is what Undo takes. */
  | {
      kind: 'saved';
      pageUrl: string;
      pageId: string;
      table: string;
      tweet: Tweet;
      textMissing: boolean;
      /** `/save-thread` of a thread: how many tweets its row holds (absent for a single tweet). */
      threadLength?: number | undefined;
    }
  /** The same user saved this tweet to this table before; `pageId` is what "Save again" and Undo take. */
  | { kind: 'already_saved'; pageUrl: string; pageId: string; table: string; tweet: Tweet }
  /** The same tweet is being saved right now (a double click, two quick commands). */
  | { kind: 'in_progress' }
  /** "Save again" on a save that is not this user's, or no longer known. */
  | { kind: 'not_found' }
  | { kind: 'not_connected'; connectUrl: string }
  /** Notion stopped accepting the connection; `kept`: this tweet waits and is saved after the reconnect. */
  | { kind: 'reconnect'; connectUrl: string; kept: boolean }
  /** `/save-tweet <link> to <name>` named no shared table; `tables` lists every shared one. */
  | { kind: 'unknown_table'; name: string; tables: TableChoice[] }
  /** `empty`: nothing given; `not_tweet_link`: a link to something else; `no_tweet`: text with no handle or link. */
  | { kind: 'no_tweet'; reason: 'empty' | 'not_tweet_link' | 'no_tweet' }
  /**
   * No table can take the tweet yet. `kept`: the tweet waits and is saved once a table is picked,
   * created or given its column (false only when the store could not keep it).
   */
  | { kind: 'needs_table'; status: Exclude<TargetStatus, { kind: 'ready' }>; kept: boolean }
  | { kind: 'rate_limited'; retryAfterSeconds?: number | undefined }
  /** The user has too many saves waiting already (fair use): nothing was queued. */
  | { kind: 'slow_down'; waiting: number }
  /** Not written yet within the platform's reply window: the job waits (Notion slow or limited); the answer follows. */
  | { kind: 'queued'; tweet: Tweet }
  /** Not written within SAVE_GIVE_UP_AFTER_HOURS: given up; the tweet's link so nothing is lost from view. */
  | { kind: 'gave_up'; tweet: Tweet; hours: number }
  | { kind: 'failed'; reason: 'notion_unavailable' | 'notion_rejected' | 'store_unreadable' | 'internal' };

/**
 * `saveTweet` answers at once with a ticket: `outcome` is set when the input alone decided it (no
 * Notion call needed; the adapter renders it). Otherwise the save was stored as a job (`jobKey`)
 * and its result reaches the user through the adapter's `ChatNotifier.deliverSaveResult`.
 */
export type SaveTicket = { outcome: SaveOutcome; jobKey?: undefined } | { outcome?: undefined; jobKey: string };

export type ConnectionStatus =
  | { connected: false }
  | {
      connected: true;
      workspaceName: string | null;
      connectedAt: string;
      target: TargetStatus | undefined;
      /** Notion stopped accepting the connection: saves wait until the user reconnects. */
      needsReconnect?: boolean | undefined;
    };

export interface ConnectLink {
  /** Personal, single use, private: deliver it only by DM or ephemeral message. */
  url: string;
  expiresAt: Date;
  current: ConnectionStatus;
}

export type ChooseTargetOutcome =
  | TargetStatus
  /** "Create a Tweets table in <page>" made it (or an earlier click did) and it is the target now. */
  | { kind: 'created'; table: string; url?: string | undefined; pageTitle?: string | undefined }
  | { kind: 'not_connected'; connectUrl: string }
  | { kind: 'reconnect'; connectUrl: string }
  | { kind: 'unknown_table'; tables: TableChoice[] };

/** The answer to the "Add note" modal. Only the user who saved a row can add to it. */
export type NoteOutcome =
  /** Written; `noteColumn` / `tagsColumn` say which of the two the table has (the other was left out). */
  | {
      kind: 'noted';
      table: string;
      pageUrl: string;
      pageId: string;
      tweet: Tweet;
      note: string;
      tags: string[];
      noteColumn: boolean;
      tagsColumn: boolean;
    }
  /** The row's table has neither a Note nor a Tags column. */
  | { kind: 'no_columns'; table: string }
  | { kind: 'not_found' }
  | { kind: 'not_connected'; connectUrl: string }
  | { kind: 'reconnect'; connectUrl: string }
  | { kind: 'failed' };

/** The answer to an Undo button. Only the user who saved a row can undo it. */
export type UndoOutcome =
  | { kind: 'removed'; table: string; tweet: Tweet }
  /** The row was already deleted (or trashed) in Notion. */
  | { kind: 'already_deleted'; table: string }
  /**
   * Notion does not show the row because its table is no longer shared with the connection (a
   * reconnect left it out): the row may still be there, so the save is remembered and Undo works
   * again once the table is shared again (`connectUrl` reconnects).
   */
  | { kind: 'unreachable'; table: string; connectUrl: string }
  /** Not a save of this user's (another user pressed the button, or it was undone already). */
  | { kind: 'not_found' }
  | { kind: 'not_connected'; connectUrl: string }
  | { kind: 'reconnect'; connectUrl: string }
  | { kind: 'failed'; reason: 'notion_unavailable' | 'internal' };

export interface DisconnectOutcome {
  wasConnected: boolean;
  workspaceName?: string | null | undefined;
}

/** What `forgetWorkspace` did: people whose connection it removed, and those it could not (left for a retry). */
export interface ForgetWorkspaceOutcome {
  disconnected: number;
  failed: number;
}

/** Sent to the chat user once the OAuth callback stored their connection. */
export interface ConnectedNotice {
  workspaceName: string | null;
  status: TargetStatus;
}

/** Sent once when Notion stops accepting a connection. */
export interface ReconnectNotice {
  workspaceName: string | null;
  /** Personal and single use, like every connect link: DM only. */
  connectUrl: string;
  /** Saves waiting for the reconnect. */
  pending: number;
}

/** Implemented by each platform adapter so core can reach a user outside a request (by DM). */
export interface ChatNotifier {
  notifyConnected(user: ChatUser, notice: ConnectedNotice): Promise<void>;
  /** One DM with a Reconnect button per loss of access, however many saves failed meanwhile. */
  notifyReconnectNeeded(user: ChatUser, notice: ReconnectNotice): Promise<void>;
  /**
   * The answer to a save job, where `replyTo` says (the Slack response_url or the Discord interaction while
   * valid, else a DM). A `queued` note is answered once; the final answer then replaces it where the platform
   * allows (`replacesNote`: a note was sent for this job, perhaps by another instance). Never throws: a failed
   * delivery is logged, the save is done either way.
   */
  deliverSaveResult(
    replyTo: ReplyTo,
    user: ChatUser,
    outcome: SaveOutcome,
    options?: { replacesNote?: boolean | undefined },
  ): Promise<void>;
}
