import { chatUserKey, type ChatUser } from './chat-user.js';
import type { ChooseTargetOutcome } from './outcomes.js';
import { notionIdKey, sameId } from './pick-target.js';
import type { ClaimStore, ConnectionStore } from './ports.js';

/**
 * The longest one Notion request can take through the SDK as the gateway sets it up: three
 * attempts of 15 s (timeoutMs, maxRetries 2) and two waits of at most 10 s between them.
 */
const NOTION_REQUEST_WORST_MS = 3 * 15_000 + 2 * 10_000;
/**
 * The Notion requests one click can make in a row: up to five per with-access run (the create,
 * again with a token stored meanwhile, the refresh, the create with the refreshed token, once
 * more with a token stored after a refused refresh), and up to three runs (access-lost's
 * LIVE_RETRIES, when the stored connection keeps changing).
 */
const CREATE_REQUESTS_WORST = 5 * 3;

/**
 * How long a "Create a Tweets table" click holds its (user, page) claim: longer than the slowest
 * click can run, so no second click creates while the first is still waiting on Notion. Kept after a
 * success, so a late second click (a double click, a platform retry) finds the table made by the
 * first rather than creating another; released after a failure, so the user can simply click again.
 * (A click long after that finds the table as the connection's target, see `createTweetsTable`.)
 */
const CREATE_CLAIM_MS = NOTION_REQUEST_WORST_MS * CREATE_REQUESTS_WORST + 60_000;
const OTHER_INSTANCE_POLLS = 20;
const OTHER_INSTANCE_POLL_MS = 250;

/**
 * Makes "Create a Tweets table in <page>" create one table however often it is clicked: clicks in
 * this process share the first one's result; a click that loses the claim to another instance (or
 * comes just after) waits for the connection's target to be a table in that page.
 */
export function createTableOnce(deps: { claims: ClaimStore; connections: ConnectionStore }) {
  const inFlight = new Map<string, Promise<ChooseTargetOutcome>>();

  /**
   * The target once it is a table in `pageId` other than `previousId` (the target when the click
   * arrived: a table made earlier, maybe gone since, is not this click's answer), polling briefly;
   * undefined when none appears.
   */
  async function awaitTableIn(
    user: ChatUser,
    pageId: string,
    previousId: string | undefined,
  ): Promise<ChooseTargetOutcome | undefined> {
    for (let i = 0; i <= OTHER_INSTANCE_POLLS; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, OTHER_INSTANCE_POLL_MS));
      const target = (await deps.connections.get(user))?.target;
      if (target && sameId(target.parentPageId, pageId) && !(previousId && sameId(target.dataSourceId, previousId)))
        return { kind: 'created', table: target.title, url: target.url, pageTitle: target.parentTitle };
    }
    return undefined;
  }

  /**
   * Runs `create` for the first click on (user, page). Later clicks get its result, or the table it
   * set (as `created`), or `otherwise()`: when none appears in time, or the target already sat in
   * that page when the click arrived.
   */
  return async function once(
    user: ChatUser,
    pageId: string,
    create: () => Promise<ChooseTargetOutcome>,
    otherwise: () => Promise<ChooseTargetOutcome>,
  ): Promise<ChooseTargetOutcome> {
    const key = `create-table:${chatUserKey(user)}:${notionIdKey(pageId)}`;
    const running = inFlight.get(key);
    if (running) return running;
    const task = (async (): Promise<ChooseTargetOutcome> => {
      const previous = (await deps.connections.get(user))?.target;
      if (!(await deps.claims.claim(key, CREATE_CLAIM_MS))) {
        // A table made in this page before: `otherwise` checks it is still there.
        if (previous && sameId(previous.parentPageId, pageId)) return otherwise();
        return (await awaitTableIn(user, pageId, previous?.dataSourceId)) ?? otherwise();
      }
      let outcome: ChooseTargetOutcome | undefined;
      try {
        outcome = await create();
        return outcome;
      } finally {
        if (outcome?.kind !== 'created') await deps.claims.release(key).catch(() => undefined);
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
