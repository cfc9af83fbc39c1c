import { withOwnLogContext, type Logger } from '../log.js';
import { noMetrics, type Metrics } from '../metrics/metrics.js';
import type { ChatUser } from './chat-user.js';
import { errorCode } from './errors.js';
import { keptFieldsOf, releaseKept } from './kept-saves.js';
import type { ChatNotifier, SaveOutcome } from './outcomes.js';
import type { ClaimStore, RequestsInFlight } from './ports.js';
import { isReplay, RetryLaterError, type JobDelivery, type SaveJob, type SaveJobHandler } from './save-jobs.js';

/** The platforms' reply window: a save not done this long after it was accepted gets the "queued" note. */
export const QUEUED_NOTE_AFTER_MS = 10_000;
export const DEFAULT_GIVE_UP_AFTER_HOURS = 24;
/** Backoff for Notion 5xx, timeouts and network errors: 2 s, 4 s, … up to 5 minutes, with jitter. */
const UNAVAILABLE_BASE_MS = 2_000;
const UNAVAILABLE_MAX_MS = 5 * 60_000;
/** A 429 without Retry-After waits this long. */
const RATE_LIMITED_DEFAULT_MS = 1_000;
const NOTE_CLAIM_MS = 15 * 24 * 60 * 60_000;
/**
 * Longest a save waits for the requests being answered before it starts. Under a steady stream of requests saves
 * run this much later; a burst of them is acknowledged first (issue 13's bench: ack p99 about 270 -> 185 ms).
 */
export const ACKS_FIRST_MAX_MS = 1_000;

export interface SaveJobHandlerDeps {
  /** The save worker: resolves with the outcome, or throws RetryLaterError (rate limiter, a claim held elsewhere). */
  save(user: ChatUser, job: SaveJob): Promise<SaveOutcome>;
  notifierFor(user: ChatUser): ChatNotifier | undefined;
  /** "Queued note sent" per job, across deliveries and instances; a replayed kept save's claim, released at its end. */
  claims: ClaimStore;
  log: Logger;
  now: () => Date;
  giveUpAfterHours?: number | undefined;
  /** Told every final outcome (tests and the bench wait on it in process). */
  settled?: ((job: SaveJob, outcome: SaveOutcome) => void) | undefined;
  random?: () => number;
  metrics?: Pick<Metrics, 'saveWritten' | 'saveRetried' | 'saveGivenUp'> | undefined;
  /** The HTTP requests being answered: a save starts after them (see {@link ACKS_FIRST_MAX_MS}). Default: none. */
  requests?: RequestsInFlight | undefined;
}

/**
 * A replayed kept save that the worker kept again (still no table, or access lost again): it is still waiting, as the
 * user was told when it was kept, and is answered when it lands.
 */
const keptAgain = (job: SaveJob, outcome: SaveOutcome): boolean =>
  isReplay(job) && (outcome.kind === 'needs_table' || outcome.kind === 'reconnect') && outcome.kept;

