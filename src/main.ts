import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createApp } from './app.js';
import { sandboxBanner, shouldRunSandbox } from './sandbox/sandbox-decision.js';

/** Entry point: the only module that reads process.env. */
async function main(): Promise<void> {
  // A .env file is optional; variables already set in the environment win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  // No NOTION_*, SLACK_* or DISCORD_* variables and not production: the no-accounts sandbox.
  if (shouldRunSandbox(process.env).run) return runSandbox();

  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`save-to-notion: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);

  let app;
  try {
    app = await createApp(config, { log });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`save-to-notion: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const { port } = await app.start();
  log.info(
    {
      event: 'started',
      port,
      publicUrl: app.publicUrl,
      redirectUri: app.redirectUri,
      notion: config.notion.clientId ? 'configured' : 'not configured',
      slack: config.slack ? (config.slack.distribution ? 'distribution' : config.slack.appToken ? 'socket mode' : 'http') : 'off',
      discord: config.discord ? 'on' : 'off',
    },
    `save-to-notion is listening on port ${port}`,
  );
  if (!config.notion.clientId) {
    log.warn({ event: 'notion.not_configured' }, 'NOTION_CLIENT_ID / NOTION_CLIENT_SECRET are not set: users cannot connect Notion yet');
  }

  stopOnSignals(app, log);
}

/** Sandbox mode: the real product against local emulations; its code is loaded only here. */
async function runSandbox(): Promise<void> {
  const { startSandbox } = await import('./sandbox/sandbox-mode.js');
  let sandbox;
  try {
    sandbox = await startSandbox(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`save-to-notion: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  console.log(`\n${sandboxBanner(sandbox.url)}\n`);
  stopOnSignals(sandbox, sandbox.log);
}

/** Stops cleanly on SIGTERM/SIGINT, or exits 1 when that takes longer than 15 s. */
function stopOnSignals(app: { stop(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'stopping', signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error({ event: 'stop_timeout' }, 'shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('save-to-notion failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
