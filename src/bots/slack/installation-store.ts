import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { setNewest } from '../../core/bounded-map.js';
import type { ClaimStore } from '../../core/ports.js';
import type { Logger } from '../../log.js';
import type { WorkspaceInstallKey, WorkspaceInstallStore } from '../../store/workspace-install-store.js';

/** Thrown by `fetchInstallation` when a workspace (or its org) has no installation: not installed, or uninstalled. */
export class NoInstallationError extends Error {
  override readonly name = 'NoInstallationError';
  readonly code = 'slack_no_installation';

  constructor() {
    super('this workspace has no installation of the app');
  }

  static is(e: unknown): boolean {
    // Bolt wraps it twice (InstallProvider's and App's AuthorizationError), each keeping `original`.
    for (let cur = e, depth = 0; cur instanceof Error && depth < 5; depth += 1) {
      if (cur instanceof NoInstallationError) return true;
      cur = (cur as Error & { original?: unknown }).original ?? cur.cause;
    }
    return false;
  }
}

/** Bolt refreshes a rotating token when it expires within this window (InstallProvider's EXPIRY_WINDOW). */
const REFRESH_WINDOW_S = 2 * 60 * 60;

export interface SlackInstallationStoreOptions {
  installs: WorkspaceInstallStore;
  /** Leases for token refreshes, shared by every instance. */
  claims: ClaimStore;
  log: Logger;
  /** How long a fetched installation is reused without reading the store. */
  cacheTtlMs?: number;
  /** At most this many installations cached in this process. */
  cacheMax?: number;
  /** How long one instance may hold the refresh lease of an installation. */
  refreshLeaseMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Bolt's InstallationStore, plus the lookups the adapter makes outside a request. */
export interface SlackInstallationStore extends InstallationStore {
  deleteInstallation: NonNullable<InstallationStore['deleteInstallation']>;
  /** The bot token for a workspace: its own installation's, else that of the org-wide one covering it. */
  botTokenForTeam(teamId: string): Promise<string | undefined>;
  /** Notes that `teamId` is covered by the org-wide installation of `enterpriseId` (written once per process). */
  rememberOrg(teamId: string, enterpriseId: string): Promise<void>;
}

/** Which store record a Bolt query or installation means: the org's for org-wide installs, else the team's. */
export function installKey(q: {
  isEnterpriseInstall?: boolean | undefined;
  enterpriseId?: string | undefined;
  teamId?: string | undefined;
}): WorkspaceInstallKey {
  if (q.isEnterpriseInstall && q.enterpriseId) return { platform: 'slack', scope: 'enterprise', id: q.enterpriseId };
  if (q.teamId) return { platform: 'slack', scope: 'team', id: q.teamId };
  throw new NoInstallationError();
}

const keyString = (k: WorkspaceInstallKey) => `${k.scope}:${k.id}`;

function parseInstallation(record: string): Installation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch {
    throw new Error('stored installation is not JSON');
  }
  const bot = (parsed as { bot?: { token?: unknown } } | null)?.bot;
  if (typeof parsed !== 'object' || parsed === null || typeof bot?.token !== 'string')
    throw new Error('stored installation has no bot token');
  return parsed as Installation;
}

/**
 * Bolt's InstallationStore over the platform-neutral WorkspaceInstallStore: one encrypted record per
 * installation, keyed by enterprise id for org-wide installs and by team id otherwise.
 * `fetchInstallation` runs for every request, so results are cached briefly (bounded, dropped on
 * store and delete). Token rotation: when a token is due for refresh, only the instance that wins
 * the installation's lease lets Bolt refresh it; the others use the still-valid token as it is (or,
 * when it already expired, wait a little for the winner's result), so refresh tokens are not raced.
 */
