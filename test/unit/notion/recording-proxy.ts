import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it reached the proxy: what the gateway sent. */
export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body, parsed; undefined when there was none. */
  body: Record<string, unknown> | undefined;
  headers: IncomingHttpHeaders;
}

/** A canned answer the proxy gives instead of forwarding. */
export interface CannedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A pass-through HTTP proxy in front of the Notion sandbox: it records what the gateway sends (the
 * sandbox keeps no bodies) and, for the answers the sandbox cannot be made to give (403, 409, 5xx, a
 * malformed token response), replaces the next answers with canned ones.
 */
export interface RecordingProxy {
  url: string;
  sent: SentRequest[];
  /** The next `count` requests get `answer` and never reach the sandbox. */
  answerNext(count: number, answer: CannedAnswer): void;
  close(): Promise<void>;
}

export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const sent: SentRequest[] = [];
  const canned: CannedAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://proxy.invalid');
        sent.push({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined,
          headers: req.headers,
        });
        const answer = canned.shift();
        if (answer) {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k),
          ),
        ) as Record<string, string>;
        const upstream = await fetch(`${targetUrl}${url.pathname}${url.search}`, {
          method: req.method,
          headers,
          ...(raw ? { body: raw } : {}),
        });
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding') out[k] = v;
        });
        res.writeHead(upstream.status, out);
        res.end(Buffer.from(await upstream.arrayBuffer()));
      })().catch((err: unknown) => {
        res.writeHead(502);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    answerNext(count, answer) {
      for (let i = 0; i < count; i++) canned.push(answer);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Notion error body, as the API sends it. */
export function notionError(status: number, code: string, message = code): CannedAnswer {
  return {
    status,
    body: { object: 'error', status, code, message, request_id: '00000000-0000-4000-8000-000000000000' },
  };
}
