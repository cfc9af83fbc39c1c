import type { HTTPReceiver, Installation } from '@slack/bolt';
import { sendPage, type PageContent } from '../../http/html-page.js';
import type { Router } from '../../http/router.js';
import type { Logger } from '../../log.js';
import { BOT_SCOPES, INSTALL_PATH, INSTALL_START_PATH, OAUTH_REDIRECT_PATH } from './constants.js';
import { installPages } from './install-pages.js';

type InstallProvider = NonNullable<HTTPReceiver['installer']>;

/** Where the browser goes after installing: the workspace in Slack's web client, or the org's app page. */
function openSlackUrl(installation: Installation, workspaceUrl?: (teamId: string) => string): string | undefined {
  if (installation.team?.id) {
    return workspaceUrl
      ? workspaceUrl(installation.team.id)
      : `https://app.slack.com/client/${encodeURIComponent(installation.team.id)}`;
  }
  const url = (installation as { enterpriseUrl?: string }).enterpriseUrl;
  return url && /^https:\/\//.test(url) ? url : undefined;
}

/** @slack/oauth's error codes (ErrorCode) -> the page to show. */
function failurePage(code: string | undefined): [number, PageContent] {
  switch (code) {
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return installPages.stateRefused();
    case 'slack_oauth_missing_code':
      return installPages.missingCode();
    case 'slack_oauth_installer_authorization_error':
      // handleCallback raises it only for `error=access_denied`: the person pressed Cancel.
      return installPages.cancelled();
    default:
      return installPages.failed();
  }
}

/**
 * Mounts Bolt's install flow on the product's server: `GET /slack/install` (a page with the "Add to
 * Slack" button), `GET /slack/install/start` (Bolt's install path: sets its state cookie and redirects
 * to Slack's authorize page, so the state is never written into a page) and `GET /slack/oauth_redirect`
 * (Bolt's callback: cookie and state checked, code exchanged, installation stored).
 */
export function addSlackInstallRoutes(options: {
  router: Router;
  installer: InstallProvider;
  /** Exactly the redirect URL registered in the Slack app's OAuth settings. */
  redirectUri: () => string;
  /** Where "Open Slack" goes for a workspace; default Slack's web client (the sandbox: its own page). */
  workspaceUrl?: ((teamId: string) => string) | undefined;
  log: Logger;
}): void {
  const { router, installer, log } = options;

  router.add('GET', INSTALL_PATH, (_req, res) => {
    sendPage(res, ...installPages.landing(INSTALL_START_PATH));
  });

  router.add('GET', INSTALL_START_PATH, async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    try {
      await installer.handleInstallPath(req, res, {}, { scopes: [...BOT_SCOPES], redirectUri: options.redirectUri() });
      log.info({ event: 'slack.install_started' }, 'Slack install started');
    } catch (err) {
      log.error(
        { event: 'slack.install_start_failed', err: { name: (err as Error).name, message: (err as Error).message } },
        'could not start a Slack install',
      );
      if (!res.headersSent) sendPage(res, ...installPages.unavailable());
    }
  });

  router.add('GET', OAUTH_REDIRECT_PATH, async (req, res) => {
    await installer.handleCallback(req, res, {
      successAsync: async (installation) => {
        const where = installation.isEnterpriseInstall ? installation.enterprise?.name : installation.team?.name;
        log.info(
          {
            event: 'slack.installed',
            enterprise: installation.isEnterpriseInstall === true,
            teamId: installation.team?.id,
            enterpriseId: installation.enterprise?.id,
          },
          'Slack app installed',
        );
        sendPage(res, ...installPages.installed(where, openSlackUrl(installation, options.workspaceUrl)));
      },
      failureAsync: async (error) => {
        log.warn({ event: 'slack.install_failed', code: error.code }, 'Slack install refused or failed');
        if (res.headersSent) return;
        sendPage(res, ...failurePage(error.code));
      },
    });
  });
}
