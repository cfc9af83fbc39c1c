import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the balancer passed on (or could not). */
export interface BalancedRequest {
  method: string;
  path: string;
  /** The upstream that answered; undefined when none could (502). */
  upstream: string | undefined;
  status: number;
}

export interface RoundRobinBalancer {
  url: string;
  /** Every request so far, in the order they arrived. */
  readonly log: readonly BalancedRequest[];
  setUpstreams(urls: string[]): void;
  close(): Promise<void>;
}

/** Response header naming the upstream that answered (the tests learn which instance acknowledged a save). */
export const UPSTREAM_HEADER = 'x-test-upstream';

/** How long an upstream that refused a connection is left out before it is tried again (a passive health check). */
const DOWN_FOR_MS = 2_000;

/**
 * A load balancer without sticky sessions, as tests need one: 127.0.0.1, port 0, each request to the next upstream
 * in turn. Like nginx's or an ELB's passive health check, an upstream that refuses the connection is marked down for
 * a while and the request goes to the next one (nothing was sent, so even a POST is safe to pass on); a connection
 * that breaks after the request was sent (the instance died mid-request) is answered 502, since the request may have
 * been acted on. Each request gets a new upstream connection, so a dead instance holds no pooled sockets.
 */
export async function startRoundRobinBalancer(initial: string[] = []): Promise<RoundRobinBalancer> {
  let upstreams = [...initial];
  let next = 0;
  const downUntil = new Map<string, number>();
  const log: BalancedRequest[] = [];

  /** The upstreams to try for one request, in order: the next in turn first, those marked down last. */
  function order(): string[] {
    const n = upstreams.length;
    const start = n === 0 ? 0 : next++ % n;
    const turn = Array.from({ length: n }, (_, i) => upstreams[(start + i) % n]!);
    const now = Date.now();
    const up = turn.filter((u) => (downUntil.get(u) ?? 0) <= now);
    return [...up, ...turn.filter((u) => !up.includes(u))];
  }

  type Attempt = { kind: 'answered' } | { kind: 'refused' } | { kind: 'broken' };

  function forward(upstream: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<Attempt> {
    return new Promise((resolve) => {
      const target = new URL(req.url ?? '/', upstream);
      let connected = false;
      const out = request(
        target,
        { method: req.method, headers: { ...req.headers, connection: 'close' }, agent: false },
        (answer) => {
          const headers = { ...answer.headers, [UPSTREAM_HEADER]: upstream };
          delete headers.connection;
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
          answer.on('end', () => resolve({ kind: 'answered' }));
          answer.on('aborted', () => res.destroy());
        },
      );
      out.on('socket', (socket) => socket.on('connect', () => (connected = true)));
      out.on('error', () => {
        if (res.headersSent) {
          res.destroy();
          resolve({ kind: 'answered' });
        } else resolve(connected ? { kind: 'broken' } : { kind: 'refused' });
      });
      out.end(body);
    });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const entry: BalancedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          upstream: undefined,
          status: 502,
        };
        log.push(entry);
        for (const upstream of order()) {
          const attempt = await forward(upstream, req, body, res);
          if (attempt.kind === 'answered') {
            downUntil.delete(upstream);
            entry.upstream = upstream;
            entry.status = res.statusCode;
            return;
          }
          downUntil.set(upstream, Date.now() + DOWN_FOR_MS);
          if (attempt.kind === 'broken') break;
        }
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setUpstreams(urls) {
      upstreams = [...urls];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
