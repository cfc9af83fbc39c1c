import type { ChatUser } from '../../core/chat-user.js';

/**
 * The core's view of a Slack user. Slack user ids are unique per workspace only, so the
 * team id of the workspace the request came from is part of the identity.
 */
export function slackUser(
  teamId: string | undefined,
  userId: string,
  displayName?: string | undefined,
  workspaceName?: string | undefined,
): ChatUser {
  return {
    platform: 'slack',
    teamId,
    userId,
    displayName: displayName || undefined,
    workspaceName: workspaceName || undefined,
  };
}
