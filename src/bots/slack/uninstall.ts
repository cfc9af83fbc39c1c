import type { Logger } from '../../log.js';
import type { SlackInstallationStore } from './installation-store.js';
import type { SlackListeners } from './listeners.js';

/** What an uninstall tells the rest of the product (e.g. to drop that workspace's Notion connections). */
export type OnUninstalled = (where: {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
}) => Promise<void>;

/**
 * `app_uninstalled`, and `tokens_revoked` naming bot tokens, delete the workspace's (or org's)
 * installation. Bolt runs no authorize for these two events, so they arrive for workspaces whose
 * installation is already gone: `tokens_revoked` often follows `app_uninstalled`, and retries
 * repeat either. Deleting is idempotent, so each just deletes again.
 */
export function registerUninstall(
  app: SlackListeners,
  deps: { installations: SlackInstallationStore; log: Logger; onUninstalled?: OnUninstalled | undefined },
): void {
  const remove = async (
    event: string,
    context: {
      teamId?: string | undefined;
      enterpriseId?: string | undefined;
      isEnterpriseInstall?: boolean | undefined;
    },
  ) => {
    const where = {
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall === true,
    };
    const log = deps.log.child({ event, ...where });
    try {
      await deps.installations.deleteInstallation(where);
    } catch (err) {
      log.error(
        { err: { name: (err as Error).name, message: (err as Error).message } },
        'could not delete the installation',
      );
      return;
    }
    if (deps.onUninstalled) {
      await deps.onUninstalled(where).catch((err: unknown) => log.error({ err }, 'uninstall follow-up failed'));
    }
    log.info({ event: 'slack.uninstalled' }, 'Slack installation deleted');
  };

  app.event('app_uninstalled', async ({ context }) => {
    await remove('app_uninstalled', context);
  });

  app.event('tokens_revoked', async ({ event, context }) => {
    const bots = (event as { tokens?: { bot?: unknown } }).tokens?.bot;
    if (!Array.isArray(bots) || bots.length === 0) return; // only user tokens: the bot's installation stands
    await remove('tokens_revoked', context);
  });
}
