import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackConfig } from '../../config.js';
import type { ChatUser } from '../../core/chat-user.js';
import type { Core } from '../../core/core.js';
import type { ClaimStore, OneTimeStore } from '../../core/ports.js';
import type { Router } from '../../http/router.js';
import { MAX_BODY_BYTES } from '../../http/server.js';
import type { Logger } from '../../log.js';
import type { WorkspaceInstallStore } from '../../store/workspace-install-store.js';
import type { ChatBot } from '../chat-bot.js';
import { registerActOnce } from './act-once.js';
import { registerAddNote } from './add-note.js';
import { boltLogger } from './bolt-logger.js';
import { App, HTTPReceiver } from './bolt.js';
import { registerCommands } from './commands.js';
import { BOT_SCOPES, EVENTS_PATH, INSTALL_PATH, INSTALL_START_PATH, OAUTH_REDIRECT_PATH } from './constants.js';
import { registerDirectMessages } from './direct-messages.js';
import { registerHomeTab } from './home-tab.js';
import { addSlackInstallRoutes } from './install-routes.js';
import { createInstallStateStore, INSTALL_STATE_TTL_SECONDS } from './install-state-store.js';
import {
  createSlackInstallationStore,
  NoInstallationError,
  type SlackInstallationStore,
} from './installation-store.js';
import { oneListenerPerKind } from './listeners.js';
import { registerMessageShortcut } from './message-shortcut.js';
import { answerNotInstalled } from './not-installed.js';
import { createSlackNotifier } from './notifier.js';
import { errorSummary } from './reply.js';
import { checkRequestTimestamp } from './request-timestamp.js';
import { registerSaveActions } from './save-actions.js';
import { registerTablePicker } from './table-picker.js';
import { registerUninstall, type OnUninstalled } from './uninstall.js';
import { createWorkspaceNames } from './workspace-names.js';

export interface SlackBotOptions {
  config: SlackConfig;
  core: Core;
  router: Router;
  log: Logger;
  /** Clock for the request-timestamp check (tests). */
  now?: () => number;
  /** Distribution mode: where installations, install states and refresh leases are kept (shared by all instances). */
  installs?:
    { store: WorkspaceInstallStore; states: OneTimeStore<Record<string, unknown>>; claims: ClaimStore } | undefined;
  /** The product's public base URL (final once the server listens): install links and the OAuth redirect. */
  publicUrl?: () => string;
  /** Distribution mode: run after a workspace's installation was deleted. */
  onUninstalled?: OnUninstalled | undefined;
  /** Distribution mode: where the install success page's "Open Slack" goes (default: Slack's web client). */
  workspaceUrl?: ((teamId: string) => string) | undefined;
}

/**
 * The Slack adapter. HTTP mode (no app token): Bolt's HTTPReceiver, with signature
 * verification on, handles `POST /slack/events` on the product's own server (Bolt opens no
 * port), behind a check that rejects timestamps more than 5 minutes ahead. Socket Mode
 * (`appToken` set): Bolt's SocketModeReceiver connects out; nothing is mounted, and no signing
 * secret is needed.
 * Distribution mode (`config.distribution`): no bot token; Bolt's OAuth (@slack/oauth, through
 * HTTPReceiver's installer options) installs the app in any number of workspaces, its `authorize`
 * gives every request its own workspace's token from the installation store, and the install pages
 * are mounted beside the request URL. Requests from workspaces without an installation are answered
 * with a reinstall link; uninstall events delete the installation.
 * `start()` verifies the bot token (auth.test), registers the DM notifier, and connects/mounts.
 */
