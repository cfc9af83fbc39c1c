import type { Keyv } from 'keyv';
import { ConfigError } from '../config.js';
import type { ChatUser } from '../core/chat-user.js';
import type { ClaimStore, ConnectionStore, OneTimeStore, PendingSaves, SaveIndex } from '../core/ports.js';
import type { Logger } from '../log.js';
import { loadOrCreateDevKey, parseEncryptionKeys, type EncryptionKey } from './encryption-keys.js';
import { closeKeyv, createKeyv, storeScheme } from './keyv-factory.js';
import { KeyvConnectionStore } from './keyv-connection-store.js';
import { KeyvOneTimeStore } from './keyv-one-time-store.js';
import { KeyvClaimStore } from './keyv-claim-store.js';
import { KeyvPendingSaves } from './keyv-pending-saves.js';
import { KeyvSaveIndex } from './keyv-save-index.js';
import { createTokenCipher, type TokenCipher } from './token-cipher.js';

/** The slice of Config the store needs. */
export interface StoreConfig {
  storeUrl: string;
  /** Raw TOKEN_ENCRYPTION_KEY; when absent outside production a development key file is used. */
  tokenEncryptionKey?: string | undefined;
  dataDir: string;
  nodeEnv: string;
}

/** The OAuth state's payload: who is connecting. */
export interface OAuthStateValue {
  chatUser: ChatUser;
}

/** Everything persistent, opened over one Keyv. */
export interface OpenedStore {
  connections: ConnectionStore;
  /** Connect-link tokens -> the chat user they were issued to. */
  linkTokens: OneTimeStore<ChatUser>;
  /** OAuth `state` values -> the chat user connecting. */
  oauthStates: OneTimeStore<OAuthStateValue>;
  /** First-wins claims: platform retries, saves in flight. */
  claims: ClaimStore;
  /** Saved tweets per user and table (duplicate guard, Undo). */
  saveIndex: SaveIndex;
  /** Saves kept while a connection has lost access. */
  pendingSaves: PendingSaves;
  keyv: Keyv;
  /** The token cipher (TOKEN_ENCRYPTION_KEY), also sealing the reply credentials in stored save jobs. */
  cipher: TokenCipher;
  /** Closes the store's connections; safe to call twice. */
  close(): Promise<void>;
}

/** Key prefixes inside the Keyv namespace. */
export const STORE_PREFIXES = { linkTokens: 'link', oauthStates: 'oauth-state' } as const;

async function resolveKeys(config: StoreConfig, log: Logger): Promise<EncryptionKey[]> {
  if (config.tokenEncryptionKey !== undefined && config.tokenEncryptionKey.trim() !== '') {
    return parseEncryptionKeys(config.tokenEncryptionKey);
  }
  if (config.nodeEnv === 'production') {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY: required when NODE_ENV=production (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  return loadOrCreateDevKey(config.dataDir, log);
}

/**
 * Opens the store named by `storeUrl` with the encryption keys from TOKEN_ENCRYPTION_KEY (or, outside
 * production, the development key file). Fails before opening anything when the keys are missing or bad.
 */
export async function openStore(config: StoreConfig, log: Logger): Promise<OpenedStore> {
  const keys = await resolveKeys(config, log);
  const cipher = createTokenCipher(keys);
  const keyv = await createKeyv(config.storeUrl, {});
  log.info({ event: 'store.opened', store: storeScheme(config.storeUrl), keyIds: keys.map((k) => k.kid) }, 'store opened');

  let closed: Promise<void> | undefined;
  return {
    connections: new KeyvConnectionStore({ keyv, cipher, log }),
    linkTokens: new KeyvOneTimeStore<ChatUser>({ keyv, prefix: STORE_PREFIXES.linkTokens }),
    oauthStates: new KeyvOneTimeStore<OAuthStateValue>({ keyv, prefix: STORE_PREFIXES.oauthStates }),
    claims: new KeyvClaimStore({ keyv }),
    saveIndex: new KeyvSaveIndex(keyv),
    pendingSaves: new KeyvPendingSaves(keyv),
    keyv,
    cipher,
    close() {
      closed ??= closeKeyv(keyv);
      return closed;
    },
  };
}
