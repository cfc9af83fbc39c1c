import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadSandboxSettings } from '../../src/config.js';
import { shouldRunSandbox } from '../../src/sandbox/sandbox-decision.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      redirectUri: 'http://localhost:3000/oauth/notion/callback',
      storeUrl: 'sqlite://./data/save-to-notion.sqlite',
      tweetOembedUrl: 'https://publish.twitter.com/oembed',
      logLevel: 'info',
      slack: undefined,
      discord: undefined,
    });
    expect(c.notion.apiUrl).toBe('https://api.notion.com');
    expect(c.notionRate).toEqual({ perSecond: 3, burst: 10 });
    expect(c.saveJobs).toEqual({ giveUpAfterHours: 24, concurrency: 64, leaseSeconds: 30 });
    expect(c.acceptHandles).toBe(16);
  });

  it('HTTP_ACCEPT_HANDLES: how many handles accept on the port, 1 for the socket alone', () => {
    expect(loadConfig({ HTTP_ACCEPT_HANDLES: '1' }).acceptHandles).toBe(1);
    expect(loadConfig({ HTTP_ACCEPT_HANDLES: '4' }).acceptHandles).toBe(4);
  });

  it('reads the rate limit, the give-up time and the worker concurrency', () => {
    const c = loadConfig({
      NOTION_RATE_PER_SECOND: '2',
      NOTION_BURST: '2',
      SAVE_GIVE_UP_AFTER_HOURS: '1.5',
      SAVE_WORKER_CONCURRENCY: '8',
      SAVE_JOB_LEASE_SECONDS: '5',
    });
    expect(c.notionRate).toEqual({ perSecond: 2, burst: 2 });
    expect(c.saveJobs).toEqual({ giveUpAfterHours: 1.5, concurrency: 8, leaseSeconds: 5 });
  });

  it('reads a blank value as its default, as an .env template leaves it', () => {
    const blank = {
      PORT: '',
      HTTP_ACCEPT_HANDLES: '',
      NODE_ENV: ' ',
      LOG_LEVEL: '',
      STORE_URL: '',
      DATA_DIR: '',
      NOTION_API_URL: '',
      SLACK_API_URL: '',
      DISCORD_API_URL: '',
      TWEET_OEMBED_URL: '',
      NOTION_RATE_PER_SECOND: '',
      NOTION_BURST: '',
      SAVE_GIVE_UP_AFTER_HOURS: '',
      SAVE_WORKER_CONCURRENCY: '',
      SAVE_JOB_LEASE_SECONDS: '',
    };
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it('.env.example copied unchanged loads, and starts the sandbox', () => {
    const env = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
    expect(() => loadConfig(env)).not.toThrow();
    expect(shouldRunSandbox(env)).toEqual({ run: true });
  });

  it('derives the redirect URI from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://tweets.example.com/' }).redirectUri).toBe(
      'https://tweets.example.com/oauth/notion/callback',
    );
  });

  it('production refuses an http:// PUBLIC_URL except on this machine', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const prod = { NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: key };
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'http://tweets.example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'http://tweets.example.com' })).toThrow(
      /^PUBLIC_URL: must start with https:\/\/ when NODE_ENV=production .*localhost and 127\.0\.0\.1$/,
    );
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'http://10.0.0.5:3000' })).toThrow(/^PUBLIC_URL: /);
    expect(loadConfig({ ...prod, PUBLIC_URL: 'https://tweets.example.com' }).publicUrl).toBe(
      'https://tweets.example.com',
    );
    expect(loadConfig({ ...prod, PUBLIC_URL: 'http://localhost:3000' }).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ ...prod, PUBLIC_URL: 'http://127.0.0.1:3000' }).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig(prod).publicUrl).toBe('http://localhost:3000');
    // Outside production http:// stays allowed (development behind a tunnel, tests).
    expect(loadConfig({ PUBLIC_URL: 'http://tweets.example.com' }).publicUrl).toBe('http://tweets.example.com');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ HTTP_ACCEPT_HANDLES: '0' }, /^HTTP_ACCEPT_HANDLES: /],
    [{ HTTP_ACCEPT_HANDLES: '100' }, /^HTTP_ACCEPT_HANDLES: /],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL: /],
    [{ STORE_URL: 'mysql://x' }, /^STORE_URL: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ NOTION_RATE_PER_SECOND: '2.5' }, /^NOTION_RATE_PER_SECOND: /],
    [{ NOTION_RATE_PER_SECOND: '0' }, /^NOTION_RATE_PER_SECOND: /],
    [{ NOTION_BURST: '2' }, /^NOTION_BURST: must be at least NOTION_RATE_PER_SECOND/],
    [{ SAVE_GIVE_UP_AFTER_HOURS: '0' }, /^SAVE_GIVE_UP_AFTER_HOURS: /],
    [{ SAVE_WORKER_CONCURRENCY: 'many' }, /^SAVE_WORKER_CONCURRENCY: /],
    [{ SAVE_JOB_LEASE_SECONDS: '1' }, /^SAVE_JOB_LEASE_SECONDS: /],
    [{ NODE_ENV: 'production' }, /^TOKEN_ENCRYPTION_KEY: required when NODE_ENV=production/],
    [{ NOTION_CLIENT_ID: 'x' }, /^NOTION_CLIENT_SECRET: /],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      /Slack is partly configured: set SLACK_SIGNING_SECRET too \(or SLACK_APP_TOKEN for Socket Mode\)/,
    ],
    [
      { SLACK_APP_TOKEN: 'xapp-1' },
      /^Slack is partly configured: set SLACK_BOT_TOKEN too, or unset all Slack variables$/,
    ],
    [
      { SLACK_SIGNING_SECRET: 'shh', SLACK_APP_TOKEN: 'xapp-1' },
      /^Slack is partly configured: set SLACK_BOT_TOKEN too, or unset all/,
    ],
    [{ DISCORD_TOKEN: 'abc' }, /Discord is partly configured: set DISCORD_APPLICATION_ID/],
  ])('names the variable in a one-line error: %o', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('HTTP mode needs the signing secret and the bot token', () => {
    expect(loadConfig({ SLACK_SIGNING_SECRET: 'shh', SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toEqual({
      signingSecret: 'shh',
      botToken: 'xoxb-1',
      appToken: undefined,
      apiUrl: 'https://slack.com/api/',
    });
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 'shh' })).toThrow(
      /^Slack is partly configured: set SLACK_BOT_TOKEN too, or unset all/,
    );
  });

  it('Socket Mode needs only the bot token and the app token: its requests are not signed', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack).toEqual({
      signingSecret: undefined,
      botToken: 'xoxb-1',
      appToken: 'xapp-1',
      apiUrl: 'https://slack.com/api/',
    });
    // A blank secret, as a copied .env.example leaves it, is the same as none.
    expect(
      loadConfig({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack
        ?.signingSecret,
    ).toBeUndefined();
    // A secret set anyway is kept (and unused).
    expect(
      loadConfig({ SLACK_SIGNING_SECRET: 'shh', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack,
    ).toMatchObject({ appToken: 'xapp-1', signingSecret: 'shh' });
  });

  it('distribution mode: the three OAuth variables and the signing secret, no bot token', () => {
    const dist = {
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'csecret',
      SLACK_STATE_SECRET: 'a-state-secret-of-32-characters!',
      SLACK_SIGNING_SECRET: 'shh',
    };
    expect(loadConfig(dist).slack).toEqual({
      botToken: undefined,
      appToken: undefined,
      signingSecret: 'shh',
      apiUrl: 'https://slack.com/api/',
      distribution: {
        clientId: '1.2',
        clientSecret: 'csecret',
        stateSecret: 'a-state-secret-of-32-characters!',
        authorizeUrl: 'https://slack.com/oauth/v2/authorize',
        uninstallDisconnectsNotion: false,
      },
    });
    expect(
      loadConfig({ ...dist, SLACK_AUTHORIZE_URL: 'http://127.0.0.1:9/oauth/v2/authorize' }).slack?.distribution
        ?.authorizeUrl,
    ).toBe('http://127.0.0.1:9/oauth/v2/authorize');
    // Single-workspace configs carry no distribution settings.
    expect(loadConfig({ SLACK_SIGNING_SECRET: 'shh', SLACK_BOT_TOKEN: 'xoxb-1' }).slack?.distribution).toBeUndefined();
  });

  it('SLACK_UNINSTALL_DISCONNECTS_NOTION: a boolean, off by default, only with distribution', () => {
    const dist = {
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'csecret',
      SLACK_STATE_SECRET: 'a-state-secret-of-32-characters!',
      SLACK_SIGNING_SECRET: 'shh',
    };
    const setting = (v: string | undefined) =>
      loadConfig({ ...dist, SLACK_UNINSTALL_DISCONNECTS_NOTION: v }).slack?.distribution?.uninstallDisconnectsNotion;
    expect(setting(undefined)).toBe(false);
    expect(setting('')).toBe(false);
    expect(setting('true')).toBe(true);
    expect(setting('1')).toBe(true);
    expect(setting('false')).toBe(false);
    expect(() => setting('yes')).toThrow(/^SLACK_UNINSTALL_DISCONNECTS_NOTION: must be true or false/);
    expect(() =>
      loadConfig({
        SLACK_SIGNING_SECRET: 'shh',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_UNINSTALL_DISCONNECTS_NOTION: 'true',
      }),
    ).toThrow(/^SLACK_UNINSTALL_DISCONNECTS_NOTION: applies only when distributing the app/);
  });

  it('SANDBOX_SLACK: single by default, or distribution', () => {
    expect(loadSandboxSettings({})).toEqual({ slack: 'single' });
    expect(loadSandboxSettings({ SANDBOX_SLACK: ' ' })).toEqual({ slack: 'single' });
    expect(loadSandboxSettings({ SANDBOX_SLACK: 'distribution' })).toEqual({ slack: 'distribution' });
    expect(() => loadSandboxSettings({ SANDBOX_SLACK: 'many' })).toThrow(
      /^SANDBOX_SLACK: must be single or distribution/,
    );
  });

  it.each([
    [
      { SLACK_CLIENT_ID: '1.2' },
      /^Slack distribution is partly configured: set SLACK_CLIENT_SECRET and SLACK_STATE_SECRET too/,
    ],
    [
      { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c' },
      /^Slack distribution is partly configured: set SLACK_STATE_SECRET too/,
    ],
    [
      {
        SLACK_CLIENT_ID: '1.2',
        SLACK_CLIENT_SECRET: 'c',
        SLACK_STATE_SECRET: 'x'.repeat(32),
        SLACK_SIGNING_SECRET: 's',
        SLACK_BOT_TOKEN: 'xoxb-1',
      },
      /^SLACK_BOT_TOKEN: unset it to distribute/,
    ],
    [
      {
        SLACK_CLIENT_ID: '1.2',
        SLACK_CLIENT_SECRET: 'c',
        SLACK_STATE_SECRET: 'x'.repeat(32),
        SLACK_SIGNING_SECRET: 's',
        SLACK_APP_TOKEN: 'xapp-1',
      },
      /^SLACK_APP_TOKEN: Socket Mode is not supported/,
    ],
    [
      { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'x'.repeat(32) },
      /^SLACK_SIGNING_SECRET: required when distributing/,
    ],
    [
      { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'short', SLACK_SIGNING_SECRET: 's' },
      /^SLACK_STATE_SECRET: must be at least 16/,
    ],
  ])('distribution mode half-set is a one-line error: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret in its errors', () => {
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 'very-secret-value' })).toThrow(ConfigError);
    try {
      loadConfig({ SLACK_SIGNING_SECRET: 'very-secret-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('very-secret-value');
    }
  });
});
