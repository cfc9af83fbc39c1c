import type { MissingColumn } from './ports.js';
import type { Tweet } from '../tweets/tweet.js';

/** A shared table offered in a picker. `id` is the Notion data source id. */
export interface TableChoice {
  id: string;
  title: string;
}

/** Where a connection's saves go, or why that is not decided yet. */
export type TargetStatus =
  | { kind: 'ready'; table: string; url?: string | undefined }
  /** Several usable tables are shared: the user picks one (`Core.chooseTarget`). */
  | { kind: 'choose'; tables: TableChoice[] }
  /** No table is shared with the integration. */
  | { kind: 'none_shared' }
  /** Tables are shared but none can take a tweet: `missing` names the column to add to `table`. */
  | { kind: 'unusable'; table: string; missing: MissingColumn };

/** What the user is told after a save attempt. */
export type SaveOutcome =
  | { kind: 'saved'; pageUrl: string; table: string; tweet: Tweet; textMissing: boolean }
  | { kind: 'not_connected'; connectUrl: string }
  /** Notion revoked the token; the connection was deleted. */
  | { kind: 'reconnect'; connectUrl: string }
  /** `empty`: nothing given; `not_tweet_link`: a link to something else; `no_tweet`: text with no handle or link. */
  | { kind: 'no_tweet'; reason: 'empty' | 'not_tweet_link' | 'no_tweet' }
  | { kind: 'needs_table'; status: Exclude<TargetStatus, { kind: 'ready' }> }
  | { kind: 'rate_limited'; retryAfterSeconds?: number | undefined }
  | { kind: 'failed'; reason: 'notion_unavailable' | 'notion_rejected' | 'store_unreadable' | 'internal' };

/**
 * `saveTweet` answers at once with a ticket: `outcome` is set when the input alone
 * decided it (no Notion call needed); `result` settles when the save worker is done
 * and never rejects.
 */
export interface SaveTicket {
  outcome?: SaveOutcome | undefined;
  result: Promise<SaveOutcome>;
}

export type ConnectionStatus =
  | { connected: false }
  | {
      connected: true;
      workspaceName: string | null;
      connectedAt: string;
      target: TargetStatus | undefined;
    };

export interface ConnectLink {
  /** Personal, single use, private: deliver it only by DM or ephemeral message. */
  url: string;
  expiresAt: Date;
  current: ConnectionStatus;
}

export type ChooseTargetOutcome =
  | TargetStatus
  | { kind: 'not_connected'; connectUrl: string }
  | { kind: 'reconnect'; connectUrl: string }
  | { kind: 'unknown_table'; tables: TableChoice[] };

export interface DisconnectOutcome {
  wasConnected: boolean;
  workspaceName?: string | null | undefined;
}

/** Sent to the chat user once the OAuth callback stored their connection. */
export interface ConnectedNotice {
  workspaceName: string | null;
  status: TargetStatus;
}

/** Implemented by each platform adapter so core can reach a user outside a request. */
export interface ChatNotifier {
  notifyConnected(user: import('./chat-user.js').ChatUser, notice: ConnectedNotice): Promise<void>;
}
