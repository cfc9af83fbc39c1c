import { Routes, type Client, type MessageMentionOptions } from 'discord.js';
import type { ReplyTo } from '../../core/save-jobs.js';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice, ReconnectNotice, SaveOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { errorFields } from './errors.js';
import { connectedReply, pendingSavedDm, reconnectNeededDm, saveReply, type DiscordReply } from './replies.js';

/** Discord accepts follow-ups and edits on an interaction token for 15 minutes; a minute is kept in hand. */
const INTERACTION_TOKEN_TTL_MS = 14 * 60_000;

/** Where a save job's answer goes: the interaction's reply while its token is valid, then a DM. */
export function interactionReplyTo(interaction: { applicationId: string; token: string }): ReplyTo {
  const expiresAt = new Date(Date.now() + INTERACTION_TOKEN_TTL_MS).toISOString();
  return { kind: 'discord_interaction', applicationId: interaction.applicationId, token: interaction.token, expiresAt };
}

function mentionsJson(m: MessageMentionOptions) {
  return { parse: m.parse ?? [], ...(m.repliedUser !== undefined ? { replied_user: m.repliedUser } : {}) };
}

/** A reply as the REST body discord.js would send for it. */
function restBody(body: DiscordReply, extra: Record<string, unknown> = {}) {
  return { content: body.content, components: body.components.map((c) => c.toJSON()), allowed_mentions: mentionsJson(body.allowedMentions), ...extra };
}

/**
 * How core reaches a Discord user outside a request, always by DM: the connect result (workspace
 * and table, a table menu or the create-table offer), the one Reconnect prompt when Notion stops
 * accepting the connection, and the results of the saves kept until the reconnect. Best effort: a
 * closed DM is logged, not thrown (the browser page or the save reply already said the essentials).
 */
export function createDiscordNotifier(client: Client, log: Logger): ChatNotifier {
  async function dm(user: ChatUser, body: DiscordReply, what: string, fields: Record<string, unknown> = {}): Promise<void> {
    if (user.platform !== 'discord') return;
    try {
      await client.users.send(user.userId, body);
      log.info({ userId: user.userId, ...fields }, `${what} sent by DM`);
    } catch (err) {
      log.warn({ userId: user.userId, ...fields, ...errorFields(err) }, `could not DM the ${what}`);
    }
  }

  return {
    notifyConnected(user: ChatUser, notice: ConnectedNotice): Promise<void> {
      return dm(user, connectedReply(notice), 'connect result', { target: notice.status.kind });
    },
    notifyReconnectNeeded(user: ChatUser, notice: ReconnectNotice): Promise<void> {
      return dm(user, reconnectNeededDm(notice), 'reconnect prompt', { pending: notice.pending });
    },
    notifyPendingSaved(user: ChatUser, outcomes: SaveOutcome[]): Promise<void> {
      return dm(user, pendingSavedDm(outcomes), 'kept saves result', { count: outcomes.length });
    },
    async deliverSaveResult(replyTo: ReplyTo, user: ChatUser, outcome: SaveOutcome): Promise<void> {
      if (user.platform !== 'discord') return;
      const body = saveReply(outcome);
      const fields = { userId: user.userId, outcome: outcome.kind };
      if (replyTo.kind === 'discord_interaction' && Date.parse(replyTo.expiresAt) > Date.now()) {
        try {
          // The deferred reply (or the clicked message); a later answer edits the "queued" note in place.
          await client.rest.patch(Routes.webhookMessage(replyTo.applicationId, replyTo.token, '@original'), { body: restBody(body), auth: false });
          log.info(fields, 'save result sent');
          return;
        } catch (err) {
          log.warn({ ...fields, ...errorFields(err) }, 'could not edit the interaction reply; sending by DM');
        }
      } else if (replyTo.kind === 'dm' && replyTo.channelId) {
        try {
          const reference = replyTo.inReplyTo ? { message_reference: { message_id: replyTo.inReplyTo, fail_if_not_exists: false } } : {};
          const noPing = { allowed_mentions: { parse: [], replied_user: false } };
          await client.rest.post(Routes.channelMessages(replyTo.channelId), { body: { ...restBody(body), ...reference, ...noPing } });
          log.info(fields, 'save result sent');
          return;
        } catch (err) {
          log.warn({ ...fields, ...errorFields(err) }, 'could not reply in the DM; sending a new DM');
        }
      }
      await dm(user, body, 'save result', fields);
    },
  };
}
