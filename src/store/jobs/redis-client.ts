import { createClient } from '@keyv/redis';

/**
 * A node-redis client for the job queue and the rate limiter: the first connection fails at once (start-up fails fast
 * instead of hanging); once connected, it reconnects with backoff for as long as it takes. Not yet connected.
 */
export function newRedisClient(url: string) {
  let connectedOnce = false;
  const client = createClient({
    url,
    socket: {
      connectTimeout: 10_000,
      reconnectStrategy: (attempts: number, cause: Error) =>
        connectedOnce ? Math.min(2 ** attempts * 100, 2_000) : cause,
    },
  });
  client.on('ready', () => {
    connectedOnce = true;
  });
  return client;
}

export type RedisClient = ReturnType<typeof newRedisClient>;
