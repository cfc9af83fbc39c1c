/** Discord's error answers and JSON bodies, shared by the REST handlers. */
import type { IncomingMessage } from 'node:http';
import { formErrors, type Issue } from './validate.js';

/** What a route handler answers: a status and, unless 204, a JSON body. */
export interface Answer {
  status: number;
  body?: unknown;
}

/** An error answer with Discord's `{message, code}` body. */
export class HttpError {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {}
}

export const unauthorized = () => new HttpError(401, { message: '401: Unauthorized', code: 0 });
export const missingAccess = () => new HttpError(403, { message: 'Missing Access', code: 50001 });
export const notFound = () => new HttpError(404, { message: '404: Not Found', code: 0 });
export const methodNotAllowed = () => new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
export const emptyMessage = () => new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
export const invalidForm = (issues: Issue[]) =>
  new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors: formErrors(issues) });

/** The JSON body, or undefined when there is none; Discord's 50109 for anything else. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(400, { message: 'the fake accepts JSON bodies only', code: 50109 });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, { message: 'The request body contains invalid JSON.', code: 50109 });
  }
}
