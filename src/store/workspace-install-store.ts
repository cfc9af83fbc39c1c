import type { Platform } from '../core/chat-user.js';

/**
 * Which installation: an org-wide one (`enterprise`, e.g. a Slack Enterprise Grid org) or one
 * workspace's (`team`). A workspace install inside an org is keyed by its team.
 */
export interface WorkspaceInstallKey {
  platform: Platform;
  scope: 'enterprise' | 'team';
  id: string;
}

/**
 * A chat app's installations in workspaces, as opaque records: the platform adapter serialises its
 * own installation shape (tokens included) and the store only encrypts, keeps and returns it. Every
 * instance sharing the store sees the same installations.
 */
export interface WorkspaceInstallStore {
  /** The record, decrypted; undefined when there is none. Throws StoreDecryptError for one it cannot read. */
  get(key: WorkspaceInstallKey): Promise<string | undefined>;
  set(key: WorkspaceInstallKey, record: string): Promise<void>;
  /** True when a record was there. Deleting twice is fine (uninstall events can repeat). */
  delete(key: WorkspaceInstallKey): Promise<boolean>;
  /** Remembers that a workspace is covered by an org-wide installation (to find its token outside a request). */
  rememberOrg(platform: Platform, teamId: string, orgId: string): Promise<void>;
  /** The org whose installation covers this workspace, if one was remembered. */
  orgOf(platform: Platform, teamId: string): Promise<string | undefined>;
}
