import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createApp, type App } from '../app.js';
import { OAUTH_REDIRECT_PATH } from '../bots/slack/constants.js';
import { loadConfig, loadSandboxSettings, type Config, type SandboxSettings } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { startFxTwitterSandbox, type FxTwitterSandbox } from './fxtwitter/fxtwitter-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from './notion/notion-sandbox.js';
import { FIRST_TWEET, startOembedSandbox, type OembedSandbox } from './oembed/oembed-sandbox.js';
import { sandboxRefusedMessage, shouldRunSandbox } from './sandbox-decision.js';
import {
  EXAMPLE_MESSAGES,
  FX_DELETED,
  FX_TWEETS,
  SANDBOX_CHANNEL,
  SANDBOX_TWEETS,
  SANDBOX_WORKSPACE,
  SECOND_SLACK_WORKSPACE,
  seedNotion,
  type SeededTable,
} from './sandbox-seed.js';
import { startSlackSandbox, type SlackSandbox } from './slack/slack-sandbox.js';
import type { SandboxWorkspacePage } from './web/sandbox-routes.js';
import { addSandboxRoutes } from './web/sandbox-routes.js';
import { SandboxSession } from './web/sandbox-session.js';

/**
 * Sandbox mode: the real product (Bolt app, core, `@notionhq/client`, store, encryption, logs) wired to
 * local emulations of Notion, Slack, FxTwitter and oEmbed on 127.0.0.1, with a Slack-like page at `GET /` to drive it.
 */

export interface SandboxOverrides {
  /** Variables layered over `env` for the product, e.g. `{ PORT: '0', STORE_URL: 'memory://' }` in tests. */
  env?: Record<string, string>;
  /** Default: a logger at the configured LOG_LEVEL. */
  log?: Logger;
  /** Where the product listens. Default 127.0.0.1: the sandbox is for this computer only. */
  host?: string;
}

export interface RunningSandbox {
  app: App;
  config: Config;
  log: Logger;
  /** The page to open, e.g. `http://localhost:3000/`. */
  url: string;
  notion: NotionSandbox;
  slack: SlackSandbox;
  oembed: OembedSandbox;
  fxtwitter: FxTwitterSandbox;
  /** The first workspace's page (the only one unless SANDBOX_SLACK=distribution). */
  session: SandboxSession;
  /** Every workspace's page: `/` shows the first, `/?ws=<team id>` another. */
  workspaces: SandboxWorkspacePage[];
  /** SANDBOX_SLACK: `single` (installed up front) or `distribution` (each workspace clicks "Add to Slack"). */
  slackMode: SandboxSettings['slack'];
  /** The seeded Notion tables the page shows. */
  tables: SeededTable[];
  stop(): Promise<void>;
}

/** Refused outside development: thrown by {@link startSandbox} when the decision says no. */
export class SandboxRefusedError extends Error {
  override readonly name = 'SandboxRefusedError';
  readonly code = 'sandbox_refused';
}

/** The visitor, as the Slack emulation knows them, in each workspace (Slack user ids are per workspace). */
const VISITOR = { userId: 'U0SANDBOXYOU', userName: 'you', teamDomain: 'acme-sandbox' };
const SECOND_VISITOR = { userId: 'U0SANDBOXYOU2', userName: 'you', teamDomain: 'beta-sandbox' };

/**
 * Starts the emulations, seeds them, and starts the real product pointed at them with fresh random
 * credentials (Notion client id/secret, Slack signing secret and bot token). Each run is a new Slack
 * team, so connections stored by an earlier run (whose Notion emulation is gone) are not mistaken
 * for this run's. With SANDBOX_SLACK=distribution the product runs in distribution mode instead (Slack
 * client id/secret and state secret, no bot token) and two emulated workspaces each install it through
 * the product's real `/slack/install` page and the emulation's authorize page. Refuses (SandboxRefusedError) when NODE_ENV=production, when any NOTION_*, SLACK_*
 * or DISCORD_* variable is set, or when `env` sets STORE_URL, PUBLIC_URL or TOKEN_ENCRYPTION_KEY;
 * ConfigError for other bad variables (PORT, …).
 */
