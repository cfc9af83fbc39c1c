/**
 * The product as its own process for crash tests: the same config and app as `src/main.ts`, with a short job lease
 * (SQLite outbox) so a killed process's jobs are taken again within seconds rather than the production 30 s.
 * Prints the started line (JSON, with the port) like main; SIGTERM stops the app and exits 0.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const app = await createApp(config, { log, host: '127.0.0.1', saveJobsTuning: { leaseMs: 2_000, pollMs: 100 } });
const { port } = await app.start();
log.info({ event: 'started', port }, `listening on port ${port}`);
process.on('SIGTERM', () => {
  log.info({ event: 'stopping', signal: 'SIGTERM' }, 'shutting down');
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
