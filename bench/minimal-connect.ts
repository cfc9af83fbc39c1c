/**
 * The part the bench's two comparison apps share: a minimal Bolt app (HTTPReceiver, signed requests) with its own
 * tiny per-user token map, filled by the same Notion OAuth connect a user runs with the product (`/notion-connect`
 * answers with a link; the link redirects to Notion's consent; the callback exchanges the code). Nothing is stored
 * on disk and nothing is encrypted: these apps exist to be measured against, not to be deployed.
 */
import { Client, LogLevel as NotionLogLevel } from '@notionhq/client';
import { App, LogLevel, type RespondFn } from '@slack/bolt';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** What a comparison app reads from its environment (the bench sets it). */
export interface MinimalEnv {
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  notionApiUrl: string;
  clientId: string;
  clientSecret: string;
}

export function readEnv(env: NodeJS.ProcessEnv): MinimalEnv {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  return {
    signingSecret: need('SLACK_SIGNING_SECRET'),
    botToken: need('SLACK_BOT_TOKEN'),
    slackApiUrl: need('SLACK_API_URL'),
    notionApiUrl: need('NOTION_API_URL'),
    clientId: need('NOTION_CLIENT_ID'),
    clientSecret: need('NOTION_CLIENT_SECRET'),
  };
}

/** One `/save-tweet`, already acknowledged. */
export interface SaveRequest {
  /** `team:user`, the token map's key. */
  userKey: string;
  accessToken: string;
  text: string;
  respond: RespondFn;
}

export interface MinimalAppOptions {
  env: MinimalEnv;
  /** Runs after the ack; its outcome is the app's business (answering the user included). */
  onSave(save: SaveRequest): Promise<void>;
  /** Runs once a user's token is in the map, before the callback page answers. */
  onConnected?(userKey: string, accessToken: string): Promise<void>;
}

const random = () => randomBytes(32).toString('base64url');

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Builds and starts the app on `port` (0: any); resolves with the bound port. Stops on SIGTERM/SIGINT. */
export async function startMinimalApp(options: MinimalAppOptions, port: number): Promise<number> {
  const { env } = options;
  const tokens = new Map<string, string>();
  const linkTokens = new Map<string, string>();
  const states = new Map<string, string>();
  const oauth = new Client({ baseUrl: env.notionApiUrl, logLevel: NotionLogLevel.WARN });
  let publicUrl = '';
  const redirectUri = () => `${publicUrl}/oauth/notion/callback`;

  const app = new App({
    signingSecret: env.signingSecret,
    token: env.botToken,
    clientOptions: { slackApiUrl: env.slackApiUrl },
    logLevel: LogLevel.WARN,
    customRoutes: [
      {
        path: '/oauth/notion/start',
        method: 'GET',
        handler: (req, res) => {
          const t = new URL(req.url ?? '/', 'http://app.invalid').searchParams.get('t') ?? '';
          const userKey = linkTokens.get(t);
          if (!userKey) return send(res, 400, 'unknown or used link');
          linkTokens.delete(t);
          const state = random();
          states.set(state, userKey);
          const authorize = new URL('/v1/oauth/authorize', env.notionApiUrl);
          const query = {
            client_id: env.clientId,
            redirect_uri: redirectUri(),
            response_type: 'code',
            owner: 'user',
            state,
          };
          for (const [k, v] of Object.entries(query)) authorize.searchParams.set(k, v);
          send(res, 302, '', { location: authorize.href });
        },
      },
      {
        path: '/oauth/notion/callback',
        method: 'GET',
        handler: (req, res) => {
          const params = new URL(req.url ?? '/', 'http://app.invalid').searchParams;
          const userKey = states.get(params.get('state') ?? '');
          const code = params.get('code');
          if (!userKey || !code) return send(res, 400, 'unknown state or no code');
          states.delete(params.get('state')!);
          oauth.oauth
            .token({
              client_id: env.clientId,
              client_secret: env.clientSecret,
              grant_type: 'authorization_code',
              code,
              redirect_uri: redirectUri(),
            })
            .then(async (grant) => {
              tokens.set(userKey, grant.access_token);
              await options.onConnected?.(userKey, grant.access_token);
              send(res, 200, 'Connected. You can close this tab.');
            })
            .catch(() => send(res, 502, 'connect failed'));
        },
      },
    ],
  });

  app.command('/notion-connect', async ({ command, ack }) => {
    const t = random();
    linkTokens.set(t, `${command.team_id}:${command.user_id}`);
    await ack({ response_type: 'ephemeral', text: `Connect Notion: ${publicUrl}/oauth/notion/start?t=${t}` });
  });

  app.command('/save-tweet', async ({ command, ack, respond }) => {
    const userKey = `${command.team_id}:${command.user_id}`;
    const accessToken = tokens.get(userKey);
    if (!accessToken) {
      await ack({ response_type: 'ephemeral', text: 'Run /notion-connect first.' });
      return;
    }
    await ack();
    await options.onSave({ userKey, accessToken, text: command.text, respond });
  });

  app.error(async () => undefined);

  const server = (await app.start(port)) as unknown as Server;
  const bound = (server.address() as AddressInfo).port;
  publicUrl = `http://localhost:${bound}`;
  const stop = () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return bound;
}

/** The line the bench waits for, in the product's own log shape (`"event":"started"`, `"port"`). */
export function announceStarted(port: number): void {
  process.stdout.write(`${JSON.stringify({ event: 'started', port })}\n`);
}

/** The title property of a data source, from its `properties` (every data source has exactly one). */
export function titlePropertyOf(properties: Record<string, { type: string }>): string {
  const entry = Object.entries(properties).find(([, p]) => p.type === 'title');
  if (!entry) throw new Error('the data source has no title property');
  return entry[0];
}
