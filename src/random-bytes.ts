import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the system's CSPRNG at a time; each is handed out once. */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `crypto.randomBytes(size)`, from a pool refilled with `randomFillSync` 4 KB at a time, as Node pools the bytes of
 * `randomUUID`. Every save takes a job-key nonce and an IV for each record it seals (issue 13's ack-phase profile: one
 * OpenSSL call each, 8 % of the time before the ack with Bolt's own); the pool makes that one call per ~100 saves.
 * The bytes are the same CSPRNG output, never handed out twice, and copied out, so a caller may keep or change them.
 */
export function randomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(size));
  if (used + size > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + size));
  used += size;
  return bytes;
}
