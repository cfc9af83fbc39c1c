/** The chat platforms the product speaks. */
export type Platform = 'slack' | 'discord';

/**
 * A person on a chat platform. Slack user ids are only unique within a workspace
 * (team), so Slack users carry their team id; Discord user ids are global.
 */
export interface ChatUser {
  platform: Platform;
  teamId?: string | undefined;
  userId: string;
  /** How to address them in pages and messages, e.g. "@sam"; never used as a key. */
  displayName?: string | undefined;
  /**
   * The name of the workspace they are in, as the platform reports it (Slack's team name or domain);
   * Discord has none (a Discord user is the same person in every server). Shown on the page that asks
   * to confirm a connect, so nobody connects their Notion to an account they do not recognise; never a key.
   */
  workspaceName?: string | undefined;
}

const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The store key of a chat user: `slack:T…:U…` or `discord:…`. */
export function chatUserKey(user: ChatUser): string {
  if (!ID.test(user.userId)) throw new TypeError('chat user id has unexpected characters');
  if (user.platform === 'slack') {
    if (!user.teamId || !ID.test(user.teamId)) throw new TypeError('a Slack user needs a team id');
    return `slack:${user.teamId}:${user.userId}`;
  }
  return `discord:${user.userId}`;
}

export const PLATFORM_NAMES: Record<Platform, string> = { slack: 'Slack', discord: 'Discord' };

/** "@sam on Slack" — for pages and messages. */
export function describeChatUser(user: ChatUser): string {
  const who = user.displayName ? `@${user.displayName.replace(/^@/, '')}` : 'your account';
  return `${who} on ${PLATFORM_NAMES[user.platform]}`;
}
