import { describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_VARIABLES,
  sandboxRefusedMessage,
  shouldRunSandbox,
} from '../../../src/sandbox/sandbox-decision.js';
import { SandboxRefusedError, startSandbox } from '../../../src/sandbox/sandbox-mode.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('sandbox mode refuses a deployment missing its credentials', () => {
  it.each<[string, Record<string, string | undefined>, ReturnType<typeof shouldRunSandbox>]>([
    [
      'a real STORE_URL',
      { STORE_URL: 'postgres://app:pw@db.internal/tweets' },
      { run: false, reason: 'deployment', variables: ['STORE_URL'] },
    ],
    ['even memory://', { STORE_URL: 'memory://' }, { run: false, reason: 'deployment', variables: ['STORE_URL'] }],
    [
      'a PUBLIC_URL',
      { PUBLIC_URL: 'https://tweets.example.com' },
      { run: false, reason: 'deployment', variables: ['PUBLIC_URL'] },
    ],
    [
      'a TOKEN_ENCRYPTION_KEY',
      { TOKEN_ENCRYPTION_KEY: KEY },
      { run: false, reason: 'deployment', variables: ['TOKEN_ENCRYPTION_KEY'] },
    ],
    [
      'all three, in development',
      {
        NODE_ENV: 'development',
        STORE_URL: 'redis://cache:6379',
        PUBLIC_URL: 'https://t.example',
        TOKEN_ENCRYPTION_KEY: KEY,
      },
      { run: false, reason: 'deployment', variables: ['STORE_URL', 'PUBLIC_URL', 'TOKEN_ENCRYPTION_KEY'] },
    ],
    [
      'blank ones (as in .env.example) count as unset',
      { STORE_URL: '', PUBLIC_URL: '  ', TOKEN_ENCRYPTION_KEY: undefined },
      { run: true },
    ],
    [
      'with a platform configured the product runs for real',
      { STORE_URL: 'redis://cache:6379', NOTION_CLIENT_ID: 'id' },
      { run: false, reason: 'configured', variables: ['NOTION_CLIENT_ID'] },
    ],
    [
      'production stays production',
      { NODE_ENV: 'production', STORE_URL: 'redis://cache:6379' },
      { run: false, reason: 'production', variables: ['NODE_ENV'] },
    ],
  ])('%s', (_what, env, expected) => {
    expect(shouldRunSandbox(env)).toEqual(expected);
  });

  it('a caller can lift the deployment check for its own overrides only', () => {
    expect(shouldRunSandbox({ STORE_URL: 'memory://' }, { checkDeployment: false })).toEqual({ run: true });
    expect(shouldRunSandbox({ SLACK_BOT_TOKEN: 'xoxb-1' }, { checkDeployment: false })).toMatchObject({
      run: false,
      reason: 'configured',
    });
  });

  it('the message names the variables and both ways out, and never their values', () => {
    const message = sandboxRefusedMessage(['STORE_URL', 'TOKEN_ENCRYPTION_KEY']);
    expect(message).toMatch(
      /^STORE_URL, TOKEN_ENCRYPTION_KEY are set but no NOTION_\*, SLACK_\* or DISCORD_\* variable is/,
    );
    expect(message).toContain('To run for real, set NOTION_CLIENT_ID and NOTION_CLIENT_SECRET');
    expect(message).toContain('To try the sandbox, unset STORE_URL, TOKEN_ENCRYPTION_KEY.');
    expect(message).not.toContain(KEY);
    expect(DEPLOYMENT_VARIABLES).toEqual(['STORE_URL', 'PUBLIC_URL', 'TOKEN_ENCRYPTION_KEY']);
  });

  it('startSandbox refuses a deployment variable in the environment, not in its own overrides', async () => {
    const overrides = { env: { PORT: '0', STORE_URL: 'memory://', TOKEN_ENCRYPTION_KEY: KEY, LOG_LEVEL: 'silent' } };
    await expect(startSandbox({ STORE_URL: 'redis://cache:6379' }, overrides)).rejects.toBeInstanceOf(
      SandboxRefusedError,
    );
    await expect(startSandbox({ PUBLIC_URL: 'https://tweets.example.com' }, overrides)).rejects.toThrow(
      /PUBLIC_URL is set/,
    );
  });
});
