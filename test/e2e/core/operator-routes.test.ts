import { createClient } from '@keyv/redis';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { readiness } from '../../../src/http/operator-routes.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { startProduct, TEST_CLIENT, type Product } from '../../helpers/product.js';
import { requireServiceInCi } from '../../unit/store/jobs/services.js';

const redisUrl = requireServiceInCi('TEST_REDIS_URL');

let notion: NotionSandbox;
beforeAll(async () => {
  notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
});
afterAll(async () => {
  await notion.close();
});

const products: Product[] = [];
afterEach(async () => {
  for (const p of products.splice(0)) await p.stop();
});

/** Forwards TCP to `target` until `cut()`, which drops every connection and refuses new ones: an unreachable store. */
async function tcpProxy(target: URL): Promise<{ url: string; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe('GET /readyz and /metrics', () => {
  it('/readyz answers 200 with the store and queue up, 503 once the queue is stopped; /healthz stays 200', async () => {
    const product = await startProduct({ notion });
    products.push(product);
    const ready = await fetch(`${product.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { store: 'ok', queue: 'ok' } });
    await product.app.saveJobs.stop(0);
    const down = await fetch(`${product.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false, checks: { store: 'ok', queue: 'down' } });
    expect((await fetch(`${product.url}/healthz`)).status).toBe(200);
  });

  it('/metrics is Prometheus text with the save, queue and Notion series', async () => {
    const product = await startProduct({ notion });
    products.push(product);
    product.app.metrics.saveAccepted();
    product.app.metrics.saveAccepted();
    product.app.metrics.notionCall(429, 0.2);
    // The app's save worker would run the job at once: stopped, the queue keeps it waiting.
    await product.app.saveJobs.stop(0);
    await product.app.saveJobs.add({
      key: 'k1',
      user: { platform: 'slack', teamId: 'T1', userId: 'U1' },
      tweet: { id: '1' },
      replyTo: { kind: 'dm' },
      acceptedAt: new Date(Date.now() - 30_000).toISOString(),
    });
    await (await fetch(`${product.url}/healthz`)).text();
    await (await fetch(`${product.url}/no/such/${'x'.repeat(20)}`)).text();
    const res = await fetch(`${product.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const sample = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[0-9.e+]+$/); // the exposition format, one sample a line
    }
    expect(sample('save_to_notion_saves_accepted_total')).toBe(2);
    expect(sample('save_to_notion_saves_written_total')).toBe(0);
    expect(sample('save_to_notion_saves_retried_total')).toBe(0);
    expect(sample('save_to_notion_saves_given_up_total')).toBe(0);
    expect(text).toContain('save_to_notion_notion_requests_total{status="429"} 1');
    expect(sample('save_to_notion_notion_request_duration_seconds_count')).toBe(1);
    expect(sample('save_to_notion_jobs_waiting')).toBe(1);
    expect(sample('save_to_notion_jobs_delayed')).toBe(0);
    expect(sample('save_to_notion_oldest_job_age_seconds')).toBeGreaterThanOrEqual(29);
    // Every request the server answered, by registered route; an unknown path adds no label value of its own.
    expect(text).toContain('save_to_notion_http_request_duration_seconds_count{route="/healthz",status="200"} 1');
    expect(text).toContain('save_to_notion_http_request_duration_seconds_count{route="other",status="404"} 1');
    expect(text).not.toContain('/no/such');
  });

  it('two apps in one process keep their own registries', async () => {
    const [a, b] = [await startProduct({ notion }), await startProduct({ notion })];
    products.push(a, b);
    a.app.metrics.saveWritten();
    const textOf = async (p: Product) => (await fetch(`${p.url}/metrics`)).text();
    expect(await textOf(a)).toContain('save_to_notion_saves_written_total 1');
    expect(await textOf(b)).toContain('save_to_notion_saves_written_total 0');
  });

  describe.skipIf(!redisUrl)('on Redis', () => {
    it('/readyz answers 503 when the store becomes unreachable', async () => {
      const proxy = await tcpProxy(new URL(redisUrl!));
      const prefix = `test-readyz-${process.pid}-${Date.now()}`;
      const product = await startProduct({ notion, env: { STORE_URL: proxy.url }, saveJobsTuning: { prefix } });
      products.push(product);
      onTestFinished(async () => {
        const client = createClient({ url: redisUrl! });
        await client.connect();
        for await (const keys of client.scanIterator({ MATCH: `${prefix}:*` })) if (keys.length) await client.del(keys);
        await client.close();
      });
      expect((await fetch(`${product.url}/readyz`)).status).toBe(200);
      await proxy.cut();
      const down = await fetch(`${product.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ok: false, checks: { store: 'down', queue: 'down' } });
    });
  });
});

describe('readiness', () => {
  it('counts a check that throws or hangs as down, without its error text', async () => {
    const result = await readiness(
      [
        { name: 'up', check: async () => undefined },
        { name: 'throws', check: async () => Promise.reject(new Error('redis://:pw@host refused')) },
        { name: 'hangs', check: () => new Promise(() => undefined) },
      ],
      100,
    );
    expect(result).toEqual({ ok: false, checks: { up: 'ok', throws: 'down', hangs: 'down' } });
    expect(JSON.stringify(result)).not.toContain('pw');
  });
});
