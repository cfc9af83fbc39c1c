import type * as Bolt from '@slack/bolt';
import { createRequire } from 'node:module';

/**
 * Bolt's App, HTTPReceiver and LogLevel, each from its own module. Bolt's index also loads ExpressReceiver (express
 * and some forty modules under it) and AwsLambdaReceiver, which this product never uses: about 6 MB of resident
 * memory for nothing (issue 13). The types are Bolt's own.
 */
const require = createRequire(import.meta.url);

export const App: typeof Bolt.App = (require('@slack/bolt/dist/App.js') as { default: typeof Bolt.App }).default;
export type App = Bolt.App;
export const HTTPReceiver: typeof Bolt.HTTPReceiver = (
  require('@slack/bolt/dist/receivers/HTTPReceiver.js') as { default: typeof Bolt.HTTPReceiver }
).default;
export type HTTPReceiver = Bolt.HTTPReceiver;
export const LogLevel: typeof Bolt.LogLevel = (require('@slack/bolt/dist/App.js') as typeof Bolt).LogLevel;
export type LogLevel = Bolt.LogLevel;
