import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import type { ChatBot } from '../chat-bot.js';
import type { SlackConfig } from '../../config.js';
import type { Core } from '../../core/core.js';
import type { Router } from '../../http/router.js';
import type { Logger } from '../../log.js';
import { registerActOnce } from './act-once.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommands } from './commands.js';
import { EVENTS_PATH } from './constants.js';
import { registerDirectMessages } from './direct-messages.js';
import { registerHomeTab } from './home-tab.js';
import { registerMessageShortcut } from './message-shortcut.js';
import { createSlackNotifier } from './notifier.js';
import { errorSummary } from './reply.js';
import { checkRequestTimestamp } from './request-timestamp.js';
import { registerSaveActions } from './save-actions.js';
import { registerTablePicker } from './table-picker.js';

export interface SlackBotOptions {
  config: SlackConfig;
  core: Core;
  router: Router;
  log: Logger;
  /** Clock for the request-timestamp check (tests). */
  now?: () => number;
}

/**
 * The Slack adapter. HTTP mode (no app token): Bolt's HTTPReceiver, with signature
 * verification on, handles `POST /slack/events` on the product's own server (Bolt opens no
 * port), behind a check that rejects timestamps more than 5 minutes ahead. Socket Mode
 * (`appToken` set): Bolt's SocketModeReceiver connects out; nothing is mounted, and no signing
 * secret is needed.
 * `start()` verifies the bot token (auth.test), registers the DM notifier, and connects/mounts.
 */
export function createSlackBot(options: SlackBotOptions): ChatBot {
  const { config, core, router } = options;
  // app.ts already binds platform; bind it here only when a caller did not.
  const log = options.log.bindings().platform ? options.log : options.log.child({ platform: 'slack' });
  const now = options.now ?? Date.now;
  const socketMode = config.appToken !== undefined;
  const logger = boltLogger(log);
  const clientOptions = { slackApiUrl: config.apiUrl };

  // Socket Mode gets no signing secret: its requests arrive unsigned over the app's own WebSocket
  // (Bolt's SocketModeReceiver needs only the app token), so config does not require one there.
  const receiver = config.appToken === undefined
    ? new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: [EVENTS_PATH], logger, processBeforeResponse: false })
    : undefined;
  const app = config.appToken === undefined
    ? new App({ token: config.botToken, receiver, clientOptions, logger, deferInitialization: true })
    : new App({ token: config.botToken, appToken: config.appToken, socketMode: true, clientOptions, logger, deferInitialization: true });

  const deps = { core, log };
  // First: a replayed signed request is acknowledged here and reaches no listener.
  registerActOnce(app, deps);
  registerCommands(app, deps);
  registerMessageShortcut(app, deps);
  registerDirectMessages(app, deps);
  registerTablePicker(app, deps);
  registerSaveActions(app, deps);
  registerHomeTab(app, deps);
  app.error(async (err) => {
    log.error({ err: errorSummary(err) }, 'unhandled error in a Slack listener');
  });

  let running = false;
  let mounted = false;
  let initialized = false;

  const handleEvents = (req: IncomingMessage, res: ServerResponse): void => {
    if (!running || !receiver) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Slack is not running\n');
      return;
    }
    const check = checkRequestTimestamp(req.headers['x-slack-request-timestamp'], now());
    if (!check.ok) {
      log.warn({ event: 'request_rejected', reason: `timestamp_${check.reason}` }, 'Slack request rejected');
      req.resume();
      res.writeHead(401).end();
      return;
    }
    receiver.requestListener(req, res);
  };

  return {
    platform: 'slack',
    async start() {
      if (running) return;
      if (!initialized) {
        try {
          await app.init(); // auth.test: a wrong bot token stops start-up here
        } catch (err) {
          const code = errorSummary(err).code;
          throw new Error(`Slack rejected SLACK_BOT_TOKEN at start-up (auth.test: ${typeof code === 'string' ? code : 'request failed'})`, { cause: err });
        }
        initialized = true;
      }
      core.registerNotifier('slack', createSlackNotifier(app.client, config.botToken, log));
      if (socketMode) {
        await app.start();
      } else if (!mounted) {
        router.add('POST', EVENTS_PATH, handleEvents);
        mounted = true;
      }
      running = true;
      log.info({ mode: socketMode ? 'socket' : 'http', path: socketMode ? undefined : EVENTS_PATH }, 'Slack adapter started');
    },
    async stop() {
      if (!running) return;
      running = false;
      if (socketMode) await app.stop();
    },
  };
}
