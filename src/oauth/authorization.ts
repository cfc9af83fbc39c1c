import type { ChatUser } from '../core/chat-user.js';
import type { TokenGrant } from '../core/connection.js';
import { DomainError } from '../core/errors.js';
import type { NotionGateway, OneTimeStore } from '../core/ports.js';
import { newOpaqueToken } from './tokens.js';

export const STATE_TTL_MS = 10 * 60_000;

export interface AuthorizationOptions {
  linkTokens: OneTimeStore<ChatUser>;
  oauthStates: OneTimeStore<{ chatUser: ChatUser }>;
  notion: Pick<NotionGateway, 'exchangeCode'>;
  notionApiUrl: string;
  clientId: string | undefined;
  redirectUri: () => string;
  /** Stores the connection and tells the chat user; returns the workspace name for the page. */
  onConnected(user: ChatUser, grant: TokenGrant): Promise<void>;
}

export type CompleteResult =
  | { kind: 'connected'; chatUser: ChatUser; workspaceName: string | null }
  | { kind: 'unknown_state' }
  | { kind: 'code_rejected' }
  | { kind: 'exchange_failed'; error: DomainError };

/** The server side of Notion's authorization-code flow (no PKCE at Notion: a one-time, browser-bound state instead). */
export function createAuthorization(options: AuthorizationOptions) {
  return {
    get configured(): boolean {
      return Boolean(options.clientId);
    },

    /** Origin of Notion's authorize page: where the confirmation page's POST redirects. */
    get authorizeOrigin(): string {
      return new URL(options.notionApiUrl).origin;
    },

    /** Who a connect link belongs to, without using it up (for the confirmation page; GET and HEAD). */
    peek(linkToken: string): Promise<ChatUser | undefined> {
      return options.linkTokens.peek(linkToken);
    },

    /** Takes a connect-link token once and opens a state for that chat user. */
    async begin(linkToken: string): Promise<{ state: string; authorizeUrl: string; chatUser: ChatUser } | undefined> {
      const chatUser = await options.linkTokens.take(linkToken);
      if (!chatUser) return undefined;
      const state = newOpaqueToken();
      await options.oauthStates.put(state, { chatUser }, STATE_TTL_MS);
      const url = new URL('/v1/oauth/authorize', options.notionApiUrl);
      url.searchParams.set('client_id', options.clientId ?? '');
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('owner', 'user');
      url.searchParams.set('redirect_uri', options.redirectUri());
      url.searchParams.set('state', state);
      return { state, authorizeUrl: url.toString(), chatUser };
    },

    /** Takes the state once, then (and only then) exchanges the code. */
    async complete(state: string, code: string): Promise<CompleteResult> {
      const record = await options.oauthStates.take(state);
      if (!record) return { kind: 'unknown_state' };
      let grant: TokenGrant;
      try {
        grant = await options.notion.exchangeCode(code);
      } catch (err) {
        if (DomainError.is(err, 'oauth_code_rejected')) return { kind: 'code_rejected' };
        if (err instanceof DomainError) return { kind: 'exchange_failed', error: err };
        throw err;
      }
      await options.onConnected(record.chatUser, grant);
      return { kind: 'connected', chatUser: record.chatUser, workspaceName: grant.workspaceName };
    },

    /** The user cancelled at Notion: burn the state so it cannot be used later. */
    async cancel(state: string | undefined): Promise<ChatUser | undefined> {
      if (!state) return undefined;
      return (await options.oauthStates.take(state))?.chatUser;
    },
  };
}

export type Authorization = ReturnType<typeof createAuthorization>;
