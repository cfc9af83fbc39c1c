import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundFetch } from '../../../src/http/outbound-fetch.js';

describe('outboundFetch', () => {
  let server: Server;
  let base: string;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === '/empty') return void res.writeHead(204).end();
        if (req.url === '/moved') return void res.writeHead(302, { location: '/json' }).end();
        if (req.url === '/slow') return; // never answers
        if (req.url === '/limited')
          return void res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' }).end('{}');
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
        res.end(JSON.stringify({ echo: body, ü: 'ß' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, headers and body, and reads status, headers and a UTF-8 JSON body', async () => {
    const res = await outboundFetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: JSON.stringify({ text: 'héllo' }),
    });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('set-cookie')).toContain('a=1');
    await expect(res.json()).resolves.toEqual({ echo: '{"text":"héllo"}', ü: 'ß' });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/json', body: '{"text":"héllo"}' });
    expect(req.headers['x-test']).toBe('yes');
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength('{"text":"héllo"}')));
    expect(req.headers['user-agent']).toBe('save-to-notion');
  });

  it('answers a 204 with no body, and a 429 with its Retry-After, as fetch does', async () => {
    const empty = await outboundFetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    const limited = await outboundFetch(new URL(`${base}/limited`), { headers: new Headers({ accept: 'x/y' }) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(seen.at(-1)!.headers.accept).toBe('x/y');
  });

  it('follows a GET redirect', async () => {
    const res = await outboundFetch(`${base}/moved`);
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.url).toBe('/json');
  });

  it("rejects with the signal's reason on a timeout, and with TypeError('fetch failed') when nothing listens", async () => {
    await expect(outboundFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(outboundFetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
    });
  });
});
