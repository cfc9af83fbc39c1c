import type { ChatBot } from './bots/chat-bot.js';
import type { Config } from './config.js';
import { createCore, type CoreService } from './core/create-core.js';
import type { NotionRateLimiter } from './core/notion-rate-limit.js';
import type { SaveJobQueue } from './core/save-jobs.js';
import { addOperatorRoutes } from './http/operator-routes.js';
import { HttpRequestsInFlight } from './http/requests-in-flight.js';
import { Router } from './http/router.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics/metrics.js';
import { createPromMetrics } from './metrics/prom-metrics.js';
import { createNotionGateway } from './notion/notion-gateway.js';
import { createAuthorization } from './oauth/authorization.js';
import { addNotionOAuthRoutes } from './oauth/notion-oauth-routes.js';
import { CALLBACK_PATH } from './oauth/paths.js';
import { KeyvLeaseStore } from './store/keyv-lease-store.js';
import { openSaveJobQueue, openSaveRateLimiter, type SaveJobQueueTuning } from './store/open-save-jobs.js';
import { openStore } from './store/open-store.js';
import { createCommandRateLimiter } from './store/rate-limit/command-rate-limiter.js';
import { createTweetProviders } from './tweets/tweet-providers.js';

export interface App {
  core: CoreService;
  router: Router;
  /** Final once `start` resolved (with PORT=0 and no PUBLIC_URL it is derived from the bound port). */
  readonly publicUrl: string;
  readonly redirectUri: string;
  readonly bots: readonly ChatBot[];
  /** Durable save jobs on STORE_URL's engine; `stop` stops it (10 s grace) before closing the store. */
  saveJobs: SaveJobQueue;
  /** Notion's per-connection limit, shared by the instances on STORE_URL. */
  notionRateLimiter: NotionRateLimiter;
  /** Counters and timings behind GET /metrics. */
  metrics: Metrics;
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export interface AppDeps {
  log: Logger;
  /** Host to bind; all interfaces by default. */
  host?: string;
  /** Period of the store's sweep of expired entries (tests shorten it). */
  sweepEveryMs?: number;
  /** Job engine settings beyond the config (tests: short leases and polls). */
  saveJobsTuning?: SaveJobQueueTuning;
  /** TTL of the Discord gateway lease (default 15 s; tests: shorter). */
  discordGatewayLeaseMs?: number;
  /** Slack distribution mode: where the install success page's "Open Slack" goes (the sandbox: its own page). */
  slackWorkspaceUrl?: (teamId: string) => string;
}

/** How long running save jobs may finish on shutdown; the rest stay stored for the next start or another instance. */
const SAVE_JOBS_GRACE_MS = 10_000;

/** The composition root: store, Notion, core, OAuth routes, HTTP server and the configured chat bots. */
export async function createApp(config: Config, deps: AppDeps): Promise<App> {
  const { log } = deps;
  const urls = { publicUrl: config.publicUrl, redirectUri: config.redirectUri };

  const store = await openStore(config, log, { sweepEveryMs: deps.sweepEveryMs });
  let saveJobs: SaveJobQueue;
  let rateLimiter: Awaited<ReturnType<typeof openSaveRateLimiter>>;
  try {
    saveJobs = await openSaveJobQueue(config, { store, log, tuning: deps.saveJobsTuning });
    try {
      rateLimiter = await openSaveRateLimiter(config);
    } catch (err) {
      await saveJobs.stop(0);
      throw err;
    }
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  const metrics = createPromMetrics({ queueStats: () => saveJobs.stats() });
  const notion = createNotionGateway({
    apiUrl: config.notion.apiUrl,
    clientId: config.notion.clientId,
    clientSecret: config.notion.clientSecret,
    redirectUri: () => urls.redirectUri,
    log: log.child({ component: 'notion' }),
    metrics,
  });
  // Saves start once the requests being answered are (see ACKS_FIRST_MAX_MS).
  const requests = new HttpRequestsInFlight();
  const core = createCore({
    requests,
    connections: store.connections,
    linkTokens: store.linkTokens,
    liveLinks: store.liveLinks,
    claims: store.claims,
    saveIndex: store.saveIndex,
    pendingSaves: store.pendingSaves,
    notion,
    tweetProviders: createTweetProviders({
      names: config.tweetProviders,
      fxtwitterApiUrl: config.fxtwitterApiUrl,
      oembedUrl: config.tweetOembedUrl,
      log: log.child({ component: 'tweets' }),
    }),
    jobs: saveJobs,
    notionLimiter: rateLimiter.limiter,
    commandLimiter: createCommandRateLimiter(),
    giveUpAfterHours: config.saveJobs.giveUpAfterHours,
    metrics,
    log: log.child({ component: 'core' }),
    publicUrl: () => urls.publicUrl,
  });

  const router = new Router();
  router.add('GET', '/healthz', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ ok: true }));
  });
  addOperatorRoutes(router, {
    metrics,
    checks: [
      // A read that reaches the store (Keyv throws on store errors, see createKeyv).
      { name: 'store', check: async () => void (await store.keyv.get('__readyz__')) },
      { name: 'queue', check: () => saveJobs.ping() },
    ],
  });
  addNotionOAuthRoutes({
    router,
    authorization: createAuthorization({
      linkTokens: store.linkTokens,
      oauthStates: store.oauthStates,
      notion,
      notionApiUrl: config.notion.apiUrl,
      clientId: config.notion.clientId,
      redirectUri: () => urls.redirectUri,
      onConnected: (user, grant) => core.onConnected(user, grant),
    }),
    publicUrl: () => urls.publicUrl,
    log: log.child({ component: 'oauth' }),
  });

  const bots: ChatBot[] = [];
  // Loaded only when configured, so a Slack-only deployment never loads discord.js and vice versa.
  if (config.slack) {
    const { createSlackBot } = await import('./bots/slack/index.js');
    bots.push(
      createSlackBot({
        config: config.slack,
        core,
        router,
        log: log.child({ platform: 'slack' }),
        publicUrl: () => urls.publicUrl,
        installs: { store: store.workspaceInstalls, states: store.installStates, claims: store.claims },
        workspaceUrl: deps.slackWorkspaceUrl,
      }),
    );
  }
  if (config.discord) {
    const { createDiscordBot } = await import('./bots/discord/index.js');
    // Instances sharing the store hold the gateway in turn (one connected bot), through a lease in the store.
    const gatewayLease = { leases: new KeyvLeaseStore(store.keyv), ttlMs: deps.discordGatewayLeaseMs };
    bots.push(
      createDiscordBot({ config: config.discord, core, log: log.child({ platform: 'discord' }), gatewayLease }),
    );
  }

  const http = createHttpServer(router, log.child({ component: 'http' }), {
    metrics,
    requests,
    acceptHandles: config.acceptHandles,
  });
  let started = false;

  async function stop(): Promise<void> {
    for (const bot of bots) {
      await bot.stop().catch((err: unknown) => log.warn({ err, platform: bot.platform }, 'bot did not stop cleanly'));
    }
    if (started) {
      started = false;
      await http.close();
    }
    // Running saves finish (up to the grace period); the rest stay stored for the next start or another instance.
    // Bounded: an engine whose server is unreachable (Redis cut off) must not hold the shutdown past the grace.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      saveJobs
        .stop(SAVE_JOBS_GRACE_MS)
        .catch((err: unknown) => log.warn({ err }, 'save job queue did not stop cleanly')),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SAVE_JOBS_GRACE_MS + 2_000))),
    ]);
    clearTimeout(timer);
    await core.settleBackground();
    await rateLimiter.close();
    await store.close();
  }

  return {
    core,
    router,
    bots,
    saveJobs,
    notionRateLimiter: rateLimiter.limiter,
    metrics,
    get publicUrl() {
      return urls.publicUrl;
    },
    get redirectUri() {
      return urls.redirectUri;
    },
    async start() {
      const port = await http.listen(config.port, deps.host);
      if (!config.publicUrlExplicit && config.port === 0) {
        urls.publicUrl = `http://localhost:${port}`;
        urls.redirectUri = `${urls.publicUrl}${CALLBACK_PATH}`;
      }
      started = true;
      try {
        for (const bot of bots) await bot.start();
        // After the bots, whose notifiers answer the jobs (those left by a previous run too).
        await saveJobs.start(core.saveJobHandler);
      } catch (err) {
        // A bot that cannot start (e.g. a rejected token) must not leave the port and store open.
        await stop().catch(() => undefined);
        throw err;
      }
      return { port };
    },
    stop,
  };
}
