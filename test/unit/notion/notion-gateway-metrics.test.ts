import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createNotionGateway } from '../../../src/notion/notion-gateway.js';

describe('Notion gateway metrics', () => {
  it('reports every request to Notion with its status and duration, and "error" when none answers', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'error', status: 404, code: 'object_not_found', message: 'not shared' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const calls: [number | 'error', number][] = [];
    const metrics = { notionCall: (status: number | 'error', seconds: number) => void calls.push([status, seconds]) };
    const log = createLogger('silent');
    const { port } = server.address() as AddressInfo;
    try {
      const gateway = createNotionGateway({
        apiUrl: `http://127.0.0.1:${port}`,
        clientId: 'c',
        clientSecret: 's',
        redirectUri: () => 'x',
        log,
        metrics,
      });
      await expect(gateway.canReadTable('ntn_token', 'ds-1')).resolves.toBe(false);
      expect(calls).toHaveLength(1);
      expect(calls[0]![0]).toBe(404);
      expect(calls[0]![1]).toBeGreaterThanOrEqual(0);
      expect(calls[0]![1]).toBeLessThan(15);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    calls.length = 0;
    // The same port, now closed: the connection is refused.
    const offline = createNotionGateway({
      apiUrl: `http://127.0.0.1:${port}`,
      clientId: 'c',
      clientSecret: 's',
      redirectUri: () => 'x',
      log,
      metrics,
      maxRetryDelayMs: 10,
    });
    await expect(offline.canReadTable('ntn_token', 'ds-1')).rejects.toThrow();
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.every(([status]) => status === 'error')).toBe(true);
  });
});
