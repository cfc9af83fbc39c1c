import KeyvRedis from '@keyv/redis';
import { CONNECT_TIMEOUT_MS, type AtomicSetIfAbsent } from './atomic-store.js';

/** Compare-and-delete in one step: Redis runs a script without interleaving other commands. */
const DELETE_IF_VALUE_LUA = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).value == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Compare-and-replace in one step; an expired entry is already gone (Redis TTL). */
const REPLACE_IF_VALUE_LUA = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).value == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;

/** Redis does set-if-absent natively; its TTL expires the claim. */
class ClaimingKeyvRedis extends KeyvRedis<unknown> implements AtomicSetIfAbsent {
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const client = await this.getClient();
    const reply = await client.set(this.createKeyPrefix(key, this.namespace), value, { PX: ttlMs, NX: true });
    return reply === 'OK';
  }

  async deleteIfValue(key: string, expected: string): Promise<boolean> {
    const client = await this.getClient();
    const deleted = await client.eval(DELETE_IF_VALUE_LUA, {
      keys: [this.createKeyPrefix(key, this.namespace)],
      arguments: [expected],
    });
    return deleted === 1;
  }

  async replaceIfValue(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    const client = await this.getClient();
    const keys = [this.createKeyPrefix(key, this.namespace)];
    const replaced = await client.eval(REPLACE_IF_VALUE_LUA, {
      keys,
      arguments: [expected, value, String(Math.max(1, Math.round(ttlMs)))],
    });
    return replaced === 1;
  }
}

/** The Redis adapter on `storeUrl`; it prefixes keys with `namespace` itself, as @keyv/redis's own createKeyv sets up. */
export function openRedisAdapter(storeUrl: string, namespace: string): KeyvRedis<unknown> {
  // Give up at once when the first connection fails (start-up should fail fast, not hang);
  // once connected, reconnect with backoff for as long as it takes.
  let connectedOnce = false;
  const store = new ClaimingKeyvRedis(
    {
      url: storeUrl,
      // Fail commands while disconnected instead of queueing them forever.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectStrategy: (attempts: number, cause: Error) =>
          connectedOnce ? Math.min(2 ** attempts * 100, 2_000) : cause,
      },
    },
    { namespace, throwOnErrors: true, throwOnConnectError: true, connectionTimeout: CONNECT_TIMEOUT_MS },
  );
  (store.client as unknown as NodeJS.EventEmitter).on('ready', () => {
    connectedOnce = true;
  });
  return store;
}
