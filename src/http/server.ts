import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withLogContext, type Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { addAcceptHandles, type AcceptHandles } from './accept-handles.js';
import { parseRequestTarget } from './request-target.js';
import type { HttpRequestsInFlight } from './requests-in-flight.js';
import type { Router } from './router.js';

/** Slack's largest payloads are a few tens of KB; nothing this server takes is larger. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Far above what Slack, Notion redirects and health checks need; keeps a flood from exhausting descriptors. */
const MAX_CONNECTIONS = 1024;

export interface HttpServerOptions {
  metrics?: Pick<Metrics, 'httpRequest'> | undefined;
  /** Told of every request until it is answered. */
  requests?: HttpRequestsInFlight | undefined;
  /** HTTP_ACCEPT_HANDLES: handles accepting connections on the listening socket (1: the socket's own only). */
  acceptHandles?: number | undefined;
}

export interface HttpServer {
  server: Server;
  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** The product's one HTTP server: OAuth callback, Slack's request URL, health checks. */
export function createHttpServer(router: Router, log: Logger, opts: HttpServerOptions = {}): HttpServer {
  const { metrics, requests } = opts;
  const server = createServer((req, res) => {
    requests?.track(res);
    if (metrics) {
      const started = performance.now();
      res.once('finish', () => {
        const path = parseRequestTarget(req.url)?.pathname;
        const route = path !== undefined && router.has(path) ? path : 'other';
        metrics.httpRequest(route, res.statusCode, (performance.now() - started) / 1_000);
      });
    }
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    withLogContext({ requestId }, () => handle(req, res));
  });

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, text: string): void => {
    // The body is not read: close the connection rather than leave an unread body on a kept-alive socket.
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(`${text}\n`);
    req.resume();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = parseRequestTarget(req.url);
    if (url === undefined) {
      log.warn({ event: 'request_rejected', reason: 'bad_request_target' }, 'malformed request target');
      refuse(req, res, 400, 'Bad request');
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (!Number.isFinite(length) || length > MAX_BODY_BYTES) {
      log.warn({ event: 'request_rejected', reason: 'body_too_large', route: url.pathname }, 'request body too large');
      refuse(req, res, 413, 'Payload too large');
      return;
    }
    const handler = router.match(req.method ?? 'GET', url.pathname);
    if (handler === undefined || handler === 'method') {
      res.writeHead(handler ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(handler ? 'Method not allowed\n' : 'Not found\n');
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((err: unknown) => {
        log.error({ err, route: url.pathname }, 'request handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        if (!res.writableEnded) res.end('Internal error\n');
      });
  };
  // Slack and Notion redirects are short requests; keep slowloris-style clients from holding sockets.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.maxConnections = MAX_CONNECTIONS;
  let handles: AcceptHandles | undefined;

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const count = opts.acceptHandles ?? 1;
          if (count > 1) handles = addAcceptHandles(server, { count, maxConnections: MAX_CONNECTIONS, log });
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([closed, handles?.close()]);
    },
  };
}
