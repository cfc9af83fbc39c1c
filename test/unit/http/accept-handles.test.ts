import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addAcceptHandles, type AcceptHandles } from '../../../src/http/accept-handles.js';
import { createLogger } from '../../../src/log.js';
import { waitFor } from '../../helpers/product.js';

const servers: Server[] = [];
const handlesMade: AcceptHandles[] = [];

afterEach(async () => {
  await Promise.all(handlesMade.splice(0).map((h) => h.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function listening(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<[Server, number]> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, (server.address() as AddressInfo).port];
}

function withHandles(server: Server, count: number, maxConnections = 1024, execPath?: string) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const handles = addAcceptHandles(server, { count, maxConnections, log, ...(execPath ? { execPath } : {}) });
  handlesMade.push(handles);
  return { handles, lines };
}

/** Resolves with the first line of the answer to a GET on a new connection, or 'closed' when none came. */
function get(port: number, opened?: Socket[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    opened?.push(socket);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer.split('\r\n')[0] || 'closed'));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

/** The server whose handle accepted the request's connection (http sets `socket.server` to itself for all). */
const acceptedBy = (req: IncomingMessage) => (req.socket as Socket & { _server?: unknown })._server;

/** Keeps this process's event loop from coming round while the kernel completes the connections already started. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('addAcceptHandles', () => {
  it('a burst of connections is accepted by the extra handles too, and each is answered by the one server', async () => {
    const via: boolean[] = [];
    const [server, port] = await listening((req, res) => {
      via.push(acceptedBy(req) !== server);
      res.end('ok');
    });
    const { handles } = withHandles(server, 4);
    expect(await handles.ready).toBe(4);

    const answers = Array.from({ length: 20 }, () => get(port));
    // The connects start on the next tick; the loop then stays away while the kernel queues them all.
    process.nextTick(() => busy(100));
    expect(await Promise.all(answers)).toEqual(Array(20).fill('HTTP/1.1 200 OK'));
    expect(via.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('connections made while the handles are being handed over are all answered: the relay never accepts one', async () => {
    const [server, port] = await listening((_req, res) => res.end('ok'));
    const { handles } = withHandles(server, 16);
    let relayed = false;
    void handles.ready.then(() => (relayed = true));
    const answers: string[] = [];
    while (!relayed) answers.push(...(await Promise.all(Array.from({ length: 10 }, () => get(port)))));
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a !== 'HTTP/1.1 200 OK')).toEqual([]);
  });

  it('maxConnections bounds the connections of all handles together', async () => {
    const held: ServerResponse[] = [];
    const [server, port] = await listening((_req, res) => held.push(res));
    const { handles } = withHandles(server, 4, 3);
    await handles.ready;

    let refused = 0;
    const answers = Array.from({ length: 8 }, () => get(port).then((a) => (a === 'closed' && refused++, a)));
    process.nextTick(() => busy(100));
    // Each connection is either held by the handler or closed unanswered.
    await waitFor(() => held.length + refused === 8, { what: 'every connection held or refused' });
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(held.length).toBeLessThanOrEqual(4);
    for (const res of held) res.end('ok');
    await Promise.all(answers);
  });

  it('close stops every handle: the port refuses connections afterwards', async () => {
    const [server, port] = await listening((_req, res) => res.end('ok'));
    const { handles } = withHandles(server, 4);
    await handles.ready;
    await Promise.all([handles.close(), new Promise<void>((resolve) => server.close(() => resolve()))]);
    servers.splice(servers.indexOf(server), 1);
    await expect(
      new Promise((resolve, reject) => connect(port, '127.0.0.1').on('connect', resolve).on('error', reject)),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('close waits for a connection an extra handle handed in until it ends', async () => {
    const [server, port] = await listening((req, res) => {
      if (acceptedBy(req) === server) res.end('ok');
      else held.push(res);
    });
    const held: ServerResponse[] = [];
    const { handles } = withHandles(server, 8);
    await handles.ready;
    const answers = Array.from({ length: 20 }, () => get(port));
    process.nextTick(() => busy(100));
    await waitFor(() => held.length > 0, { what: 'a connection handed in' });

    let closed = false;
    const closing = handles.close().then(() => (closed = true));
    await delay(100);
    expect(closed).toBe(false);
    for (const res of held.splice(0)) res.end('ok');
    await closing;
    await Promise.all(answers);
  });

  it('a relay that cannot start leaves the server accepting on its own handle, with a warning', async () => {
    const [server, port] = await listening((_req, res) => res.end('ok'));
    const { handles, lines } = withHandles(server, 4, 1024, '/nonexistent/node');
    expect(await handles.ready).toBe(1);
    expect(lines.some((l) => l.event === 'http.accept_handles_failed' && l.level === 40)).toBe(true);
    expect(await get(port)).toBe('HTTP/1.1 200 OK');
  });

  it('count 1 starts no relay', async () => {
    const [server] = await listening((_req, res) => res.end('ok'));
    const { handles, lines } = withHandles(server, 1);
    expect(await handles.ready).toBe(1);
    expect(lines).toEqual([]);
  });
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
