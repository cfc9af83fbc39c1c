/** An error the sandbox answers with Notion's JSON envelope `{object:"error", status, code, message}`. */
export class NotionApiError extends Error {
  override readonly name = 'NotionApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  static is(e: unknown): e is NotionApiError {
    return e instanceof NotionApiError;
  }
}

/** 400 validation_error with the given message; the real API puts the detail in `message`. */
export function validationError(message: string): NotionApiError {
  return new NotionApiError(400, 'validation_error', message);
}

/** 400 validation_error phrased like the real schema validator: `body failed validation: <path> ...`. */
export function bodyValidationError(path: string, detail: string): NotionApiError {
  return validationError(`body failed validation: ${path} ${detail}.`);
}

/** The real message for an over-long string or array. */
export function tooLong(path: string, max: number, actual: number): NotionApiError {
  return bodyValidationError(`${path}.length`, `should be ≤ \`${max}\`, instead was \`${actual}\``);
}

/** 404 for objects that do not exist or are not shared: Notion does not tell them apart. */
export function objectNotFound(kind: 'page' | 'database' | 'data_source' | 'block', id: string): NotionApiError {
  return new NotionApiError(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

/** 401 for a missing, unknown or revoked bearer token. */
export function unauthorized(): NotionApiError {
  return new NotionApiError(401, 'unauthorized', 'API token is invalid.');
}

/** 400 for a path the API does not serve. */
export function invalidRequestUrl(): NotionApiError {
  return new NotionApiError(400, 'invalid_request_url', 'Invalid request URL.');
}

/** 400 for an id in the path that is not a UUID, worded like the real path validator. */
export function invalidPathId(param: string, raw: string): NotionApiError {
  return validationError(
    `path failed validation: path.${param} should be a valid uuid, instead was \`${JSON.stringify(raw)}\`.`,
  );
}