export function createSlackBot(options: SlackBotOptions): ChatBot {
  const { config, core, router } = options;
  // app.ts already binds platform; bind it here only when a caller did not.
  const log = options.log.bindings().platform ? options.log : options.log.child({ platform: 'slack' });
  const now = options.now ?? Date.now;
  const socketMode = config.appToken !== undefined;
  const logger = boltLogger(log);
  const clientOptions = { slackApiUrl: config.apiUrl };
  // What every mode's App shares. No listener reads `context.conversation`: Bolt's conversation store would only
  // cost a lookup on every request.
  const appOptions = {
    clientOptions,
    convoStore: false,
    logger,
    deferInitialization: true,
    extendedErrorHandler: true,
  } as const;

  const publicUrl = options.publicUrl ?? (() => 'http://localhost');
  const installUrl = () => `${publicUrl()}${INSTALL_PATH}`;
  const distribution = config.distribution;
  let installations: SlackInstallationStore | undefined;
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (distribution) {
    if (!options.installs) throw new Error('Slack distribution mode needs the installation store');
    installations = createSlackInstallationStore({
      installs: options.installs.store,
      claims: options.installs.claims,
      log,
    });
    receiver = new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: [EVENTS_PATH],
      logger,
      processBeforeResponse: false,
      bodyLimit: MAX_BODY_BYTES,
      clientId: distribution.clientId,
      clientSecret: distribution.clientSecret,
      stateSecret: distribution.stateSecret,
      scopes: [...BOT_SCOPES],
      installationStore: installations,
      installerOptions: {
        // The landing page is the product's (no state in it); Bolt's install path only sets the cookie and redirects.
        directInstall: true,
        installPath: INSTALL_START_PATH,
        redirectUriPath: OAUTH_REDIRECT_PATH,
        stateVerification: true,
        stateStore: createInstallStateStore({ stateSecret: distribution.stateSecret, states: options.installs.states }),
        stateCookieExpirationSeconds: INSTALL_STATE_TTL_SECONDS,
        authorizationUrl: distribution.authorizeUrl,
        clientOptions,
      },
    });
    app = new App({
      receiver,
      ...appOptions,
    });
  } else if (config.appToken === undefined) {
    receiver = new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: [EVENTS_PATH],
      logger,
      processBeforeResponse: false,
      bodyLimit: MAX_BODY_BYTES,
    });
    app = new App({
      token: config.botToken,
      receiver,
      ...appOptions,
    });
  } else {
    // Socket Mode gets no signing secret: its requests arrive unsigned over the app's own WebSocket
    // (Bolt's SocketModeReceiver needs only the app token), so config does not require one there.
    app = new App({
      token: config.botToken,
      appToken: config.appToken,
      socketMode: true,
      ...appOptions,
    });
  }

  const workspaces = createWorkspaceNames();
  const deps = { core, log, workspaces };
  const listeners = oneListenerPerKind(app);
  if (installations) {
    const store = installations;
    // Org-wide installs are keyed by the org, but users (and their DMs) by their workspace: remember which org covers it.
    listeners.use(async ({ context, next }) => {
      if (context.isEnterpriseInstall && context.enterpriseId && context.teamId) {
        await store
          .rememberOrg(context.teamId, context.enterpriseId)
          .catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'could not remember the org of a workspace'));
      }
      await next();
    });
    const forget = distribution?.uninstallDisconnectsNotion ? forgetNotionConnections(core, log) : undefined;
    registerUninstall(listeners, { installations: store, log, onUninstalled: options.onUninstalled ?? forget });
  }
  // A replayed signed request is acknowledged here and reaches no listener.
  registerActOnce(listeners, deps);
  registerCommands(listeners, deps);
  registerMessageShortcut(listeners, deps);
  registerDirectMessages(listeners, deps);
  registerTablePicker(listeners, deps);
  registerSaveActions(listeners, deps);
  registerAddNote(listeners, deps);
  registerHomeTab(listeners, deps);
  // extendedErrorHandler: the handler gets the request body too (its response_url answers "not installed").
  const onError = async ({ error, body }: { error: Error; body: unknown }): Promise<void> => {
    if (installations && NoInstallationError.is(error)) {
      await answerNotInstalled(body, installUrl(), log);
      return;
    }
    log.error({ err: errorSummary(error) }, 'unhandled error in a Slack listener');
  };
  app.error(onError);

  let running = false;
  let mounted = false;
  let initialized = false;

  const handleEvents = (req: IncomingMessage, res: ServerResponse): void => {
    if (!running || !receiver) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Slack is not running\n');
      return;
    }
    const check = checkRequestTimestamp(req.headers['x-slack-request-timestamp'], now());
    if (!check.ok) {
      log.warn({ event: 'request_rejected', reason: `timestamp_${check.reason}` }, 'Slack request rejected');
      req.resume();
      res.writeHead(401).end();
      return;
    }
    receiver.requestListener(req, res);
  };

  return {
    platform: 'slack',
    async start() {
      if (running) return;
      if (!initialized) {
        try {
          await app.init(); // auth.test: a wrong bot token stops start-up here
        } catch (err) {
          const code = errorSummary(err).code;
          throw new Error(
            `Slack rejected SLACK_BOT_TOKEN at start-up (auth.test: ${typeof code === 'string' ? code : 'request failed'})`,
            { cause: err },
          );
        }
        initialized = true;
        // The workspace's name for the connect confirmation page; without it the page names the domain.
        // Distribution mode has no workspace of its own (and no token to ask with).
        if (!distribution) {
          try {
            const auth = await app.client.auth.test();
            workspaces.learn(auth.team_id, auth.team);
          } catch (err) {
            log.warn({ err: errorSummary(err) }, 'could not read the workspace name (auth.test)');
          }
        }
      }
      const botToken = config.botToken;
      const tokenFor = installations
        ? (() => {
            const store = installations;
            return async (user: ChatUser) => (user.teamId ? store.botTokenForTeam(user.teamId) : undefined);
          })()
        : async () => botToken;
      core.registerNotifier('slack', createSlackNotifier(app.client, tokenFor, log));
      if (socketMode) {
        await app.start();
      } else if (!mounted) {
        router.add('POST', EVENTS_PATH, handleEvents);
        if (receiver?.installer) {
          addSlackInstallRoutes({
            router,
            installer: receiver.installer,
            redirectUri: () => `${publicUrl()}${OAUTH_REDIRECT_PATH}`,
            workspaceUrl: options.workspaceUrl,
            log,
          });
        }
        mounted = true;
      }
      running = true;
      log.info(
        {
          mode: distribution ? 'distribution' : socketMode ? 'socket' : 'http',
          path: socketMode ? undefined : EVENTS_PATH,
          installUrl: distribution ? installUrl() : undefined,
        },
        'Slack adapter started',
      );
    },
    async stop() {
      if (!running) return;
      running = false;
      if (socketMode) await app.stop();
    },
  };
}

/**
 * SLACK_UNINSTALL_DISCONNECTS_NOTION: after a workspace's installation was deleted, its people's Notion
 * connections go too (core revokes and deletes them). An org-wide install's uninstall names the org, whose
 * workspaces the store does not list: their connections are kept, and the log says so.
 */
function forgetNotionConnections(core: Core, log: Logger): OnUninstalled {
  return async (where) => {
    if (where.isEnterpriseInstall || !where.teamId) {
      log.warn(
        { event: 'slack.uninstall_kept_connections', enterpriseId: where.enterpriseId },
        "an org-wide uninstall keeps its workspaces' Notion connections",
      );
      return;
    }
    await core.forgetWorkspace('slack', where.teamId);
  };
}
