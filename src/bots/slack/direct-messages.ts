import { acceptTweet } from '../../chat/settle-save.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage } from './blocks.js';
import type { SlackListeners } from './listeners.js';
import { errorSummary } from './reply.js';
import { slackUser } from './slack-user.js';
import { tweetInputFromMessage } from './unfurl.js';
import type { WorkspaceNames } from './workspace-names.js';

/** The fields of a `message` event this handler reads. */
interface ImMessage {
  type: 'message';
  subtype?: string;
  channel_type?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  team?: string;
  attachments?: unknown;
  client_msg_id?: string;
}

/** The dedupe key of one delivered message event: Slack retries resend the same event_id. */
export function messageEventKey(
  eventId: string | undefined,
  teamId: string | undefined,
  channel: string,
  ts: string,
): string {
  return eventId ? `slack:event:${eventId}` : `slack:msg:${teamId ?? '-'}:${channel}:${ts}`;
}

/**
 * `message.im`: a tweet link, or a shared/forwarded message carrying one, sent to the bot in
 * its Messages tab is saved and answered in that DM. Bot messages (ours included), edits,
 * deletions and other subtypes are ignored; retries of the same event act once.
 */
export function registerDirectMessages(
  app: SlackListeners,
  deps: { core: Core; log: Logger; workspaces: WorkspaceNames },
): void {
  app.event('message', async ({ event, body, client, context }) => {
    const msg = event as unknown as ImMessage;
    if (msg.channel_type !== 'im') return;
    // `message_changed` (an edit, or Slack adding the link preview later) is skipped too: the message
    // was saved when it arrived, from its link alone if it had no preview yet; acting again would save twice.
    if (msg.subtype !== undefined || msg.bot_id !== undefined || !msg.user) return;
    if (context.botUserId !== undefined && msg.user === context.botUserId) return;

    const teamId = body.team_id ?? msg.team;
    const log = deps.log.child({ event: 'message.im', teamId, userId: msg.user, retryNum: context.retryNum });
    const key = messageEventKey(body.event_id, teamId, msg.channel, msg.ts);
    if (!(await deps.core.acceptOnce(key))) {
      log.info({ retryReason: context.retryReason }, 'duplicate delivery ignored');
      return;
    }
    const user = slackUser(teamId, msg.user, undefined, deps.workspaces.of(teamId));
    const replyTo = {
      kind: 'dm',
      channelId: msg.channel,
      ...(msg.thread_ts ? { inReplyTo: msg.thread_ts } : {}),
    } as const;
    const outcome = await acceptTweet(deps.core, user, tweetInputFromMessage(msg), log, replyTo);
    // Stored as a job: the notifier answers in this DM when it is done.
    if (!outcome) return;
    const reply = saveOutcomeMessage(outcome);
    try {
      await client.chat.postMessage({
        channel: msg.channel,
        text: reply.text,
        blocks: reply.blocks,
        unfurl_links: false,
        ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
      });
    } catch (err) {
      log.warn({ err: errorSummary(err) }, 'DM reply failed');
    }
  });
}
