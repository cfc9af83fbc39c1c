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

const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`];
});

const context = new AsyncLocalStorage<Record<string, string>>();

/**
 * Runs `fn` with fields (e.g. `requestId`) added to every log line written during it, including
 * the work it starts asynchronously (the save after the platform's ack).
 */
export function withLogContext<T>(fields: Record<string, string>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** The product's structured logger: JSON lines, secrets censored by field name. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'save-to-notion' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
      // A copy: pino merges the call's fields into the mixin object it is given.
      mixin: () => ({ ...context.getStore() }),
    },
    destination,
  );
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
