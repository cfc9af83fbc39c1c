import { existsSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, safeErrorFields, type Logger } from './log.js';
import { sandboxBanner, sandboxRefusedMessage, shouldRunSandbox } from './sandbox/sandbox-decision.js';

/** Entry point: the only module that reads process.env. */
async function main(): Promise<void> {
  // A .env file is optional; variables already set in the environment win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  // No NOTION_*, SLACK_* or DISCORD_* variables and not production: the no-accounts sandbox,
  // unless a deployment's store, address or key is set: then neither it nor the product starts.
  const decision = shouldRunSandbox(process.env);
  if (decision.run) return runSandbox();
  if (decision.reason === 'deployment') {
    console.error(`save-to-notion: ${sandboxRefusedMessage(decision.variables)}`);
    process.exit(1);
  }

  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const app = await createApp(config, { log });
  const { port } = await app.start();
  log.info(
    {
      event: 'started',
      port,
      publicUrl: app.publicUrl,
      redirectUri: app.redirectUri,
      notion: config.notion.clientId ? 'configured' : 'not configured',
      slack: config.slack
        ? config.slack.distribution
          ? 'distribution'
          : config.slack.appToken
            ? 'socket mode'
            : 'http'
        : 'off',
      discord: config.discord ? 'on' : 'off',
    },
    `save-to-notion is listening on port ${port}`,
  );
  if (!config.notion.clientId) {
    log.warn(
      { event: 'notion.not_configured' },
      'NOTION_CLIENT_ID / NOTION_CLIENT_SECRET are not set: users cannot connect Notion yet',
    );
  }

  stopOnSignals(app, log);
}

/** Sandbox mode: the real product against local emulations; its code is loaded only here. */
async function runSandbox(): Promise<void> {
  const { startSandbox } = await import('./sandbox/sandbox-mode.js');
  const sandbox = await startSandbox(process.env);
  console.log(`\n${sandboxBanner(sandbox.url, { addToSlack: sandbox.slackMode === 'distribution' })}\n`);
  stopOnSignals(sandbox, sandbox.log);
}

/**
 * Stops cleanly on SIGTERM/SIGINT (exit 0), or exits 1 when that takes longer than 15 s. An error nothing caught
 * (a bug, never a request: the HTTP server answers bad requests itself) is logged, scrubbed of secrets, and the
 * process stops the same clean way with exit 1 rather than dying mid-write or running on in an unknown state.
 */
function stopOnSignals(app: { stop(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const shutdown = (reason: string, exitCode: 0 | 1) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'stopping', reason }, 'shutting down');
    const force = setTimeout(() => {
      log.error({ event: 'stop_timeout' }, 'shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    app.stop().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        log.error({ event: 'stop_failed', error: safeErrorFields(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const fatal = (event: string) => (err: unknown) => {
    log.fatal({ event, error: safeErrorFields(err) }, 'unexpected error; shutting down');
    shutdown(event, 1);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('uncaughtException', fatal('process.uncaught_exception'));
  process.on('unhandledRejection', fatal('process.unhandled_rejection'));
}

main().catch((err: unknown) => {
  // A bad environment (from loadConfig, the store or the sandbox) is one line naming the variable.
  if (err instanceof ConfigError) console.error(`save-to-notion: ${err.message}`);
  else console.error('save-to-notion failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
