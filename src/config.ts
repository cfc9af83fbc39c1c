import { z } from 'zod';
import { CALLBACK_PATH } from './oauth/paths.js';
import { PROVIDER_NAMES, type ProviderName } from './tweets/tweet-providers.js';

/**
 * The one place that reads the environment. Everything else receives the parsed
 * `Config` (or the slice of it that it needs) as an argument.
 */

/** A blank value (`NAME=` in an .env file) means "use the default", as if the variable were unset. */
const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const optionalString = blankAsUnset(z.string().trim().optional());

const httpUrl = (name: string) =>
  z
    .string()
    .trim()
    .url(`${name} must be an http(s) URL`)
    .refine((v) => /^https?:\/\//i.test(v), `${name} must start with http:// or https://`)
    .transform((v) => v.replace(/\/+$/, ''));

const envSchema = z.object({
  NODE_ENV: blankAsUnset(z.enum(['development', 'production', 'test']).default('development')),
  PORT: blankAsUnset(z.coerce.number().int().min(0).max(65535).default(3000)),
  PUBLIC_URL: blankAsUnset(httpUrl('PUBLIC_URL').optional()),
  HTTP_ACCEPT_HANDLES: blankAsUnset(z.coerce.number().int().min(1).max(64).default(16)),
  NOTION_CLIENT_ID: optionalString,
  NOTION_CLIENT_SECRET: optionalString,
  NOTION_API_URL: blankAsUnset(httpUrl('NOTION_API_URL').default('https://api.notion.com')),
  STORE_URL: blankAsUnset(
    z
      .string()
      .trim()
      .regex(
        /^(sqlite|redis|rediss|postgres|postgresql|memory):\/\//,
        'STORE_URL must start with sqlite://, redis://, rediss://, postgres:// or memory://',
      )
      .default('sqlite://./data/save-to-notion.sqlite'),
  ),
  SQLITE_SYNCHRONOUS: blankAsUnset(z.enum(['normal', 'full']).default('normal')),
  DATA_DIR: blankAsUnset(z.string().trim().min(1).default('./data')),
  TOKEN_ENCRYPTION_KEY: optionalString,
  TWEET_OEMBED_URL: blankAsUnset(httpUrl('TWEET_OEMBED_URL').default('https://publish.twitter.com/oembed')),
  FXTWITTER_API_URL: blankAsUnset(httpUrl('FXTWITTER_API_URL').default('https://api.fxtwitter.com')),
  TWEET_PROVIDERS: blankAsUnset(
    z
      .string()
      .trim()
      .default(PROVIDER_NAMES.join(','))
      .transform((v) =>
        v
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== ''),
      )
      .refine(
        (names) => names.every((n) => (PROVIDER_NAMES as readonly string[]).includes(n)),
        `TWEET_PROVIDERS must list ${PROVIDER_NAMES.join(' and/or ')}, comma-separated`,
      )
      .refine((names) => new Set(names).size === names.length, 'TWEET_PROVIDERS must not name a provider twice')
      .transform((names) => names as ProviderName[]),
  ),
  LOG_LEVEL: blankAsUnset(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  NOTION_RATE_PER_SECOND: blankAsUnset(
    z.coerce.number().int('NOTION_RATE_PER_SECOND must be a whole number').min(1).max(1000).default(3),
  ),
  NOTION_BURST: blankAsUnset(
    z.coerce.number().int('NOTION_BURST must be a whole number').min(1).max(10_000).default(10),
  ),
  SAVE_GIVE_UP_AFTER_HOURS: blankAsUnset(
    z.coerce
      .number()
      .positive()
      .max(24 * 14)
      .default(24),
  ),
  SAVE_WORKER_CONCURRENCY: blankAsUnset(z.coerce.number().int().min(1).max(1000).default(64)),
  SAVE_JOB_LEASE_SECONDS: blankAsUnset(
    z.coerce.number().int('SAVE_JOB_LEASE_SECONDS must be a whole number').min(2).max(3600).default(30),
  ),

  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: blankAsUnset(httpUrl('SLACK_API_URL').default('https://slack.com/api')),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_AUTHORIZE_URL: blankAsUnset(httpUrl('SLACK_AUTHORIZE_URL').default('https://slack.com/oauth/v2/authorize')),
  SLACK_UNINSTALL_DISCONNECTS_NOTION: blankAsUnset(
    z
      .enum(['true', 'false', '1', '0'], 'must be true or false')
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),

  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_API_URL: blankAsUnset(httpUrl('DISCORD_API_URL').default('https://discord.com/api')),
});

export type Env = z.input<typeof envSchema>;

export interface NotionConfig {
  clientId: string | undefined;
  clientSecret: string | undefined;
  apiUrl: string;
}

interface SlackConfigBase {
  botToken: string;
  /** Web API base with the trailing slash the WebClient expects. */
  apiUrl: string;
  distribution?: undefined;
}

/** HTTP mode: Slack POSTs signed requests to the request URL, so the signing secret is required. */
export interface SlackHttpConfig extends SlackConfigBase {
  appToken: undefined;
  signingSecret: string;
}

/** Socket Mode: requests arrive over the app's own WebSocket, unsigned; a signing secret is not used. */
export interface SlackSocketConfig extends SlackConfigBase {
  appToken: string;
  signingSecret: string | undefined;
}

/**
 * Distribution mode ("Add to Slack"): any number of workspaces install the app through Bolt's OAuth
 * flow; each one's bot token comes from its stored installation, never from the environment.
 */
export interface SlackDistributionConfig {
  botToken: undefined;
  appToken: undefined;
  signingSecret: string;
  apiUrl: string;
  distribution: {
    clientId: string;
    clientSecret: string;
    /** Signs the OAuth `state` Bolt hands to Slack's authorize page. */
    stateSecret: string;
    /** Slack's authorize page (`https://slack.com/oauth/v2/authorize`). */
    authorizeUrl: string;
    /**
     * SLACK_UNINSTALL_DISCONNECTS_NOTION: an uninstall also revokes and deletes the Notion connections
     * made in that workspace. Off by default: a workspace that reinstalls finds its people still connected.
     */
    uninstallDisconnectsNotion: boolean;
  };
}

export type SlackConfig = SlackHttpConfig | SlackSocketConfig | SlackDistributionConfig;

export interface DiscordConfig {
  token: string;
  applicationId: string;
  apiUrl: string;
}

/** Notion's per-connection request limit, enforced across instances by the store's rate limiter. */
export interface NotionRateConfig {
  /** NOTION_RATE_PER_SECOND: the average. */
  perSecond: number;
  /** NOTION_BURST: requests at once after a quiet spell, the average included (at least `perSecond`). */
  burst: number;
}

/** The durable save jobs. */
export interface SaveJobsConfig {
  /** SAVE_GIVE_UP_AFTER_HOURS: a save not written this long after it was accepted is given up, and the user told. */
  giveUpAfterHours: number;
  /** SAVE_WORKER_CONCURRENCY: save jobs one instance runs at once (the rate limiter paces each connection). */
  concurrency: number;
  /**
   * SAVE_JOB_LEASE_SECONDS: how long an instance holds a running job, renewed while it runs; a job whose instance
   * died is run again by another instance (or the restart) once its lease lapsed.
   */
  leaseSeconds: number;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** HTTP_ACCEPT_HANDLES: handles accepting on the listening socket, so a burst of connections is taken at once. */
  acceptHandles: number;
  publicUrl: string;
  /** False when PUBLIC_URL was not set: the product then derives it from the port it listens on. */
  publicUrlExplicit: boolean;
  /** Exactly what is registered in Notion's integration settings. */
  redirectUri: string;
  notion: NotionConfig;
  storeUrl: string;
  /** SQLITE_SYNCHRONOUS (sqlite:// only): `normal` survives any crash of the process, `full` also a power cut. */
  sqliteSynchronous: 'normal' | 'full';
  dataDir: string;
  /** Raw `kid:base64,...` or bare base64; undefined outside production means "generate one". */
  tokenEncryptionKey: string | undefined;
  tweetOembedUrl: string;
  /** FxTwitter API base (FXTWITTER_API_URL). */
  fxtwitterApiUrl: string;
  /** Tweet providers in the order they are asked (TWEET_PROVIDERS); empty: only what the chat message carries. */
  tweetProviders: ProviderName[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  notionRate: NotionRateConfig;
  saveJobs: SaveJobsConfig;
  slack: SlackConfig | undefined;
  discord: DiscordConfig | undefined;
}

/** Thrown for a bad environment; its message is one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
}

/**
 * The one rule for the token encryption key: in production it must be given, never generated. Both
 * `loadConfig` (to stop start-up with the other configuration errors) and `openStore` (which can be
 * opened from a config that did not come through `loadConfig`) apply it. Blank counts as missing.
 */
export function requireEncryptionKeyInProduction(nodeEnv: string, tokenEncryptionKey: string | undefined): void {
  if (nodeEnv === 'production' && (tokenEncryptionKey === undefined || tokenEncryptionKey.trim() === '')) {
    throw new ConfigError(
      'TOKEN_ENCRYPTION_KEY: required when NODE_ENV=production (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
}

/**
 * False when none of a family's variables is set (the platform is off), true when all of
 * `required` are; otherwise a one-line error naming what is missing (`hint` explains an
 * alternative, e.g. Socket Mode).
 */
function requireAllOrNone<K extends string>(
  family: string,
  values: Record<K, string | undefined>,
  required: K[],
  hint = '',
): boolean {
  const anySet = Object.values(values).some((v) => v !== undefined);
  if (!anySet) return false;
  const missing = required.filter((k) => values[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `${family} is partly configured: set ${missing.join(' and ')} too${hint}, or unset all ${family} variables`,
    );
  }
  return true;
}

/**
 * Production links and sign-in cookies must travel over https; plain http is only for the machine
 * itself (a local try-out of a production build), where nothing crosses the network.
 */
function allowedInProduction(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

type ParsedEnv = z.output<typeof envSchema>;

/**
 * Distribution mode's settings when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are all
 * set; undefined when none is. Half-set combinations, and a bot token or app token beside them, are
 * ConfigErrors: each would silently run a different mode than the operator meant.
 */
function slackDistribution(e: ParsedEnv): SlackDistributionConfig['distribution'] | undefined {
  const oauthVars = {
    SLACK_CLIENT_ID: e.SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET: e.SLACK_CLIENT_SECRET,
    SLACK_STATE_SECRET: e.SLACK_STATE_SECRET,
  };
  const anySet = Object.values(oauthVars).some((v) => v !== undefined);
  if (!anySet) return undefined;
  const missing = (Object.keys(oauthVars) as (keyof typeof oauthVars)[]).filter((k) => oauthVars[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `Slack distribution is partly configured: set ${missing.join(' and ')} too, or unset SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET`,
    );
  }
  if (e.SLACK_BOT_TOKEN !== undefined) {
    throw new ConfigError(
      "SLACK_BOT_TOKEN: unset it to distribute the app (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET set): each workspace's token comes from its installation",
    );
  }
  if (e.SLACK_APP_TOKEN !== undefined) {
    throw new ConfigError(
      'SLACK_APP_TOKEN: Socket Mode is not supported when distributing the app; unset it and use the request URL',
    );
  }
  if (e.SLACK_SIGNING_SECRET === undefined) {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET: required when distributing the app (it verifies the requests Slack POSTs to /slack/events)',
    );
  }
  if (e.SLACK_STATE_SECRET!.length < 16) {
    throw new ConfigError('SLACK_STATE_SECRET: must be at least 16 characters (e.g. `openssl rand -hex 32`)');
  }
  return {
    clientId: e.SLACK_CLIENT_ID!,
    clientSecret: e.SLACK_CLIENT_SECRET!,
    stateSecret: e.SLACK_STATE_SECRET!,
    authorizeUrl: e.SLACK_AUTHORIZE_URL,
    uninstallDisconnectsNotion: e.SLACK_UNINSTALL_DISCONNECTS_NOTION,
  };
}

/** Parses and validates the environment once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.') || 'environment';
    throw new ConfigError(`${name}: ${issue.message}`);
  }
  const e = parsed.data;
  requireEncryptionKeyInProduction(e.NODE_ENV, e.TOKEN_ENCRYPTION_KEY);
  if (e.NODE_ENV === 'production' && e.PUBLIC_URL !== undefined && !allowedInProduction(e.PUBLIC_URL)) {
    throw new ConfigError(
      'PUBLIC_URL: must start with https:// when NODE_ENV=production (over http:// the sign-in cookies cannot be ' +
        'Secure); http:// is allowed only for localhost and 127.0.0.1',
    );
  }
  if ((e.NOTION_CLIENT_ID === undefined) !== (e.NOTION_CLIENT_SECRET === undefined)) {
    throw new ConfigError(
      e.NOTION_CLIENT_ID
        ? 'NOTION_CLIENT_SECRET: required when NOTION_CLIENT_ID is set'
        : 'NOTION_CLIENT_ID: required when NOTION_CLIENT_SECRET is set',
    );
  }

  if (e.NOTION_BURST < e.NOTION_RATE_PER_SECOND) {
    throw new ConfigError('NOTION_BURST: must be at least NOTION_RATE_PER_SECOND (the burst includes the average)');
  }

  const distribution = slackDistribution(e);
  if (distribution === undefined && e.SLACK_UNINSTALL_DISCONNECTS_NOTION) {
    throw new ConfigError(
      'SLACK_UNINSTALL_DISCONNECTS_NOTION: applies only when distributing the app (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)',
    );
  }
  const slackVars = {
    SLACK_SIGNING_SECRET: e.SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: e.SLACK_BOT_TOKEN,
    SLACK_APP_TOKEN: e.SLACK_APP_TOKEN,
  };
  // Socket Mode requests come over the app-level token's WebSocket and are not signed: the
  // signing secret only guards the HTTP request URL.
  const socketMode = e.SLACK_APP_TOKEN !== undefined;
  const hasSlack =
    distribution !== undefined
      ? true
      : socketMode
        ? requireAllOrNone('Slack', slackVars, ['SLACK_BOT_TOKEN'])
        : requireAllOrNone(
            'Slack',
            slackVars,
            ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'],
            e.SLACK_SIGNING_SECRET === undefined ? ' (or SLACK_APP_TOKEN for Socket Mode)' : '',
          );
  const hasDiscord = requireAllOrNone(
    'Discord',
    { DISCORD_TOKEN: e.DISCORD_TOKEN, DISCORD_APPLICATION_ID: e.DISCORD_APPLICATION_ID },
    ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
  );

  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    acceptHandles: e.HTTP_ACCEPT_HANDLES,
    publicUrl,
    publicUrlExplicit: e.PUBLIC_URL !== undefined,
    redirectUri: `${publicUrl}${CALLBACK_PATH}`,
    notion: { clientId: e.NOTION_CLIENT_ID, clientSecret: e.NOTION_CLIENT_SECRET, apiUrl: e.NOTION_API_URL },
    storeUrl: e.STORE_URL,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    dataDir: e.DATA_DIR,
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY,
    tweetOembedUrl: e.TWEET_OEMBED_URL,
    fxtwitterApiUrl: e.FXTWITTER_API_URL,
    tweetProviders: e.TWEET_PROVIDERS,
    logLevel: e.LOG_LEVEL,
    notionRate: { perSecond: e.NOTION_RATE_PER_SECOND, burst: e.NOTION_BURST },
    saveJobs: {
      giveUpAfterHours: e.SAVE_GIVE_UP_AFTER_HOURS,
      concurrency: e.SAVE_WORKER_CONCURRENCY,
      leaseSeconds: e.SAVE_JOB_LEASE_SECONDS,
    },
    slack: !hasSlack
      ? undefined
      : distribution !== undefined
        ? {
            botToken: undefined,
            appToken: undefined,
            signingSecret: e.SLACK_SIGNING_SECRET!,
            apiUrl: `${e.SLACK_API_URL}/`,
            distribution,
          }
        : e.SLACK_APP_TOKEN !== undefined
          ? {
              appToken: e.SLACK_APP_TOKEN,
              signingSecret: e.SLACK_SIGNING_SECRET,
              botToken: e.SLACK_BOT_TOKEN!,
              apiUrl: `${e.SLACK_API_URL}/`,
            }
          : {
              appToken: undefined,
              signingSecret: e.SLACK_SIGNING_SECRET!,
              botToken: e.SLACK_BOT_TOKEN!,
              apiUrl: `${e.SLACK_API_URL}/`,
            },
    discord: hasDiscord
      ? { token: e.DISCORD_TOKEN!, applicationId: e.DISCORD_APPLICATION_ID!, apiUrl: e.DISCORD_API_URL }
      : undefined,
  };
}

const sandboxSchema = z.object({
  SANDBOX_SLACK: blankAsUnset(z.enum(['single', 'distribution'], 'must be single or distribution').default('single')),
});

/** How the no-accounts sandbox runs (read only in sandbox mode). */
export interface SandboxSettings {
  /**
   * SANDBOX_SLACK: `single` (default) installs the app in the emulated Slack workspace up front, with one bot
   * token; `distribution` runs the product in distribution mode, so each of two emulated workspaces first
   * installs it through the real "Add to Slack" flow.
   */
  slack: 'single' | 'distribution';
}

/** The sandbox's own variables; ConfigError (naming the variable) for a bad value. */
export function loadSandboxSettings(env: Record<string, string | undefined>): SandboxSettings {
  const parsed = sandboxSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.') || 'environment'}: ${issue.message}`);
  }
  return { slack: parsed.data.SANDBOX_SLACK };
}
