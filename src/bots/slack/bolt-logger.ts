import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { LogLevel } from './bolt.js';

/**
 * Bolt's logger interface over the product's pino logger. Bolt's and the WebClient's debug
 * output prints request bodies and API results (connect links, response_urls), so it is
 * dropped, whatever LOG_LEVEL says; info and above are kept.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const text = (msg: unknown[]) =>
    msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
