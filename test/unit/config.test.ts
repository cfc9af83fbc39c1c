import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
  });

  it('derives the redirect URI from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://tweets.example.com/' }).redirectUri).toBe('https://tweets.example.com/oauth/notion/callback');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL: /],
    [{ STORE_URL: 'mysql://x' }, /^STORE_URL: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ NODE_ENV: 'production' }, /^TOKEN_ENCRYPTION_KEY: required when NODE_ENV=production/],
    [{ NOTION_CLIENT_ID: 'x' }, /^NOTION_CLIENT_SECRET: /],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /Slack is partly configured: set SLACK_SIGNING_SECRET/],
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

  it('never echoes a secret in its errors', () => {
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 'very-secret-value' })).toThrow(ConfigError);
    try {
      loadConfig({ SLACK_SIGNING_SECRET: 'very-secret-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('very-secret-value');
    }
  });
});
