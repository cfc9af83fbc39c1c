import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SaveQueueStats } from '../core/save-jobs.js';
import type { Metrics } from './metrics.js';

export interface PromMetricsOptions {
  /** Read on every scrape for the queue gauges; a failure leaves them out of that scrape. */
  queueStats?: (() => Promise<SaveQueueStats>) | undefined;
}

export interface PromMetrics extends Metrics {
  /** The app's own registry (not prom-client's global one), so several apps can run in one process. */
  readonly registry: Registry;
  /** The Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Metrics in Prometheus format with prom-client; names are prefixed `save_to_notion_`. */
export function createPromMetrics(options: PromMetricsOptions = {}): PromMetrics {
  const registry = new Registry();
  const counter = (name: string, help: string) =>
    new Counter({ name: `save_to_notion_${name}`, help, registers: [registry] });
  const accepted = counter('saves_accepted_total', 'Saves acknowledged to the user and stored as jobs.');
  const written = counter('saves_written_total', "Saves written to the user's Notion table.");
  const retried = counter('saves_retried_total', 'Save job runs that will run again (rate limit, outage, error).');
  const givenUp = counter('saves_given_up_total', 'Saves given up; the user was told.');
  const notionCalls = new Counter({
    name: 'save_to_notion_notion_requests_total',
    help: 'HTTP requests to Notion by status (error: no answer).',
    labelNames: ['status'],
    registers: [registry],
  });
  const notionLatency = new Histogram({
    name: 'save_to_notion_notion_request_duration_seconds',
    help: 'How long Notion took to answer.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  // Fine below 200 ms: Slack and Discord want their ack within 3 s, and a healthy one takes a few ms.
  const httpLatency = new Histogram({
    name: 'save_to_notion_http_request_duration_seconds',
    help: 'How long the product took to answer an HTTP request (headers read to response sent), by route and status.',
    labelNames: ['route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 3, 10],
    registers: [registry],
  });

  // Collected on scrape; the gauges of one scrape share one stats() call (a result is reused for a second).
  let last: { at: number; stats: Promise<SaveQueueStats | undefined> } | undefined;
  const stats = () => {
    if (!last || Date.now() - last.at > 1_000) {
      last = { at: Date.now(), stats: (options.queueStats?.() ?? Promise.resolve(undefined)).catch(() => undefined) };
    }
    return last.stats;
  };
  const gauge = (name: string, help: string, read: (s: SaveQueueStats) => number | undefined) =>
    new Gauge({
      name: `save_to_notion_${name}`,
      help,
      registers: [registry],
      async collect() {
        const s = await stats();
        const value = s && read(s);
        if (value === undefined) this.reset();
        else this.set(value);
      },
    });
  gauge('jobs_waiting', 'Save jobs ready to run.', (s) => s.waiting);
  gauge('jobs_delayed', 'Save jobs waiting for a retry time or a rate limit.', (s) => s.delayed);
  gauge('jobs_active', 'Save jobs running now.', (s) => s.active);
  gauge('oldest_job_age_seconds', 'Age of the oldest unfinished save job, from its acceptance (0 with none).', (s) =>
    s.oldestAgeMs === undefined ? 0 : s.oldestAgeMs / 1_000,
  );

  return {
    registry,
    saveAccepted: () => accepted.inc(),
    saveWritten: () => written.inc(),
    saveRetried: () => retried.inc(),
    saveGivenUp: () => givenUp.inc(),
    notionCall(status, seconds) {
      notionCalls.inc({ status: String(status) });
      notionLatency.observe(seconds);
    },
    httpRequest(route, status, seconds) {
      httpLatency.observe({ route, status: String(status) }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
