import type { ChatUser } from '../../src/core/chat-user.js';
import type { Core } from '../../src/core/core.js';
import type { ConnectedNotice, ReconnectNotice, SaveOutcome } from '../../src/core/outcomes.js';
import type { ReplyTo } from '../../src/core/save-jobs.js';

/** What core sent users outside a request (the adapters' DMs), for tests that drive core directly. */
export interface CoreNotices {
  connected: { user: ChatUser; notice: ConnectedNotice }[];
  reconnect: { user: ChatUser; notice: ReconnectNotice }[];
  /** Answers to save jobs, where they were sent. */
  saveResults: { user: ChatUser; replyTo: ReplyTo; outcome: SaveOutcome }[];
}

/** Registers a recording notifier for both platforms in place of the adapters. */
export function recordNotices(core: Core): CoreNotices {
  const notices: CoreNotices = { connected: [], reconnect: [], saveResults: [] };
  for (const platform of ['slack', 'discord'] as const) {
    core.registerNotifier(platform, {
      notifyConnected: async (user, notice) => void notices.connected.push({ user, notice }),
      notifyReconnectNeeded: async (user, notice) => void notices.reconnect.push({ user, notice }),
      deliverSaveResult: async (replyTo, user, outcome) => void notices.saveResults.push({ user, replyTo, outcome }),
    });
  }
  return notices;
}

/**
 * The outcomes of the save answers recorded after the first `mark` (a `saveResults.length` taken before a step):
 * those of the kept saves a step replayed, each answered by DM like any save.
 */
export function answersSince(notices: CoreNotices, mark: number): SaveOutcome[] {
  return notices.saveResults.slice(mark).map((r) => r.outcome);
}
