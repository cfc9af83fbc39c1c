import { logContextField } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { createAddNote } from './add-note.js';
import { chatUserKey, type ChatUser } from './chat-user.js';
import type { TokenGrant } from './connection.js';
import type { Core } from './core.js';
import type { NotionRateLimiter } from './notion-rate-limit.js';
import type { SaveOutcome, SaveTicket } from './outcomes.js';
import type { RequestsInFlight } from './ports.js';
import { createSaveJobHandler } from './save-job-handler.js';
import type { SaveJob, SaveJobHandler, SaveJobQueue } from './save-jobs.js';
import { createSaveWorker } from './save-worker.js';
import { createChooseTarget } from './use-cases/choose-target.js';
import { createConnectUser, createOnConnected } from './use-cases/connect-user.js';
import { createConnectionStatus } from './use-cases/connection-status.js';
import { createUseCaseContext, type CoreDeps as UseCaseDeps } from './use-cases/context.js';
import { createCreateTweetsTable } from './use-cases/create-tweets-table.js';
import { createDisconnectUser } from './use-cases/disconnect-user.js';
import { createForgetWorkspace } from './use-cases/forget-workspace.js';
import { createReplayKeptSaves } from './use-cases/replay-kept-saves.js';
import { createSaveAgain } from './use-cases/save-again.js';
import { createSaveTweet, saveJobKey, type EnqueueSave } from './use-cases/save-tweet.js';
import { createUndoSave } from './use-cases/undo-save.js';

const EVENT_MEMORY_MS = 24 * 60 * 60_000;
/** Fair use: saves one user may have waiting in this process; over it the answer is "slow down". */
export const MAX_WAITING_PER_USER = 250;
/** Results kept for `saveResult` (tests, the bench). */
const RESULTS_KEPT = 5_000;

export interface CoreDeps extends UseCaseDeps {
  /** Where accepted saves wait for Notion (STORE_URL's engine). */
  jobs: SaveJobQueue;
  /** The per-connection Notion limit, shared by the instances; every Notion call of a save takes a slot. */
  notionLimiter?: NotionRateLimiter | undefined;
  /** Per-user save requests (fair use): a denial answers "slow down". Default: none. */
  commandLimiter?: Pick<NotionRateLimiter, 'take'> | undefined;
  metrics?: Pick<Metrics, 'saveAccepted' | 'saveWritten' | 'saveRetried' | 'saveGivenUp'> | undefined;
  /** SAVE_GIVE_UP_AFTER_HOURS. */
  giveUpAfterHours?: number | undefined;
  /** The platform requests being answered, which saves let go first. */
  requests?: RequestsInFlight | undefined;
}

/** Core plus what the OAuth callback and the process need. */
export interface CoreService extends Core {
  /** Called by the OAuth callback once the code was exchanged. */
  onConnected(user: ChatUser, grant: TokenGrant): Promise<void>;
  /** The one save handler: the app registers it with the job queue (`jobs.start(core.saveJobHandler)`). */
  saveJobHandler: SaveJobHandler;
  /**
   * The outcome of a ticket: the immediate one, or the job's result once this process's worker finished it (tests
   * and the bench; users get results through the notifiers).
   */
  saveResult(ticket: SaveTicket): Promise<SaveOutcome>;
  /** Resolves when background work (post-connect discovery and DMs, queued saves) is done. */
  idle(): Promise<void>;
  /** Resolves when background work other than the job queue is done (shutdown, after the queue stopped). */
  settleBackground(): Promise<void>;
}

/** Wires the use cases (one per file in `./use-cases/`): connect, save, undo, choose or create a table, disconnect, status. */
export function createCore(deps: CoreDeps): CoreService {
  const ctx = createUseCaseContext(deps);
  const { log } = ctx;

  // Results by job key, for saveResult; waiting counts per user, for fair use.
  const results = new Map<string, SaveOutcome>();
  const waiters = new Map<string, ((outcome: SaveOutcome) => void)[]>();
  const waitingByUser = new Map<string, number>();
  const counted = new Set<string>();

  function settled(job: SaveJob, outcome: SaveOutcome): void {
    if (counted.delete(job.key)) {
      const key = chatUserKey(job.user);
      const left = (waitingByUser.get(key) ?? 1) - 1;
      if (left > 0) waitingByUser.set(key, left);
      else waitingByUser.delete(key);
    }
    results.set(job.key, outcome);
    if (results.size > RESULTS_KEPT) results.delete(results.keys().next().value!);
    for (const resolve of waiters.get(job.key) ?? []) resolve(outcome);
    waiters.delete(job.key);
  }

  const enqueue: EnqueueSave = async (user, request, replyTo) => {
    const userKey = chatUserKey(user);
    const waiting = waitingByUser.get(userKey) ?? 0;
    const limited = waiting >= MAX_WAITING_PER_USER || ((await deps.commandLimiter?.take(`saves:${userKey}`)) ?? 0) > 0;
    if (limited) {
      log.info({ event: 'save.slow_down', platform: user.platform, waiting }, 'fair use: save refused');
      return { outcome: { kind: 'slow_down', waiting } };
    }
    const requestId = logContextField('requestId');
    const job: SaveJob = {
      user,
      ...request,
      key: saveJobKey(user, request),
      replyTo,
      acceptedAt: ctx.now().toISOString(),
      ...(requestId ? { requestId } : {}),
    };
    await deps.jobs.add(job);
    counted.add(job.key);
    waitingByUser.set(userKey, waiting + 1);
    deps.metrics?.saveAccepted();
    log.info({ event: 'save.accepted', platform: user.platform }, 'save stored as a job');
    return { jobKey: job.key };
  };

  // Kept saves were accepted once already: fair use neither refuses nor counts their replay (the kept list is bounded).
  const replay = createReplayKeptSaves(ctx, (job) => deps.jobs.add(job));
  const saveWorker = createSaveWorker({ ...ctx, replayKept: replay.inBackground, limiter: deps.notionLimiter });
  const saveJobHandler = createSaveJobHandler({
    save: (user, job) => saveWorker.save(user, job),
    notifierFor: ctx.notifierFor,
    claims: deps.claims,
    log,
    now: ctx.now,
    giveUpAfterHours: deps.giveUpAfterHours,
    settled,
    metrics: deps.metrics,
    requests: deps.requests,
  });
  const connectionStatus = createConnectionStatus(ctx, replay);
  const notes = createAddNote({ ...ctx, withLiveConnection: ctx.lost.withLiveConnection });
  const disconnectUser = createDisconnectUser(ctx);

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
    disconnectUser,
    forgetWorkspace: createForgetWorkspace(ctx, disconnectUser),
    connectionStatus,
    acceptOnce(eventKey) {
      return deps.claims.claim(`event:${eventKey}`, EVENT_MEMORY_MS);
    },
    saveJobHandler,
    saveResult(ticket) {
      if (ticket.outcome) return Promise.resolve(ticket.outcome);
      const known = results.get(ticket.jobKey);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiters.set(ticket.jobKey, [...(waiters.get(ticket.jobKey) ?? []), resolve]));
    },
    async settleBackground() {
      while (ctx.background.size > 0) await Promise.allSettled([...ctx.background]);
    },
    async idle() {
      for (;;) {
        while (ctx.background.size > 0) await Promise.allSettled([...ctx.background]);
        await deps.jobs.drain();
        if (ctx.background.size === 0) return;
      }
    },
  };
}
