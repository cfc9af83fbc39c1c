import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A real-looking snowflake: milliseconds since 2015 << 22, plus a counter. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** Interaction tokens are long opaque strings; these are random so a guessed one fails. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
}

export function sessionId(): string {
  return randomBytes(16).toString('hex');
}
