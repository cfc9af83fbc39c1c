import { afterEach, describe, expect, it } from 'vitest';
import {
  startNotionSandbox,
  type NotionSandbox,
  type NotionSandboxOptions,
} from '../../../src/sandbox/notion/notion-sandbox.js';
import { CLIENT_ID, CLIENT_SECRET, connect, REDIRECT_URI } from './notion-test-helpers.js';

/** A raw API call, so the status and Retry-After are seen as sent (the SDK would retry). */
async function searchAs(sandbox: NotionSandbox, token: string): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${sandbox.url}/v1/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' },
    body: '{}',
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

describe('notion sandbox: latency and per-connection rate limit (bench knobs)', () => {
  let sandbox: NotionSandbox | undefined;
  afterEach(() => sandbox?.close());

  const start = (extra: Partial<NotionSandboxOptions>) =>
    startNotionSandbox({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
      ...extra,
    });

  it('limits each connection to its burst, then answers 429 rate_limited with an integer Retry-After', async () => {
    let now = 1_000_000;
    sandbox = await start({ now: () => now, rateLimit: { requestsPerSecond: 2, burst: 3 } });
    const a = sandbox.addWorkspace({ name: 'A' }).id;
    const b = sandbox.addWorkspace({ name: 'B' }).id;
    const tokenA = (await connect(sandbox, a)).access_token;
    const tokenB = (await connect(sandbox, b)).access_token;

    for (let i = 0; i < 3; i++) expect((await searchAs(sandbox, tokenA)).status).toBe(200);
    const refused = await searchAs(sandbox, tokenA);
    expect(refused).toEqual({ status: 429, retryAfter: '1' });
    // Another connection has its own bucket.
    expect((await searchAs(sandbox, tokenB)).status).toBe(200);

    // Half a second refills one token at 2/s: one call passes, the next is refused again.
    now += 500;
    expect((await searchAs(sandbox, tokenA)).status).toBe(200);
    expect((await searchAs(sandbox, tokenA)).status).toBe(429);
    const log = sandbox.requests.filter((r) => r.path === '/v1/search');
    expect(log.map((r) => r.status)).toEqual([200, 200, 200, 429, 200, 200, 429]);
  });

  it('never limits or delays when the knobs are not set (the default)', async () => {
    sandbox = await start({});
    const ws = sandbox.addWorkspace({ name: 'A' }).id;
    const token = (await connect(sandbox, ws)).access_token;
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => searchAs(sandbox!, token).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('adds the latency before answering API calls', async () => {
    sandbox = await start({ latencyMs: 120 });
    const ws = sandbox.addWorkspace({ name: 'A' }).id;
    const token = (await connect(sandbox, ws)).access_token;
    const started = performance.now();
    expect((await searchAs(sandbox, token)).status).toBe(200);
    // A lower bound only: a busy machine can make it slower, never faster.
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    const entry = sandbox.requests.at(-1)!;
    expect(entry.finishedAt! - entry.at).toBeGreaterThanOrEqual(115);
  });
});
