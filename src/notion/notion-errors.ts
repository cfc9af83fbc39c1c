import { APIErrorCode, ClientErrorCode, isHTTPResponseError, isNotionClientError } from '@notionhq/client';
import {
  DomainError,
  NotionAccessRevokedError,
  NotionRateLimitedError,
  NotionRejectedError,
  NotionTargetGoneError,
  NotionUnavailableError,
  OAuthCodeRejectedError,
  OAuthExchangeFailedError,
} from '../core/errors.js';

/** The error `code` Notion put in an error body, whether the SDK knew it or not. */
function bodyCode(err: unknown): string | undefined {
  if (!isHTTPResponseError(err)) return undefined;
  if (err.code !== ClientErrorCode.ResponseError) return err.code;
  try {
    const body = JSON.parse(err.body) as { code?: unknown; error?: unknown };
    // Notion's OpenAPI documents `code`; its OAuth guide shows RFC 6749's `error`. Accept both.
    const code = body.code ?? body.error;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterSeconds(err: unknown): number | undefined {
  if (!isHTTPResponseError(err)) return undefined;
  const headers = err.headers as { get?: (name: string) => string | null } | undefined;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  const n = raw ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}

/**
 * Translates an error from a Notion API call into a domain error, so core never
 * sees @notionhq/client. `targetCall` marks calls on the user's chosen table, where
 * 404 and validation_error mean the table moved or changed shape.
 */
export function translateNotionError(err: unknown, targetCall = false): DomainError {
  if (err instanceof DomainError) return err;
  if (!isNotionClientError(err)) return new NotionUnavailableError({ cause: err });
  if (err.code === ClientErrorCode.RequestTimeout) return new NotionUnavailableError({ cause: err });
  const status = isHTTPResponseError(err) ? err.status : 0;
  const code = bodyCode(err);
  if (status === 401 || code === APIErrorCode.Unauthorized) return new NotionAccessRevokedError({ cause: err });
  if (status === 429 || status === 529 || code === APIErrorCode.RateLimited) {
    return new NotionRateLimitedError(retryAfterSeconds(err), { cause: err });
  }
  if (targetCall && (code === APIErrorCode.ObjectNotFound || code === APIErrorCode.ValidationError || status === 404)) {
    return new NotionTargetGoneError(err.message, { cause: err });
  }
  if (status === 403 || code === APIErrorCode.RestrictedResource) {
    return new NotionTargetGoneError('the integration lacks a capability for this table', { cause: err });
  }
  if (status === 400 || status === 404 || status === 409) {
    return new NotionRejectedError(err.message, { cause: err });
  }
  return new NotionUnavailableError({ cause: err });
}

/** Translates a failed `oauth.token` call: `invalid_grant` is its own case (a used, expired or foreign code). */
export function translateOAuthError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (isHTTPResponseError(err) && err.status === 400 && bodyCode(err) === 'invalid_grant') {
    return new OAuthCodeRejectedError({ cause: err });
  }
  const status = isHTTPResponseError(err) ? err.status : undefined;
  return new OAuthExchangeFailedError(
    status
      ? `the Notion token exchange failed with HTTP ${status}${bodyCode(err) ? ` (${bodyCode(err)})` : ''}`
      : undefined,
    { cause: err },
  );
}
