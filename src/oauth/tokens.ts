import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters. Used for connect-link tokens and OAuth states. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

const OPAQUE = /^[A-Za-z0-9_-]{43}$/;

/** Shape check before any lookup: anything else was not made by us. */
export function isOpaqueToken(value: string | undefined): value is string {
  return value !== undefined && OPAQUE.test(value);
}
