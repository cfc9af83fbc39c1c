import { chatUserKey, type ChatUser } from './chat-user.js';
import type { ChooseTargetOutcome } from './outcomes.js';
import { sameId } from './pick-target.js';
import type { ClaimStore, ConnectionStore } from './ports.js';

/**
 * How long a "Create a Tweets table" click holds its (user, page) claim. Kept after a success, so
 * a late second click (a double click, a platform retry) finds the table made by the first rather
 * than creating another; released after a failure, so the user can simply click again.
 */
const CREATE_CLAIM_MS = 30_000;
const OTHER_INSTANCE_POLLS = 20;
const OTHER_INSTANCE_POLL_MS = 250;

/**
 * Makes "Create a Tweets table in <page>" create one table however often it is clicked: clicks in
 * this process share the first one's result; a click that loses the claim to another instance (or
 * comes just after) waits for the connection's target to be a table in that page.
 */
export function createTableOnce(deps: { claims: ClaimStore; connections: ConnectionStore }) {
  const inFlight = new Map<string, Promise<ChooseTargetOutcome>>();

  /** The target once it sits in `pageId`, polling briefly; undefined when it does not appear. */
  async function awaitTableIn(user: ChatUser, pageId: string): Promise<ChooseTargetOutcome | undefined> {
    for (let i = 0; i <= OTHER_INSTANCE_POLLS; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, OTHER_INSTANCE_POLL_MS));
      const target = (await deps.connections.get(user))?.target;
      if (target && sameId(target.parentPageId, pageId)) return { kind: 'ready', table: target.title, url: target.url };
    }
    return undefined;
  }

  /**
   * Runs `create` for the first click on (user, page). Later clicks get its result, or the ready
   * status of the table it set, or — when none appears in time — `otherwise()` (the current status).
   */
  return async function once(
    user: ChatUser,
    pageId: string,
    create: () => Promise<ChooseTargetOutcome>,
    otherwise: () => Promise<ChooseTargetOutcome>,
  ): Promise<ChooseTargetOutcome> {
    const key = `create-table:${chatUserKey(user)}:${pageId.replace(/-/g, '').toLowerCase()}`;
    const running = inFlight.get(key);
    if (running) return running;
    const task = (async (): Promise<ChooseTargetOutcome> => {
      if (!(await deps.claims.claim(key, CREATE_CLAIM_MS))) return (await awaitTableIn(user, pageId)) ?? otherwise();
      let outcome: ChooseTargetOutcome | undefined;
      try {
        outcome = await create();
        return outcome;
      } finally {
        if (outcome?.kind !== 'ready') await deps.claims.release(key).catch(() => undefined);
      }
    })();
    inFlight.set(key, task);
    try {
      return await task;
    } finally {
      inFlight.delete(key);
    }
  };
}