export function createSlackInstallationStore(options: SlackInstallationStoreOptions): SlackInstallationStore {
  const { installs, claims, log } = options;
  const ttl = options.cacheTtlMs ?? 30_000;
  const max = options.cacheMax ?? 1000;
  const leaseMs = options.refreshLeaseMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const cache = new Map<string, { installation: Installation; expires: number }>();
  const orgsRemembered = new Map<string, string>();
  const leaseKey = (k: WorkspaceInstallKey) => `slack-token-refresh:${keyString(k)}`;

  const dueForRefresh = (i: Installation, slackSeconds = 0) =>
    i.bot?.refreshToken !== undefined &&
    i.bot.expiresAt !== undefined &&
    i.bot.expiresAt - Math.floor(now() / 1000) <= slackSeconds;

  async function read(key: WorkspaceInstallKey): Promise<Installation | undefined> {
    const record = await installs.get(key);
    return record === undefined ? undefined : parseInstallation(record);
  }

  /** A refresh another instance is doing: use the current token while it is valid, else wait briefly for the new one. */
  async function whileOthersRefresh(key: WorkspaceInstallKey, installation: Installation): Promise<Installation> {
    const stillValid = (i: Installation) => !dueForRefresh(i, 60);
    if (stillValid(installation)) return withoutRefresh(installation);
    const deadline = now() + Math.min(leaseMs, 2_000);
    while (now() < deadline) {
      await sleep(100);
      const again = await read(key);
      if (!again) throw new NoInstallationError();
      if (!dueForRefresh(again, REFRESH_WINDOW_S)) return again;
      if (await claims.claim(leaseKey(key), leaseMs)) return again; // the holder gave up: refresh here
    }
    // Still expired and still leased: Bolt's call fails with the expired token rather than racing the holder.
    return withoutRefresh(installation);
  }

  const withoutRefresh = (i: Installation): Installation => ({
    ...i,
    bot: i.bot ? { ...i.bot, refreshToken: undefined, expiresAt: undefined } : i.bot,
  });

  const store: SlackInstallationStore = {
    async storeInstallation(installation) {
      const key = installKey({
        isEnterpriseInstall: installation.isEnterpriseInstall,
        enterpriseId: installation.enterprise?.id,
        teamId: installation.team?.id,
      });
      await installs.set(key, JSON.stringify(installation));
      cache.delete(keyString(key));
      // A refresh stores its result here: the lease has done its job.
      if (installation.bot?.refreshToken) await claims.release(leaseKey(key)).catch(() => undefined);
      log.info({ event: 'slack.installation_stored', scope: key.scope, id: key.id }, 'Slack installation stored');
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = installKey(query);
      const cached = cache.get(keyString(key));
      if (cached && cached.expires > now()) return cached.installation;
      const installation = await read(key);
      if (!installation) {
        cache.delete(keyString(key));
        throw new NoInstallationError();
      }
      if (dueForRefresh(installation, REFRESH_WINDOW_S)) {
        // Not cached: the refreshed installation must be read back as soon as it is stored.
        if (await claims.claim(leaseKey(key), leaseMs)) return installation;
        return whileOthersRefresh(key, installation);
      }
      setNewest(cache, keyString(key), { installation, expires: now() + ttl }, max);
      return installation;
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      const key = installKey(query);
      cache.delete(keyString(key));
      const existed = await installs.delete(key);
      log.info(
        { event: 'slack.installation_deleted', scope: key.scope, id: key.id, existed },
        'Slack installation deleted',
      );
    },

    async botTokenForTeam(teamId) {
      const attempt = async (key: WorkspaceInstallKey) => {
        try {
          return (
            await store.fetchInstallation(
              key.scope === 'enterprise'
                ? { teamId: undefined, enterpriseId: key.id, isEnterpriseInstall: true }
                : { teamId: key.id, enterpriseId: undefined, isEnterpriseInstall: false },
            )
          ).bot?.token;
        } catch (err) {
          if (NoInstallationError.is(err)) return undefined;
          throw err;
        }
      };
      const own = await attempt({ platform: 'slack', scope: 'team', id: teamId });
      if (own) return own;
      const org = orgsRemembered.get(teamId) ?? (await installs.orgOf('slack', teamId));
      return org ? attempt({ platform: 'slack', scope: 'enterprise', id: org }) : undefined;
    },

    async rememberOrg(teamId, enterpriseId) {
      if (orgsRemembered.get(teamId) === enterpriseId) return;
      await installs.rememberOrg('slack', teamId, enterpriseId);
      setNewest(orgsRemembered, teamId, enterpriseId, max);
    },
  };
  return store;
}
