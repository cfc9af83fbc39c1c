import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import type { SaveJobQueueTuning } from '../../src/store/open-save-jobs.js';

export const TEST_CLIENT = { clientId: 'test-client-id', clientSecret: 'test-client-secret-value' };

export interface Product {
  app: App;
  /** Public base URL, e.g. http://localhost:51234 */
  url: string;
  /** The port it listens on (127.0.0.1), also when PUBLIC_URL names another address. */
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the real product (HTTP server, store, core, configured bots) on port 0 against the
 * Notion sandbox. Registers the product's redirect URI with the sandbox once it is known.
 */
export async function startProduct(options: {
  notion: NotionSandbox;
  env?: Record<string, string>;
  oembedUrl?: string;
  /** FxTwitter API base; default a closed local port, so lookups fall through to oEmbed at once. */
  fxtwitterUrl?: string;
  /** Collects every log line (JSON) instead of printing, for tests that inspect logs. */
  logSink?: string[];
  /** Job engine settings (short leases, a queue name of the test's own on a shared Redis or Postgres). */
  saveJobsTuning?: SaveJobQueueTuning;
  /** TTL of the Discord gateway lease (two products on one store take turns on the gateway). */
  discordGatewayLeaseMs?: number;
  /** The store's sweep period. */
  sweepEveryMs?: number;
}): Promise<Product> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    STORE_URL: 'memory://',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    NOTION_CLIENT_ID: TEST_CLIENT.clientId,
    NOTION_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    NOTION_API_URL: options.notion.url,
    TWEET_OEMBED_URL: options.oembedUrl ?? 'http://127.0.0.1:9/oembed',
    FXTWITTER_API_URL: options.fxtwitterUrl ?? 'http://127.0.0.1:9',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const sink = options.logSink;
  const log = sink
    ? createLogger(config.logLevel, { write: (line: string) => void sink.push(line) })
    : createLogger(config.logLevel);
  const app = await createApp(config, {
    log,
    host: '127.0.0.1',
    sweepEveryMs: options.sweepEveryMs,
    saveJobsTuning: options.saveJobsTuning,
    discordGatewayLeaseMs: options.discordGatewayLeaseMs,
  });
  const { port } = await app.start();
  options.notion.registerRedirectUri(TEST_CLIENT.clientId, app.redirectUri);
  return { app, url: app.publicUrl, port, stop: () => app.stop() };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` instead of sleeping blindly. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5000, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
