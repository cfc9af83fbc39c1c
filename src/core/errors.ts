/**
 * Domain errors. `src/notion` translates @notionhq/client errors into these at the edge,
 * so `src/core` never sees a vendor error. Each keeps the original as `cause`.
 */
export type DomainErrorCode =
  | 'notion_access_revoked'
  | 'notion_target_gone'
  | 'notion_rejected'
  | 'notion_rate_limited'
  | 'notion_unavailable'
  | 'oauth_code_rejected'
  | 'oauth_exchange_failed'
  | 'store_decrypt_failed';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }

  static is(e: unknown, code?: DomainErrorCode): e is DomainError {
    return e instanceof DomainError && (code === undefined || e.code === code);
  }
}

/** The code to log for any error: a DomainError's own, else `internal` (never a message that may hold data). */
export function errorCode(err: unknown): DomainErrorCode | 'internal' {
  return err instanceof DomainError ? err.code : 'internal';
}

/**
 * 401 from Notion: the user removed the integration or the token was revoked. `refusedAccessToken`
 * (set by core's with-access once it gave up) names the token Notion refused, so the stored
 * connection is marked dead only while it still holds that token. It is a private field behind a
 * getter, so loggers and JSON never see it.
 */
export class NotionAccessRevokedError extends DomainError {
  readonly #refusedAccessToken: string | undefined;

  constructor(options?: { cause?: unknown; refusedAccessToken?: string }) {
    super('notion_access_revoked', 'Notion no longer accepts this connection', options);
    this.name = 'NotionAccessRevokedError';
    this.#refusedAccessToken = options?.refusedAccessToken;
  }

  get refusedAccessToken(): string | undefined {
    return this.#refusedAccessToken;
  }
}

/** 404 or schema mismatch for the cached target: re-discover the table. */
export class NotionTargetGoneError extends DomainError {
  constructor(message = 'the Notion table is no longer shared or has changed', options?: { cause?: unknown }) {
    super('notion_target_gone', message, options);
    this.name = 'NotionTargetGoneError';
  }
}

/** 400 / 404 / 409 that re-discovery cannot fix, or an answer from Notion the product cannot use. */
export class NotionRejectedError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('notion_rejected', message, options);
    this.name = 'NotionRejectedError';
  }
}

/** 429 / 529 that outlived the SDK's own retries. */
export class NotionRateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number | undefined,
    options?: { cause?: unknown },
  ) {
    super('notion_rate_limited', 'Notion is rate limiting this connection', options);
    this.name = 'NotionRateLimitedError';
  }
}

/** Timeouts, 5xx, network errors. */
export class NotionUnavailableError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super('notion_unavailable', 'Notion did not answer', options);
    this.name = 'NotionUnavailableError';
  }
}

/** Notion answered 400 invalid_grant: the code was used, expired or is not ours. */
export class OAuthCodeRejectedError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super('oauth_code_rejected', 'Notion rejected the authorization code', options);
    this.name = 'OAuthCodeRejectedError';
  }
}

/** Any other failure of the token exchange (bad client credentials, malformed answer, network). */
export class OAuthExchangeFailedError extends DomainError {
  constructor(message = 'the Notion token exchange failed', options?: { cause?: unknown }) {
    super('oauth_exchange_failed', message, options);
    this.name = 'OAuthExchangeFailedError';
  }
}

/** A stored value did not decrypt: wrong key, tampering, or a value copied under another user. */
export class StoreDecryptError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super(
      'store_decrypt_failed',
      'a stored record could not be decrypted (is TOKEN_ENCRYPTION_KEY the one it was written with?)',
      options,
    );
    this.name = 'StoreDecryptError';
  }
}
