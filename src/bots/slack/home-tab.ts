import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { homeView } from './blocks.js';
import { sendConnectLink } from './connect-link.js';
import { ACTION_IDS } from './constants.js';
import type { SlackListeners } from './listeners.js';
import { errorSummary } from './reply.js';
import { slackUser } from './slack-user.js';
import type { WorkspaceNames } from './workspace-names.js';

/**
 * Publishes the user's App Home: connection status, target table or picker, how to save.
 * `notice`: what became of a click in the tab, when the status alone does not say it.
 */
export async function publishHome(
  deps: { core: Core; client: webApi.WebClient; log: Logger },
  user: ChatUser,
  notice?: string,
): Promise<void> {
  try {
    const status = await deps.core.connectionStatus(user);
    await deps.client.views.publish({ user_id: user.userId, view: homeView(status, notice) });
  } catch (err) {
    deps.log.warn({ err: errorSummary(err) }, 'home tab publish failed');
  }
}

/**
 * Whether a block action came from the Home tab. Such actions have no response_url: their outcome
 * is shown by republishing the tab (`publishHome`, with a notice for what the status does not show).
 */
export function fromHomeTab(body: {
  container?: { type?: string } | undefined;
  view?: { type?: string } | undefined;
}): boolean {
  return body.container?.type === 'view' || body.view?.type === 'home';
}

/**
 * `app_home_opened` (Home tab) republishes the view; its connect button DMs a fresh personal
 * link rather than rendering one into the view, so opening the tab mints nothing.
 */
export function registerHomeTab(
  app: SlackListeners,
  deps: { core: Core; log: Logger; workspaces: WorkspaceNames },
): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const user = slackUser(body.team_id, event.user, undefined, deps.workspaces.of(body.team_id));
    const log = deps.log.child({ event: 'app_home_opened', teamId: user.teamId, userId: user.userId });
    await publishHome({ core: deps.core, client, log }, user);
  });

  app.action(ACTION_IDS.homeConnect, async ({ ack, body, client }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id;
    const user = slackUser(teamId, body.user.id, body.user.name, deps.workspaces.of(teamId, body.team?.domain));
    const log = deps.log.child({
      event: 'block_actions',
      actionId: ACTION_IDS.homeConnect,
      teamId: user.teamId,
      userId: user.userId,
    });
    await sendConnectLink({ core: deps.core, client, log }, user);
  });
}
