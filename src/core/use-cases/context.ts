import type { Logger } from '../../log.js';
import { createAccessLost, type AccessLost, type LiveOutcome } from '../access-lost.js';
import type { ChatUser, Platform } from '../chat-user.js';
import { createConnectLinks } from '../connect-links.js';
import type { NotionConnection, SaveTarget } from '../connection.js';
import { createDiscover, type Discover } from '../discover-target.js';
import type { ChatNotifier, ChooseTargetOutcome, TargetStatus } from '../outcomes.js';
import type {
  ClaimStore,
  ConnectionStore,
  LiveLinks,
  NotionGateway,
  OneTimeStore,
  PendingSaves,
  SaveIndex,
  TweetProviders,
} from '../ports.js';
import { createRecentTables, type RecentTables } from '../recent-tables.js';
import { createWithAccess, type WithAccess } from '../with-access.js';

/** What the use cases need from the store, Notion and the process. */
export interface CoreDeps {
  connections: ConnectionStore;
  linkTokens: OneTimeStore<ChatUser>;
  /** Each user's live connect link, so asking again (or saving while unconnected) shows the same one. */
  liveLinks: LiveLinks;
  claims: ClaimStore;
  saveIndex: SaveIndex;
  pendingSaves: PendingSaves;
  notion: NotionGateway;
  tweetProviders: TweetProviders;
  log: Logger;
  /** The product's public base URL, read when a link is made. */
  publicUrl: () => string;
  now?: () => Date;
}

/** The helpers every use case shares, made once per core. */
export interface UseCaseContext extends CoreDeps {
  now: () => Date;
  notifiers: Map<Platform, ChatNotifier>;
  /** The adapter that reaches this user, or undefined (logged) when none registered. */
  notifierFor(user: ChatUser): ChatNotifier | undefined;
  /** Background work `idle()` waits for. */
  track(task: Promise<unknown>): void;
  background: Set<Promise<unknown>>;
  newConnectLink(user: ChatUser): Promise<{ url: string; expiresAt: Date }>;
  withAccess: WithAccess;
  recentTables: RecentTables;
  discover: Discover;
  lost: AccessLost;
}

export function createUseCaseContext(deps: CoreDeps): UseCaseContext {
  const { connections, notion, log } = deps;
  const now = deps.now ?? (() => new Date());
  const notifiers = new Map<Platform, ChatNotifier>();
  const background = new Set<Promise<unknown>>();

  function track(task: Promise<unknown>): void {
    background.add(task);
    void task.finally(() => background.delete(task));
  }

  const newConnectLink = createConnectLinks({ ...deps, now });

  function notifierFor(user: ChatUser): ChatNotifier | undefined {
    const notifier = notifiers.get(user.platform);
    if (!notifier)
      log.warn({ event: 'notify.no_adapter', platform: user.platform }, 'no adapter can message this user');
    return notifier;
  }

  const withAccess = createWithAccess({ connections, notion, log });
  const recentTables = createRecentTables(now);
  const discover = createDiscover({ connections, notion, withAccess, listed: recentTables.remember });
  const lost = createAccessLost({ ...deps, now, newConnectLink, notifierFor, track });
  return {
    ...deps,
    now,
    notifiers,
    notifierFor,
    track,
    background,
    newConnectLink,
    withAccess,
    recentTables,
    discover,
    lost,
  };
}

export const ready = (target: SaveTarget): Extract<TargetStatus, { kind: 'ready' }> => ({
  kind: 'ready',
  table: target.title,
  url: target.url,
});

/** The answer when Notion refused the stored connection (`lost`) or none is stored any more (`gone`). */
export async function lostReply(
  ctx: UseCaseContext,
  ran: Exclude<LiveOutcome<unknown>, { kind: 'done' }>,
  user: ChatUser,
) {
  const connectUrl = (await ctx.newConnectLink(user)).url;
  return ran.kind === 'lost'
    ? ({ kind: 'reconnect', connectUrl } as const)
    : ({ kind: 'not_connected', connectUrl } as const);
}

/**
 * Table lookups for the pickers. A lost connection is marked dead and gets the one Reconnect DM,
 * as during a save (nothing is kept: a table choice is not a save).
 */
export async function withTables(
  ctx: UseCaseContext,
  user: ChatUser,
  use: (conn: NotionConnection) => Promise<ChooseTargetOutcome>,
): Promise<ChooseTargetOutcome> {
  const conn = await ctx.connections.get(user);
  if (!conn) return { kind: 'not_connected', connectUrl: (await ctx.newConnectLink(user)).url };
  const ran = await ctx.lost.withLiveConnection(user, conn, use);
  return ran.kind === 'done' ? ran.value : lostReply(ctx, ran, user);
}
