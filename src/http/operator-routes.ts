import type { PromMetrics } from '../metrics/prom-metrics.js';
import type { Router } from './router.js';

/** One dependency the product needs to serve: a name for the answer and a check that throws when it is down. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** A check that has not answered by then counts as down: a hung store must not hang the probe. */
const CHECK_TIMEOUT_MS = 2_000;

async function within(check: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once: `{ ok, checks: { store: 'ok' | 'down', … } }`. No error text (it may name a host). */
export async function readiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<{ ok: boolean; checks: Record<string, 'ok' | 'down'> }> {
  const results = await Promise.all(
    checks.map(async (c) => [c.name, (await within(c.check, timeoutMs)) ? 'ok' : 'down'] as const),
  );
  return { ok: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

/**
 * GET /readyz: 200 while the store and the job queue answer, else 503 (a balancer stops sending traffic; /healthz
 * stays the liveness check, so a store outage does not get the process restarted). GET /metrics: Prometheus text.
 */
export function addOperatorRoutes(
  router: Router,
  deps: { checks: readonly ReadinessCheck[]; metrics: PromMetrics },
): void {
  router.add('GET', '/readyz', async (_req, res) => {
    const result = await readiness(deps.checks);
    res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(result));
  });
  router.add('GET', '/metrics', async (_req, res) => {
    const { contentType, body } = await deps.metrics.render();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(body);
  });
}
