import http from 'node:http';
import https from 'node:https';
import { BufferedResponse } from './buffered-response.js';

/**
 * `fetch` for the product's own outgoing calls (Notion, the tweet providers, Slack's response_url), on node:http with
 * keep-alive agents. Node 20's built-in fetch wraps every request and response body in WHATWG streams: on this
 * machine that cost about 0.6 ms of CPU per call more than node:http, and a save makes three calls (the bench's
 * profile, issue 13). The bodies these calls send and receive are small JSON, so they are buffered and answered as a
 * BufferedResponse. Anything this does not cover (a Request object, a stream or form body, a redirect to follow) goes
 * to the built-in fetch.
 */
export type OutboundFetch = typeof fetch;

const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return { ...(headers as Record<string, string>) };
}

function bufferedBody(body: RequestInit['body']): string | Uint8Array | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return null; // streams, forms, blobs: the built-in fetch handles them
}

/** Rejects as the built-in fetch does: an aborted call with the signal's reason, a network failure as TypeError. */
function fetchError(err: unknown, signal: AbortSignal | null | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
  return new TypeError('fetch failed', { cause: err });
}

export const outboundFetch: OutboundFetch = (input, init = {}) => {
  const body = bufferedBody(init.body);
  if (input instanceof Request || body === null) return fetch(input, init);
  const url = input instanceof URL ? input : new URL(input);
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return fetch(input, init);
  const signal = init.signal;
  if (signal?.aborted) return Promise.reject(fetchError(undefined, signal));
  const method = (init.method ?? 'GET').toUpperCase();

  return new Promise<Response>((resolve, reject) => {
    const headers = plainHeaders(init.headers);
    // What the built-in fetch would send when the caller names none.
    const named = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
    if (!named.has('accept')) headers.accept = '*/*';
    if (!named.has('user-agent')) headers['user-agent'] = 'save-to-notion';
    if (body !== undefined && !named.has('content-length')) headers['content-length'] = String(Buffer.byteLength(body));
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method, headers, agent, ...(signal ? { signal } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => reject(fetchError(err, signal)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (REDIRECT.has(status) && init.redirect !== 'manual' && (method === 'GET' || method === 'HEAD')) {
            resolve(fetch(input, init));
            return;
          }
          const content = NULL_BODY.has(status) ? null : Buffer.concat(chunks);
          resolve(new BufferedResponse(content, status, res.statusMessage ?? '', res.headers, url.href));
        });
      },
    );
    request.on('error', (err) => reject(fetchError(err, signal)));
    request.end(body);
  });
};
