import type { ChatUser, Platform } from '../chat-user.js';
import { errorCode } from '../errors.js';
import type { DisconnectOutcome, ForgetWorkspaceOutcome } from '../outcomes.js';
import type { UseCaseContext } from './context.js';

/**
 * `Core.forgetWorkspace`: after the app was uninstalled from a workspace, disconnects everyone who
 * connected Notion there, each exactly as `/notion-disconnect` does (token revoked at Notion, best
 * effort; connection deleted either way). The people come from the store's per-workspace index, so a
 * repeat (Slack's `tokens_revoked` after `app_uninstalled`, retries), even one running at the same time, finds
 * nobody left and revokes nothing twice.
 * One person's failure does not stop the others; they stay indexed, so the next uninstall event retries them.
 */
export function createForgetWorkspace(
  ctx: UseCaseContext,
  disconnectUser: (user: ChatUser) => Promise<DisconnectOutcome>,
) {
  const { connections, log } = ctx;
  return async function forgetWorkspace(platform: Platform, teamId: string): Promise<ForgetWorkspaceOutcome> {
    const users = await connections.usersInWorkspace(platform, teamId);
    let disconnected = 0;
    let failed = 0;
    for (const user of users) {
      try {
        // Under the person's connection lock: the uninstall events arrive close together and their handlers run at
        // once, and a second run must find the connection gone rather than revoke its token again.
        if ((await connections.withLock(user, () => disconnectUser(user))).wasConnected) disconnected += 1;
      } catch (err) {
        failed += 1;
        log.warn(
          { event: 'workspace.forget_failed', platform, code: errorCode(err) },
          'could not disconnect someone of an uninstalled workspace',
        );
      }
    }
    log.info(
      { event: 'workspace.forgotten', platform, teamId, disconnected, failed },
      "disconnected an uninstalled workspace's Notion connections",
    );
    return { disconnected, failed };
  };
}
