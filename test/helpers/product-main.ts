/**
 * The product as its own process for crash tests: the same config and app as `src/main.ts` (the job lease comes from
 * SAVE_JOB_LEASE_SECONDS, which the tests set short), with a fast poll. On a shared Redis or Postgres,
 * `TEST_JOBS_NAMESPACE` gives this test run's job queue names of its own (BullMQ prefix, pg-boss schema), so other
 * runs' workers never take its jobs. Prints the started line (JSON, with the port) like main; SIGTERM stops the app
 * and exits 0.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { SaveJobQueueTuning } from '../../src/store/open-save-jobs.js';

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const namespace = process.env.TEST_JOBS_NAMESPACE;
const tuning: SaveJobQueueTuning = {
  pollMs: 100,
  ...(namespace ? { prefix: `${namespace}:bull`, schema: namespace } : {}),
};
const app = await createApp(config, { log, host: '127.0.0.1', saveJobsTuning: tuning });
const { port } = await app.start();
log.info({ event: 'started', port }, `listening on port ${port}`);
process.on('SIGTERM', () => {
  log.info({ event: 'stopping', signal: 'SIGTERM' }, 'shutting down');
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
