import { isOpaqueToken } from './tokens.js';

export type CallbackParams =
  | { kind: 'code'; code: string; state: string }
  | { kind: 'denied'; state: string | undefined }
  | { kind: 'notion_error'; error: string; state: string | undefined }
  | { kind: 'malformed'; reason: 'repeated_parameter' | 'bad_state' | 'bad_code' | 'missing_code' | 'bad_error' };

/** Notion's codes are opaque; this bounds them to what can safely be forwarded to the token endpoint. */
const CODE = /^[A-Za-z0-9._~-]{8,512}$/;
const ERROR = /^[a-z_]{1,64}$/;

/**
 * Validates the query of `GET /oauth/notion/callback` before any lookup: every parameter at
 * most once, state in our own format, code in a safe charset and length.
 */
export function parseCallbackParams(query: URLSearchParams): CallbackParams {
  for (const name of ['state', 'code', 'error']) {
    if (query.getAll(name).length > 1) return { kind: 'malformed', reason: 'repeated_parameter' };
  }
  const state = query.get('state') ?? undefined;
  const error = query.get('error') ?? undefined;
  const code = query.get('code') ?? undefined;

  if (error !== undefined) {
    if (!ERROR.test(error)) return { kind: 'malformed', reason: 'bad_error' };
    const validState = isOpaqueToken(state) ? state : undefined;
    return error === 'access_denied'
      ? { kind: 'denied', state: validState }
      : { kind: 'notion_error', error, state: validState };
  }
  if (!isOpaqueToken(state)) return { kind: 'malformed', reason: 'bad_state' };
  if (code === undefined || code === '') return { kind: 'malformed', reason: 'missing_code' };
  if (!CODE.test(code)) return { kind: 'malformed', reason: 'bad_code' };
  return { kind: 'code', code, state };
}
