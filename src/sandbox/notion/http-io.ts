import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCappedBody } from '../read-body.js';
import { NotionApiError, validationError } from './errors.js';

/** The real API refuses payloads over 500 KB. */
export const MAX_BODY_BYTES = 500 * 1024;

/** Reads the whole body; bodies over `limit` are drained and rejected rather than buffered. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const { text, size } = await readCappedBody(req, limit);
  if (size > limit) throw validationError(`Request body too large: ${size} bytes exceeds the limit of ${limit} bytes.`);
  return text;
}

/** Parses a JSON object body; an empty body counts as `{}` (the SDK omits empty bodies). */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NotionApiError(400, 'invalid_json', 'Error parsing JSON body.');
  }
  if (!isRecord(parsed)) throw validationError('body failed validation: body should be an object.');
  return parsed;
}

/** True for plain JSON objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sends JSON with Notion's request-id header. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-notion-request-id': requestId,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Sends a self-contained HTML page that may not load anything from elsewhere. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // No form-action: browsers apply it to the redirect that follows the consent form, which leaves this origin.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // The consent URL carries the client's state; do not leak it to the redirect target.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(html);
}

/** A 302 to an absolute URL. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
}

/** `Authorization: Basic base64(id:secret)` -> credentials, or null when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** `Authorization: Bearer <token>` -> token, or null. */
export function parseBearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
