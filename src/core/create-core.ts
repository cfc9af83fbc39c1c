import { createAddNote } from './add-note.js';
import type { ChatUser } from './chat-user.js';
import type { TokenGrant } from './connection.js';
import type { Core } from './core.js';
import type { SaveQueue } from './save-queue.js';
import { createSaveWorker } from './save-worker.js';
import { createChooseTarget } from './use-cases/choose-target.js';
import { createConnectUser, createOnConnected } from './use-cases/connect-user.js';
import { createConnectionStatus } from './use-cases/connection-status.js';
import { createUseCaseContext, type CoreDeps as UseCaseDeps } from './use-cases/context.js';
import { createCreateTweetsTable } from './use-cases/create-tweets-table.js';
import { createDisconnectUser } from './use-cases/disconnect-user.js';
import { createReplayKeptSaves } from './use-cases/replay-kept-saves.js';
import { createSaveAgain } from './use-cases/save-again.js';
import { createSaveTweet, type EnqueueSave } from './use-cases/save-tweet.js';
import { createUndoSave } from './use-cases/undo-save.js';

const EVENT_MEMORY_MS = 24 * 60 * 60_000;

export interface CoreDeps extends UseCaseDeps {
  queue: SaveQueue;
}

/** Core plus what the OAuth callback and the process need. */
export interface CoreService extends Core {
  /** Called by the OAuth callback once the code was exchanged. */
  onConnected(user: ChatUser, grant: TokenGrant): Promise<void>;
  /** Resolves when background work (post-connect discovery and DMs, queued saves) is done. */
  idle(): Promise<void>;
}

/** Wires the use cases (one per file in `./use-cases/`): connect, save, undo, choose or create a table, disconnect, status. */
export function createCore(deps: CoreDeps): CoreService {
  const ctx = createUseCaseContext(deps);
  const runSave = (user: ChatUser, job: Parameters<typeof saveWorker.save>[1]) => deps.queue.run(() => saveWorker.save(user, job));
  const replay = createReplayKeptSaves(ctx, runSave);
  const saveWorker = createSaveWorker({ ...ctx, replayKept: replay.inBackground });
  const enqueue: EnqueueSave = (user, job) => {
    const result = runSave(user, job);
    ctx.track(result);
    return { result };
  };
  const connectionStatus = createConnectionStatus(ctx, replay);
  const notes = createAddNote({ ...ctx, withLiveConnection: ctx.lost.withLiveConnection });

  return {
    registerNotifier(platform, notifier) {
      ctx.notifiers.set(platform, notifier);
    },
    connectUser: createConnectUser(ctx, connectionStatus),
    onConnected: createOnConnected(ctx, replay),
    saveTweet: createSaveTweet(ctx, enqueue),
    saveAgain: createSaveAgain(ctx, enqueue),
    undoSave: createUndoSave(ctx),
    canAddNote: notes.canAddNote,
    addNote: notes.addNote,
    chooseTarget: createChooseTarget(ctx, replay),
    createTweetsTable: createCreateTweetsTable(ctx, replay),
    disconnectUser: createDisconnectUser(ctx),
    connectionStatus,
    acceptOnce(eventKey) {
      return deps.claims.claim(`event:${eventKey}`, EVENT_MEMORY_MS);
    },
    async idle() {
      while (ctx.background.size > 0) await Promise.allSettled([...ctx.background]);
      await deps.queue.drain();
    },
  };
}
