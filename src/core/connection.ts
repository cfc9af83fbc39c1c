import type { ChatUser } from './chat-user.js';
import type { TableCandidate } from './ports.js';

/** Which Notion property receives which part of a tweet. Values are property names. */
export interface PropertyMapping {
  /** The title property: receives `@handle`. */
  title: string;
  /** A rich_text property: receives the tweet's text. */
  text: string;
  /** A url property: receives the tweet's link. */
  link?: string | undefined;
  /** A date property: receives the moment of saving. */
  date?: string | undefined;
  /** A date property named Posted/Tweeted/Created: receives when the tweet was posted. */
  posted?: string | undefined;
  /** A rich_text property named Author: the author's display name. */
  author?: string | undefined;
  /** A multi_select property named Tags: the user's tags. */
  tags?: string | undefined;
  /** A rich_text property named Note/Comment: the user's words. */
  note?: string | undefined;
  /** A files property named Media/Images: the photos, as external files. */
  media?: string | undefined;
  /** A number property named Likes. */
  likes?: string | undefined;
}

/**
 * The table (a Notion data source) that a connection saves into, with its mapping cached: a usable
 * {@link TableCandidate} (see its fields; `parentPageId` lets a second "Create a Tweets table" click
 * there find it, `parentTitle` names the page in "Created a Tweets table in <page>").
 */
export type SaveTarget = Pick<
  TableCandidate,
  'dataSourceId' | 'databaseId' | 'title' | 'url' | 'parentPageId' | 'parentTitle'
> & {
  mapping: PropertyMapping;
};

/** One chat user's Notion connection: what the OAuth token exchange gave, plus the chosen target. */
export interface NotionConnection {
  /** Empty (and `refreshToken` null) once `lostAccessAt` is set: a refused token is not kept. */
  accessToken: string;
  refreshToken: string | null;
  botId: string;
  workspaceId: string;
  workspaceName: string | null;
  workspaceIcon: string | null;
  ownerUserId: string | null;
  duplicatedTemplateId: string | null;
  /** ISO 8601. */
  connectedAt: string;
  /** Who connected, for messages; the store key is derived from it. */
  chatUser: ChatUser;
  target?: SaveTarget | undefined;
  /** ISO time Notion stopped accepting the token (401 and no working refresh); saves wait for a reconnect. */
  lostAccessAt?: string | undefined;
  /** ISO time the user was sent the one "reconnect" DM for the current loss of access. */
  reconnectPromptedAt?: string | undefined;
  /**
   * ISO time a save was first kept for a reconnect and not replayed since. Set, it tells a save or a
   * status check on a healthy connection to replay the kept saves; unset, nobody reads that list.
   */
  pendingSince?: string | undefined;
}

/** A Notion OAuth token response, validated. */
export type TokenGrant = Omit<
  NotionConnection,
  'connectedAt' | 'chatUser' | 'target' | 'lostAccessAt' | 'reconnectPromptedAt' | 'pendingSince'
>;
