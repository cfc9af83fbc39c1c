/** How long opening a networked store (Redis, Postgres) may take before start-up fails. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Set-if-absent for claims, in the adapters that can do it in one step: `key` and `value` are what
 * Keyv would hand the adapter's `set` (prefixed key, serialized `{ value, expires }`). True when this
 * call stored it; false while a live entry holds the key. An expired entry counts as absent.
 */
export interface AtomicSetIfAbsent {
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only while its stored value (Keyv's `value` field) is the string `expected`. */
  deleteIfValue(key: string, expected: string): Promise<boolean>;
  /** Replaces a live entry with `value` (Keyv-serialized, a new expiry) only while it holds the string `expected`. */
  replaceIfValue(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
}
