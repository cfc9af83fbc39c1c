import { START_PATH } from '../oauth/paths.js';
import { newOpaqueToken } from '../oauth/tokens.js';
import { chatUserKey, type ChatUser } from './chat-user.js';
import type { LiveLinks, OneTimeStore } from './ports.js';

export const LINK_TTL_MS = 10 * 60_000;
/** A link is shown again only while at least this much of its life is left; else a new one is made. */
export const LINK_REUSE_MIN_MS = LINK_TTL_MS / 2;

export interface ConnectLinkDeps {
  linkTokens: OneTimeStore<ChatUser>;
  liveLinks: LiveLinks;
  /** The product's public base URL, read when a link is made. */
  publicUrl: () => string;
  now: () => Date;
}

/** Same person, described the same way: a link made under an older name is not shown again. */
const sameUser = (a: ChatUser, b: ChatUser) =>
  chatUserKey(a) === chatUserKey(b) && a.displayName === b.displayName && a.workspaceName === b.workspaceName;

/**
 * The user's personal connect link. A link is unguessable (32 random bytes), single-use and private;
 * "new on every request" is read as: a link shown again while it is live and unused is the same secret
 * shown to the same person in the same private place, so it is reused; one that was used, has expired
 * or has less than half its life left is replaced by a new one. That keeps one stored link per user
 * instead of one per save an unconnected user makes (issue 10 item 7), and asking again can never
 * hand out a link that is about to run out.
 */
export function createConnectLinks(deps: ConnectLinkDeps) {
  const urlOf = (token: string) => `${deps.publicUrl()}${START_PATH}?t=${token}`;

  return async function connectLink(user: ChatUser): Promise<{ url: string; expiresAt: Date }> {
    chatUserKey(user); // validates the ids before anything is stored
    const live = await deps.liveLinks.get(user);
    if (live) {
      const expiresAt = new Date(live.expiresAt);
      const stillFor = expiresAt.getTime() - deps.now().getTime();
      const value = stillFor >= LINK_REUSE_MIN_MS ? await deps.linkTokens.peek(live.token) : undefined;
      if (value && sameUser(value, user)) return { url: urlOf(live.token), expiresAt };
    }
    const token = newOpaqueToken();
    const expiresAt = new Date(deps.now().getTime() + LINK_TTL_MS);
    await deps.linkTokens.put(token, user, LINK_TTL_MS);
    await deps.liveLinks.set(user, { token, expiresAt: expiresAt.toISOString() }, LINK_TTL_MS);
    return { url: urlOf(token), expiresAt };
  };
}
