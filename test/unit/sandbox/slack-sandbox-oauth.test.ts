import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackSandbox, type SlackSandbox } from '../../../src/sandbox/slack/slack-sandbox.js';

const CLIENT = { clientId: '9.9', clientSecret: 'unit-client-secret' };
const REDIRECT = 'http://127.0.0.1:9/slack/oauth_redirect';

describe('Slack sandbox: authorize page and oauth.v2.access', () => {
  let slack: SlackSandbox;
  let noToken: webApi.WebClient;

  beforeEach(async () => {
    slack = await startSlackSandbox({ oauth: CLIENT, workspaces: [{ teamId: 'T0ONE', teamName: 'One' }] });
    slack.registerRedirectUri(REDIRECT);
    noToken = new webApi.WebClient(undefined, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterEach(() => slack.close());

  async function code(redirectUri = REDIRECT): Promise<string> {
    const form = new URLSearchParams({
      client_id: CLIENT.clientId,
      scope: 'commands',
      state: 's1',
      redirect_uri: redirectUri,
      install_to: 'team:T0ONE',
      decision: 'allow',
    });
    const res = await fetch(slack.authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    return back.searchParams.get('code')!;
  }

  it('refuses an unregistered redirect URI or an unknown client on the authorize page', async () => {
    const bad = await fetch(
      `${slack.authorizeUrl}?client_id=${CLIENT.clientId}&scope=commands&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('bad_redirect_uri');
    const unknown = await fetch(
      `${slack.authorizeUrl}?client_id=nope&scope=commands&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    expect(unknown.status).toBe(400);
  });

  it('exchanges a code once, with the right secret, for a token that acts as its workspace', async () => {
    const c = await code();
    await expect(
      noToken.oauth.v2.access({ client_id: CLIENT.clientId, client_secret: 'wrong', code: c, redirect_uri: REDIRECT }),
    ).rejects.toMatchObject({ data: { error: 'bad_client_secret' } });
    const ok = await noToken.oauth.v2.access({
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      code: c,
      redirect_uri: REDIRECT,
    });
    expect(ok).toMatchObject({ ok: true, token_type: 'bot', team: { id: 'T0ONE' }, is_enterprise_install: false });
    await expect(
      noToken.oauth.v2.access({
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        code: c,
        redirect_uri: REDIRECT,
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_code' } });
    const bot = new webApi.WebClient(ok.access_token, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    await expect(bot.auth.test()).resolves.toMatchObject({ team_id: 'T0ONE' });
    expect(JSON.stringify(slack.calls)).not.toContain(CLIENT.clientSecret);
    slack.uninstall('T0ONE');
    await expect(bot.auth.test()).rejects.toMatchObject({ data: { error: 'token_revoked' } });
  });
});