export async function startSandbox(
  env: Readonly<Record<string, string | undefined>>,
  overrides: SandboxOverrides = {},
): Promise<RunningSandbox> {
  const merged = { ...env, ...overrides.env };
  // The operator's environment gets every rule; the caller's own overrides (tests: memory://, a fresh key)
  // cannot be a forgotten deployment, but production or platform credentials in them still refuse.
  const fromEnv = shouldRunSandbox(env);
  const decision = fromEnv.run ? shouldRunSandbox(merged, { checkDeployment: false }) : fromEnv;
  if (!decision.run) {
    throw new SandboxRefusedError(
      decision.reason === 'production'
        ? 'sandbox mode never runs with NODE_ENV=production'
        : decision.reason === 'deployment'
          ? sandboxRefusedMessage(decision.variables)
          : `sandbox mode does not run when real credentials are configured (${decision.variables.join(', ')})`,
    );
  }

  const slackMode = loadSandboxSettings(merged).slack;
  const distribution = slackMode === 'distribution';
  const secrets = {
    clientId: randomUUID(),
    clientSecret: `secret_${randomBytes(24).toString('base64url')}`,
    signingSecret: randomBytes(32).toString('hex'),
    botToken: `xoxb-sandbox-${randomBytes(24).toString('hex')}`,
    slackClientId: `${randomInt(1e9, 1e10)}.${randomInt(1e9, 1e10)}`,
    slackClientSecret: randomBytes(16).toString('hex'),
    stateSecret: randomBytes(32).toString('hex'),
  };
  const newTeamId = () => `T0${randomBytes(4).toString('hex').toUpperCase()}`;
  const teamId = newTeamId();
  const secondTeamId = newTeamId();

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const notion = await startNotionSandbox({
      clients: [
        { clientId: secrets.clientId, clientSecret: secrets.clientSecret, redirectUris: [], name: 'Save to Notion' },
      ],
    });
    closers.push(() => notion.close());
    const tables = seedNotion(notion);
    const slack = await startSlackSandbox(
      distribution
        ? {
            teamId,
            teamName: SANDBOX_WORKSPACE,
            oauth: { clientId: secrets.slackClientId, clientSecret: secrets.slackClientSecret },
            workspaces: [
              { teamId, teamName: SANDBOX_WORKSPACE },
              { teamId: secondTeamId, teamName: SECOND_SLACK_WORKSPACE },
            ],
          }
        : { botToken: secrets.botToken, teamId, teamName: SANDBOX_WORKSPACE },
    );
    closers.push(() => slack.close());
    const oembed = await startOembedSandbox({ tweets: SANDBOX_TWEETS });
    closers.push(() => oembed.close());
    const fxtwitter = await startFxTwitterSandbox({ tweets: FX_TWEETS, deleted: FX_DELETED });
    closers.push(() => fxtwitter.close());

    const config = loadConfig({
      ...merged,
      NOTION_API_URL: notion.url,
      NOTION_CLIENT_ID: secrets.clientId,
      NOTION_CLIENT_SECRET: secrets.clientSecret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: secrets.signingSecret,
      ...(distribution
        ? {
            SLACK_CLIENT_ID: secrets.slackClientId,
            SLACK_CLIENT_SECRET: secrets.slackClientSecret,
            SLACK_STATE_SECRET: secrets.stateSecret,
            SLACK_AUTHORIZE_URL: slack.authorizeUrl,
          }
        : { SLACK_BOT_TOKEN: secrets.botToken }),
      TWEET_OEMBED_URL: oembed.url,
      FXTWITTER_API_URL: fxtwitter.url,
    });
    const log = overrides.log ?? createLogger(config.logLevel);
    const app = await createApp(config, {
      log,
      host: overrides.host ?? '127.0.0.1',
      // "Open Slack" after an install: this workspace's sandbox page, not slack.com.
      slackWorkspaceUrl: (id) => (id === teamId ? '/' : `/?ws=${encodeURIComponent(id)}`),
    });
    closers.push(() => app.stop());

    let eventsUrl = '';
    const visitors = [{ teamId, name: SANDBOX_WORKSPACE, visitor: VISITOR }];
    if (distribution) visitors.push({ teamId: secondTeamId, name: SECOND_SLACK_WORKSPACE, visitor: SECOND_VISITOR });
    const workspaces: SandboxWorkspacePage[] = visitors.map((w) => ({
      teamId: w.teamId,
      name: w.name,
      session: new SandboxSession({
        slack,
        notion,
        signingSecret: secrets.signingSecret,
        eventsUrl: () => eventsUrl,
        actor: { teamId: w.teamId, ...w.visitor },
        channel: SANDBOX_CHANNEL,
        examples: EXAMPLE_MESSAGES,
        tweets: { '20': FIRST_TWEET, ...SANDBOX_TWEETS },
        log: log.child({ component: 'sandbox' }),
      }),
    }));
    const session = workspaces[0]!.session;
    addSandboxRoutes({
      router: app.router,
      workspaces,
      installStep: distribution,
      publicUrl: () => app.publicUrl,
      channel: SANDBOX_CHANNEL.name,
      log: log.child({ component: 'sandbox' }),
    });

    const { port } = await app.start();
    // Slack's requests go straight to the local port, whatever PUBLIC_URL says.
    eventsUrl = `http://${overrides.host === '::1' ? '[::1]' : '127.0.0.1'}:${port}/slack/events`;
    notion.registerRedirectUri(secrets.clientId, app.redirectUri);
    if (distribution) slack.registerRedirectUri(`${app.publicUrl}${OAUTH_REDIRECT_PATH}`);
    const url = `${app.publicUrl}/`;
    log.warn(
      {
        event: 'sandbox.started',
        url,
        notionApi: notion.url,
        slackApi: slack.apiUrl,
        oembed: oembed.url,
        fxtwitter: fxtwitter.url,
        teamId,
        slack: slackMode,
      },
      `SANDBOX MODE: open ${url} (local emulations of Slack and Notion; no real accounts are used)`,
    );

    return {
      app,
      config,
      log,
      url,
      notion,
      slack,
      oembed,
      fxtwitter,
      session,
      workspaces,
      slackMode,
      tables,
      stop: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