/** Exponential backoff with "equal jitter" from the delivery's attempt number. */
export function unavailableDelayMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(UNAVAILABLE_MAX_MS, UNAVAILABLE_BASE_MS * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/**
 * What to do with a save's outcome: finish (tell the user) or wait. A rate limit (a 429's Retry-After, a limiter
 * denial) and an unavailable Notion (5xx, timeout, network) make the job wait and run again; it is never failed.
 */
export function retryDecision(
  outcome: SaveOutcome,
  attempt: number,
  random?: () => number,
): RetryLaterError | undefined {
  if (outcome.kind === 'rate_limited') {
    return new RetryLaterError(
      outcome.retryAfterSeconds !== undefined ? outcome.retryAfterSeconds * 1000 : RATE_LIMITED_DEFAULT_MS,
      'rate_limited',
    );
  }
  if (outcome.kind === 'failed' && outcome.reason === 'notion_unavailable')
    return new RetryLaterError(unavailableDelayMs(attempt, random), 'unavailable');
  return undefined;
}

/**
 * The one registered save handler: runs the worker, makes it wait through rate limits and outages, tells the user
 * once when a save outlives the reply window ("Notion is slow right now…"), delivers the answer through the
 * adapter's notifier, and gives up (saying so, with the tweet's link) only after SAVE_GIVE_UP_AFTER_HOURS.
 */
export function createSaveJobHandler(deps: SaveJobHandlerDeps): SaveJobHandler {
  const { log } = deps;
  const metrics = deps.metrics ?? noMetrics;
  const giveUpMs = (deps.giveUpAfterHours ?? DEFAULT_GIVE_UP_AFTER_HOURS) * 60 * 60_000;
  const hours = deps.giveUpAfterHours ?? DEFAULT_GIVE_UP_AFTER_HOURS;

  const noteKey = (job: SaveJob) => `queued-note:${job.key}`;

  async function deliver(job: SaveJob, outcome: SaveOutcome, replacesNote = false): Promise<void> {
    const notifier = deps.notifierFor(job.user);
    if (!notifier) return;
    try {
      await notifier.deliverSaveResult(job.replyTo, job.user, outcome, { replacesNote });
    } catch (err) {
      log.warn(
        { event: 'save.deliver_failed', platform: job.user.platform, code: errorCode(err) },
        'could not deliver the save result',
      );
    }
  }

  /** The "queued" note, once per job whatever the deliveries; not for a replay (nobody waits at a reply window). */
  async function sendNote(job: SaveJob): Promise<boolean> {
    if (isReplay(job)) return false;
    if (!(await deps.claims.claim(noteKey(job), NOTE_CLAIM_MS))) return false;
    log.info(
      { event: 'save.queued_note', platform: job.user.platform },
      'save outlived the reply window; user told it is queued',
    );
    await deliver(job, { kind: 'queued', tweet: job.tweet });
    return true;
  }

  /**
   * Whether a "queued" note went out for this job, on any instance or before a restart: the note's claim is taken
   * then, so a claim that cannot be taken now means it was sent. The store is asked only about a job old enough to
   * have had one (instances' clocks may differ by a few seconds, hence half the window).
   */
  async function noteSent(job: SaveJob, ageMs: number): Promise<boolean> {
    if (isReplay(job) || ageMs < QUEUED_NOTE_AFTER_MS / 2) return false;
    return !(await deps.claims.claim(noteKey(job), NOTE_CLAIM_MS).catch(() => true));
  }

  async function finish(job: SaveJob, outcome: SaveOutcome, ageMs: number, notedHere = false): Promise<void> {
    if (outcome.kind === 'saved') metrics.saveWritten();
    if (!keptAgain(job, outcome)) {
      // A replayed kept save has ended: its tweet may be kept anew (see releaseKept).
      if (isReplay(job)) await releaseKept(deps.claims, job.user, [keptFieldsOf(job)]);
      await deliver(job, outcome, notedHere || (await noteSent(job, ageMs)));
    }
    deps.settled?.(job, outcome);
  }

  async function giveUp(job: SaveJob, ageMs: number): Promise<void> {
    log.warn({ event: 'save.gave_up', platform: job.user.platform, hours }, 'save given up');
    metrics.saveGivenUp();
    await finish(job, { kind: 'gave_up', tweet: job.tweet, hours }, ageMs);
  }

  return (job, delivery) =>
    withOwnLogContext(job.requestId ? { requestId: job.requestId } : {}, () => handle(job, delivery));

  async function handle(job: SaveJob, delivery: JobDelivery): Promise<void> {
    const acceptedAt = Date.parse(job.acceptedAt);
    const age = () => deps.now().getTime() - acceptedAt;
    if (age() >= giveUpMs) return giveUp(job, age());
    await deps.requests?.lull(ACKS_FIRST_MAX_MS);
    // Still running at the end of the reply window: the note goes out while the save goes on.
    const untilNote = QUEUED_NOTE_AFTER_MS - age();
    // Awaited before the final answer, so the note can never land after (and over) it.
    let noting: Promise<boolean> | undefined;
    const timer = untilNote > 0 ? setTimeout(() => (noting = sendNote(job).catch(() => false)), untilNote) : undefined;
    timer?.unref();
    let outcome: SaveOutcome;
    try {
      outcome = await deps.save(job.user, job);
    } catch (err) {
      if (RetryLaterError.is(err)) return waitOrGiveUp(job, err, age());
      log.warn(
        { event: 'save.error', platform: job.user.platform, code: errorCode(err), err: (err as Error).message },
        'save hit an error; it waits',
      );
      return waitOrGiveUp(
        job,
        new RetryLaterError(unavailableDelayMs(delivery.attempt, deps.random), 'unavailable'),
        age(),
      );
    } finally {
      clearTimeout(timer);
    }
    const wait = retryDecision(outcome, delivery.attempt, deps.random);
    if (wait) return waitOrGiveUp(job, wait, age());
    await finish(job, outcome, age(), (await noting) ?? false);
  }

  async function waitOrGiveUp(job: SaveJob, wait: RetryLaterError, ageMs: number): Promise<void> {
    if (ageMs + wait.delayMs >= giveUpMs) return giveUp(job, ageMs);
    metrics.saveRetried();
    log.info(
      {
        event: 'save.retry_later',
        platform: job.user.platform,
        reason: wait.reason,
        delayMs: Math.round(wait.delayMs),
      },
      'save waits',
    );
    if (ageMs + wait.delayMs > QUEUED_NOTE_AFTER_MS) await sendNote(job).catch(() => undefined);
    throw wait;
  }
}
