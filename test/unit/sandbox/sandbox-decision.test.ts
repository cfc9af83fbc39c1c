import { describe, expect, it } from 'vitest';
import { sandboxBanner, shouldRunSandbox } from '../../../src/sandbox/sandbox-decision.js';

describe('shouldRunSandbox', () => {
  it.each<[string, Record<string, string | undefined>, ReturnType<typeof shouldRunSandbox>]>([
    ['an empty environment', {}, { run: true }],
    [
      'development with unrelated variables',
      { NODE_ENV: 'development', PORT: '3999', LOG_LEVEL: 'debug', DATA_DIR: './data' },
      { run: true },
    ],
    ['NODE_ENV=test', { NODE_ENV: 'test' }, { run: true }],
    [
      'blank credentials (as in an .env template)',
      { NOTION_CLIENT_ID: '', SLACK_BOT_TOKEN: '   ', DISCORD_TOKEN: undefined },
      { run: true },
    ],
    [
      'production, even with no credentials',
      { NODE_ENV: 'production' },
      { run: false, reason: 'production', variables: ['NODE_ENV'] },
    ],
    [
      'production with credentials',
      { NODE_ENV: ' production ', NOTION_CLIENT_ID: 'x' },
      { run: false, reason: 'production', variables: ['NODE_ENV'] },
    ],
    [
      'the Notion client id',
      { NOTION_CLIENT_ID: 'abc' },
      { run: false, reason: 'configured', variables: ['NOTION_CLIENT_ID'] },
    ],
    [
      'the Notion client secret alone',
      { NOTION_CLIENT_SECRET: 's' },
      { run: false, reason: 'configured', variables: ['NOTION_CLIENT_SECRET'] },
    ],
    [
      'only NOTION_API_URL',
      { NOTION_API_URL: 'https://api.notion.com' },
      { run: false, reason: 'configured', variables: ['NOTION_API_URL'] },
    ],
    [
      'Slack credentials',
      { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' },
      { run: false, reason: 'configured', variables: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'] },
    ],
    [
      'a Slack app token alone',
      { SLACK_APP_TOKEN: 'xapp-1' },
      { run: false, reason: 'configured', variables: ['SLACK_APP_TOKEN'] },
    ],
    [
      'Discord credentials',
      { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '1' },
      { run: false, reason: 'configured', variables: ['DISCORD_APPLICATION_ID', 'DISCORD_TOKEN'] },
    ],
    [
      'a Discord API URL alone',
      { DISCORD_API_URL: 'http://127.0.0.1:1' },
      { run: false, reason: 'configured', variables: ['DISCORD_API_URL'] },
    ],
  ])('%s', (_name, env, expected) => {
    expect(shouldRunSandbox(env)).toEqual(expected);
  });

  it('does not mistake look-alike names for credentials', () => {
    expect(shouldRunSandbox({ MY_SLACK_TOKEN: 'x', NOTIONAL: 'y', discord_token: 'z' })).toEqual({ run: true });
  });
});

describe('sandboxBanner', () => {
  it('is a closed box that names the URL to open', () => {
    const lines = sandboxBanner('http://localhost:3000/').split('\n');
    expect(lines.join('\n')).toContain('Open http://localhost:3000/ in your browser');
    expect(lines[0]).toMatch(/^╔═+╗$/);
    expect(lines.at(-1)).toMatch(/^╚═+╝$/);
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
  });

  it('says to add the app first when the sandbox runs in distribution mode', () => {
    const lines = sandboxBanner('http://localhost:3000/', { addToSlack: true }).split('\n');
    expect(lines.join('\n')).toContain('and click Add to Slack, then type /notion-connect in the chat.');
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
  });
});
