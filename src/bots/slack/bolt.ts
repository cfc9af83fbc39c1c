import type * as Bolt from '@slack/bolt';
import { createRequire, Module } from 'node:module';

/**
 * Bolt's App, HTTPReceiver and LogLevel, each from its own module. Bolt's index also loads ExpressReceiver (express
 * and some forty modules under it) and AwsLambdaReceiver, which this product never uses: about 6 MB of resident
 * memory for nothing (issue 13). The types are Bolt's own.
 */
const require = createRequire(import.meta.url);

type Receiver = typeof Bolt.SocketModeReceiver;

/**
 * Bolt's App requires its SocketModeReceiver when it loads, and with it @slack/socket-mode and the undici package:
 * 10–13 MB of resident memory in HTTP mode too (issue 13). A stand-in put in the module cache first (`require.cache`
 * takes added entries) loads them when a Socket Mode app is made, and answers `instanceof` as the real class.
 */
function deferSocketModeReceiver(): void {
  const path = require.resolve('@slack/bolt/dist/receivers/SocketModeReceiver.js');
  if (require.cache[path]) return;
  let real: Receiver | undefined;
  const load = (): Receiver => {
    if (real === undefined) {
      delete require.cache[path];
      real = (require(path) as { default: Receiver }).default;
    }
    return real;
  };
  class DeferredSocketModeReceiver {
    constructor(...args: ConstructorParameters<Receiver>) {
      return new (load())(...args);
    }
    static [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof load();
    }
  }
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = { __esModule: true, default: DeferredSocketModeReceiver };
  require.cache[path] = standIn;
}
deferSocketModeReceiver();

export const App: typeof Bolt.App = (require('@slack/bolt/dist/App.js') as { default: typeof Bolt.App }).default;
export type App = Bolt.App;
export const HTTPReceiver: typeof Bolt.HTTPReceiver = (
  require('@slack/bolt/dist/receivers/HTTPReceiver.js') as { default: typeof Bolt.HTTPReceiver }
).default;
export type HTTPReceiver = Bolt.HTTPReceiver;
export const LogLevel: typeof Bolt.LogLevel = (require('@slack/bolt/dist/App.js') as typeof Bolt).LogLevel;
export type LogLevel = Bolt.LogLevel;
