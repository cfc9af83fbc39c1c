import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Field names that may hold a secret; redacted at any of the first three levels. (`code` is not
 * among them: it carries error codes everywhere; OAuth codes are never logged, which a test checks.)
 */
const SECRET_KEYS = [
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'botToken',
  'appToken',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'state',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'password',
  'secret',
  'interactionToken',
  'response_url',
  'responseUrl',
];

const SECRET_KEY_SET = new Set(SECRET_KEYS);
const CENSOR = '[redacted]';
/** How deep secret-named fields are looked for: a field, a field of a field, and one more. */
const REDACT_DEPTH = 3;

/**
 * `value` with every secret-named field in its first `depth` levels replaced by the censor. Copies only the objects
 * on the way to a replaced field; the caller's objects are never changed. (pino's path-based `redact` with wildcards
 * walked and cloned every value of every line: ~40 µs a line, against ~1 µs for this walk; issue 13.)
 */
export function redactSecrets(value: unknown, depth = REDACT_DEPTH): unknown {
  if (typeof value !== 'object' || value === null || depth === 0) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    const next = SECRET_KEY_SET.has(key) ? CENSOR : redactSecrets(field, depth - 1);
    if (next === field) continue;
    copy ??= (Array.isArray(value) ? [...(value as unknown[])] : { ...value }) as Record<string, unknown>;
    copy[key] = next;
  }
  return copy ?? value;
}

/** pino's own `err` serializer; it passes anything that is not error-like through as it is. */
const serializeError = pino.stdSerializers.err as (err: unknown) => unknown;

/** A line's fields as written: `err` serialized (so its fields are searched too), then secrets censored. */
function logFields(fields: Record<string, unknown>): Record<string, unknown> {
  const withError = fields.err === undefined ? fields : { ...fields, err: serializeError(fields.err) };
  return redactSecrets(withError) as Record<string, unknown>;
}

const context = new AsyncLocalStorage<Record<string, string>>();

/**
 * Runs `fn` with fields (e.g. `requestId`) added to every log line written during it, including
 * the work it starts asynchronously (the save after the platform's ack).
 */
export function withLogContext<T>(fields: Record<string, string>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** A field of the log context the caller runs in, e.g. the `requestId` a save job is accepted under. */
export function logContextField(name: string): string | undefined {
  return context.getStore()?.[name];
}

/**
 * Runs `fn` with exactly `fields` as its log context, dropping the inherited one: a save job is started by whichever
 * request's `add` woke the worker (one claim may start several jobs), and its lines must name its own request.
 */
export function withOwnLogContext<T>(fields: Record<string, string>, fn: () => T): T {
  return context.run({ ...fields }, fn);
}

/** The product's structured logger: JSON lines, secrets censored by field name (see {@link redactSecrets}). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'save-to-notion' },
      formatters: { log: logFields },
      // `err` is serialized by logFields, before the censoring; this keeps pino from serializing it twice.
      serializers: { err: (err: unknown) => err },
      // A copy: pino merges the call's fields into the mixin object it is given.
      mixin: () => ({ ...context.getStore() }),
    },
    destination,
  );
  // A child's bindings are written on each of its lines: censored the same way, once, when it is made. Children
  // inherit this `child` from the root (pino makes each with Object.create of its parent); pino's own
  // `formatters.bindings` would not do: a child resets it.
  const child = logger.child;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, options?: object) {
    return child.call(this, redactSecrets(bindings) as Record<string, unknown>, options);
  } as Logger['child'];
  return logger;
}

/**
 * Token-shaped strings (Slack `xox…-`, Notion `secret_`/`ntn_`/`nrt_`, bearer values, long opaque runs) replaced, for
 * text that is logged without knowing what it holds: an unexpected error's message and stack.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\b(?:xox[a-z]|xapp|secret|ntn|nrt)[-_][\w-]+/gi, '[redacted]')
    .replace(/\b(Bearer|Basic|Bot)\s+[\w.~+/=-]+/g, '$1 [redacted]')
    .replace(/[A-Za-z0-9_+/=-]{40,}/g, '[redacted]');
}

/** An unexpected error as a log field: name, code, message and stack, scrubbed of token-shaped strings. */
export function safeErrorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err, message: scrubSecrets(String(err)) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: scrubSecrets(err.message),
    ...(err.stack ? { stack: scrubSecrets(err.stack) } : {}),
  };
}
