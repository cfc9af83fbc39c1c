import type { Keyv } from 'keyv';
import { requireEncryptionKeyInProduction } from '../config.js';
import type { ChatUser } from '../core/chat-user.js';
import type { ClaimStore, ConnectionStore, LiveLinks, OneTimeStore, PendingSaves, SaveIndex } from '../core/ports.js';
import type { Logger } from '../log.js';
import { loadOrCreateDevKey, parseEncryptionKeys, type EncryptionKey } from './encryption-keys.js';
import { KeyvClaimStore } from './keyv-claim-store.js';
import { KeyvConnectionStore } from './keyv-connection-store.js';
import { closeKeyv, createKeyv, storeScheme, sweepExpired } from './keyv-factory.js';
import { KeyvLiveLinks } from './keyv-live-links.js';
import { KeyvOneTimeStore } from './keyv-one-time-store.js';
import { KeyvPendingSaves } from './keyv-pending-saves.js';
import { KeyvSaveIndex } from './keyv-save-index.js';
import { KeyvWorkspaceInstallStore } from './keyv-workspace-install-store.js';
import { createTokenCipher, type TokenCipher } from './token-cipher.js';
import type { WorkspaceInstallStore } from './workspace-install-store.js';

/** The slice of Config the store needs. */
export interface StoreConfig {
  storeUrl: string;
  /** SQLITE_SYNCHRONOUS; `normal` when absent. */
  sqliteSynchronous?: 'normal' | 'full' | undefined;
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
  /** Each user's live connect link (encrypted), so it is shown again rather than minted anew. */
  liveLinks: LiveLinks;
  /** OAuth `state` values -> the chat user connecting. */
  oauthStates: OneTimeStore<OAuthStateValue>;
  /** First-wins claims: platform retries, saves in flight. */
  claims: ClaimStore;
  /** Saved tweets per user and table (duplicate guard, Undo). */
  saveIndex: SaveIndex;
  /** Saves kept while a connection has lost access. */
  pendingSaves: PendingSaves;
  /** Chat apps' installations in workspaces ("Add to Slack"), encrypted like connections. */
  workspaceInstalls: WorkspaceInstallStore;
  /** Install-flow `state` values -> what the install was started with (no secrets). */
  installStates: OneTimeStore<Record<string, unknown>>;
  keyv: Keyv;
  /** The token cipher (TOKEN_ENCRYPTION_KEY), also sealing the reply credentials in stored save jobs. */
  cipher: TokenCipher;
  /** Deletes entries whose time to live ended before `now` (the periodic sweep calls it); returns how many. */
  sweepExpired(now?: number): Promise<number>;
  /** Stops the sweep and closes the store's connections; safe to call twice. */
  close(): Promise<void>;
}

/** How often expired rows are deleted: often enough that a day of links and claims never piles up. */
export const SWEEP_EVERY_MS = 10 * 60_000;

export interface OpenStoreOptions {
  /** The sweep's period (tests make it short); 0 turns it off. */
  sweepEveryMs?: number;
}

/** Key prefixes inside the Keyv namespace. */
export const STORE_PREFIXES = {
  linkTokens: 'link',
  oauthStates: 'oauth-state',
  installStates: 'install-state',
} as const;

/**
 * The keys TOKEN_ENCRYPTION_KEY names (the first encrypts), or outside production the development key
 * file (created when missing). ConfigError in production without a key, or for a malformed one.
 */
export async function resolveEncryptionKeys(config: StoreConfig, log: Logger): Promise<EncryptionKey[]> {
  if (config.tokenEncryptionKey !== undefined && config.tokenEncryptionKey.trim() !== '') {
    return parseEncryptionKeys(config.tokenEncryptionKey);
  }
  requireEncryptionKeyInProduction(config.nodeEnv, config.tokenEncryptionKey);
  return loadOrCreateDevKey(config.dataDir, log);
}

/**
 * Opens the store named by `storeUrl` with the encryption keys from TOKEN_ENCRYPTION_KEY (or, outside
 * production, the development key file). Fails before opening anything when the keys are missing or bad.
 */
export async function openStore(
  config: StoreConfig,
  log: Logger,
  options: OpenStoreOptions = {},
): Promise<OpenedStore> {
  const keys = await resolveEncryptionKeys(config, log);
  const cipher = createTokenCipher(keys);
  const keyv = await createKeyv(config.storeUrl, { sqliteSynchronous: config.sqliteSynchronous });
  log.info(
    { event: 'store.opened', store: storeScheme(config.storeUrl), keyIds: keys.map((k) => k.kid) },
    'store opened',
  );

  const sweep = async (now = Date.now()) => {
    const removed = await sweepExpired(keyv, now);
    if (removed > 0) log.info({ event: 'store.swept', removed }, 'deleted expired store entries');
    return removed;
  };
  // Connect links, OAuth states, claims and leases all expire, but SQLite and Postgres keep their rows
  // until something reads them again, which for most never happens.
  const every = options.sweepEveryMs ?? SWEEP_EVERY_MS;
  let sweeping = false;
  const sweepFailed = (err: unknown) =>
    log.warn({ event: 'store.sweep_failed', err: (err as Error).message }, 'could not sweep expired entries');
  const tick = () => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch(sweepFailed)
      .finally(() => (sweeping = false));
  };
  const timer = every > 0 ? setInterval(tick, every) : undefined;
  timer?.unref(); // never what keeps the process alive

  let closed: Promise<void> | undefined;
  return {
    connections: new KeyvConnectionStore({ keyv, cipher, log }),
    linkTokens: new KeyvOneTimeStore<ChatUser>({ keyv, prefix: STORE_PREFIXES.linkTokens }),
    liveLinks: new KeyvLiveLinks({ keyv, cipher }),
    oauthStates: new KeyvOneTimeStore<OAuthStateValue>({ keyv, prefix: STORE_PREFIXES.oauthStates }),
    claims: new KeyvClaimStore({ keyv }),
    saveIndex: new KeyvSaveIndex(keyv, cipher),
    pendingSaves: new KeyvPendingSaves(keyv, cipher),
    workspaceInstalls: new KeyvWorkspaceInstallStore({ keyv, cipher, log }),
    installStates: new KeyvOneTimeStore<Record<string, unknown>>({ keyv, prefix: STORE_PREFIXES.installStates }),
    keyv,
    cipher,
    sweepExpired: sweep,
    close() {
      clearInterval(timer);
      closed ??= closeKeyv(keyv);
      return closed;
    },
  };
}
