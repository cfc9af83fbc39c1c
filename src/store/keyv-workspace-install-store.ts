import type { Keyv } from 'keyv';
import type { Platform } from '../core/chat-user.js';
import { StoreDecryptError } from '../core/errors.js';
import type { Logger } from '../log.js';
import type { TokenCipher } from './token-cipher.js';
import type { WorkspaceInstallKey, WorkspaceInstallStore } from './workspace-install-store.js';

const ID = /^[A-Za-z0-9_.-]{1,64}$/;

function checkId(id: string, what: string): string {
  if (!ID.test(id)) throw new TypeError(`${what} has unexpected characters`);
  return id;
}

/** The Keyv key of an installation, e.g. `workspace-install:slack:team:T123`; also the cipher's aad. */
export function workspaceInstallStoreKey(key: WorkspaceInstallKey): string {
  return `workspace-install:${key.platform}:${key.scope}:${checkId(key.id, 'an installation id')}`;
}

const orgKey = (platform: Platform, teamId: string) => `workspace-org:${platform}:${checkId(teamId, 'a team id')}`;

/**
 * Installations in Keyv, each an AES-GCM blob bound to its own key (a blob copied under another
 * workspace's key does not decrypt). Values written under an older encryption key are re-encrypted
 * on read, as connections are.
 */
export class KeyvWorkspaceInstallStore implements WorkspaceInstallStore {
  constructor(private readonly options: { keyv: Keyv; cipher: TokenCipher; log: Logger }) {}

  async get(key: WorkspaceInstallKey): Promise<string | undefined> {
    const storeKey = workspaceInstallStoreKey(key);
    const blob: unknown = await this.options.keyv.get(storeKey);
    if (blob === undefined || blob === null) return undefined;
    let plaintext: string;
    let stale: boolean;
    try {
      if (typeof blob !== 'string') throw new StoreDecryptError();
      ({ plaintext, stale } = this.options.cipher.decrypt(blob, storeKey));
    } catch (e) {
      this.options.log.error({ event: 'store.decrypt_failed', storeKey }, 'a stored installation could not be decrypted');
      throw e instanceof StoreDecryptError ? e : new StoreDecryptError();
    }
    if (stale) {
      try {
        // Rewrite only the value read: an uninstall meanwhile must not be undone.
        if ((await this.options.keyv.get(storeKey)) === blob) {
          await this.options.keyv.set(storeKey, this.options.cipher.encrypt(plaintext, storeKey));
          this.options.log.info({ event: 'store.reencrypted', storeKey }, 're-encrypted an installation under the current key');
        }
      } catch (err) {
        this.options.log.warn({ event: 'store.rewrite_failed', storeKey, err }, 'could not rewrite an installation');
      }
    }
    return plaintext;
  }

  async set(key: WorkspaceInstallKey, record: string): Promise<void> {
    const storeKey = workspaceInstallStoreKey(key);
    await this.options.keyv.set(storeKey, this.options.cipher.encrypt(record, storeKey));
  }

  async delete(key: WorkspaceInstallKey): Promise<boolean> {
    return this.options.keyv.delete(workspaceInstallStoreKey(key));
  }

  async rememberOrg(platform: Platform, teamId: string, orgId: string): Promise<void> {
    await this.options.keyv.set(orgKey(platform, teamId), checkId(orgId, 'an org id'));
  }

  async orgOf(platform: Platform, teamId: string): Promise<string | undefined> {
    const value: unknown = await this.options.keyv.get(orgKey(platform, teamId));
    return typeof value === 'string' && ID.test(value) ? value : undefined;
  }
}
