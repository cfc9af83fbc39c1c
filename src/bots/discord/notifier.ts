import { Routes, type Client, type MessageMentionOptions } from 'discord.js';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, SaveOutcome } from '../../core/outcomes.js';
import type { ReplyTo } from '../../core/save-jobs.js';
import type { Logger } from '../../log.js';
import { createDmNotifier } from '../dm-notifier.js';
import { errorFields } from './errors.js';
import { connectedReply, reconnectNeededDm, saveReply, type DiscordReply } from './replies.js';
import { sendDiscordDm } from './send-dm.js';

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
  return {
    content: body.content,
    components: body.components.map((c) => c.toJSON()),
    allowed_mentions: mentionsJson(body.allowedMentions),
    ...extra,
  };
}

/**
 * How core reaches a Discord user outside a request: by DM for the connect result (workspace and table, a table
 * menu or the create-table offer) and the one Reconnect prompt when Notion stops accepting the connection; a save
 * job's result (a replayed kept save's too) edits the interaction's reply while its token is valid (REST only: the
 * instance holding the gateway need not be this one), else answers in the DM.
 */
export function createDiscordNotifier(client: Client, log: Logger): ChatNotifier {
  const dmNotifier = createDmNotifier(
    {
      platform: 'discord',
      send: (user, body) => sendDiscordDm(client, user.userId, body),
      errorFields,
      connected: connectedReply,
      reconnectNeeded: reconnectNeededDm,
    },
    log,
  );
  return {
    ...dmNotifier,
    async deliverSaveResult(replyTo: ReplyTo, user: ChatUser, outcome: SaveOutcome): Promise<void> {
      if (user.platform !== 'discord') return;
      const body = saveReply(outcome);
      const fields = { userId: user.userId, outcome: outcome.kind };
      if (replyTo.kind === 'discord_interaction' && Date.parse(replyTo.expiresAt) > Date.now()) {
        try {
          // The deferred reply (or the clicked message); a later answer edits the "queued" note in place.
          const route = Routes.webhookMessage(replyTo.applicationId, replyTo.token, '@original');
          await client.rest.patch(route, { body: restBody(body), auth: false });
          log.debug(fields, 'save result sent');
          return;
        } catch (err) {
          log.warn({ ...fields, ...errorFields(err) }, 'could not edit the interaction reply; sending by DM');
        }
      } else if (replyTo.kind === 'dm' && replyTo.channelId) {
        try {
          const reference = replyTo.inReplyTo
            ? { message_reference: { message_id: replyTo.inReplyTo, fail_if_not_exists: false } }
            : {};
          const noPing = { allowed_mentions: { parse: [], replied_user: false } };
          await client.rest.post(Routes.channelMessages(replyTo.channelId), {
            body: { ...restBody(body), ...reference, ...noPing },
          });
          log.debug(fields, 'save result sent');
          return;
        } catch (err) {
          log.warn({ ...fields, ...errorFields(err) }, 'could not reply in the DM; sending a new DM');
        }
      }
      try {
        await sendDiscordDm(client, user.userId, body);
        log.info({ event: 'save_result', ...fields }, 'DM sent');
      } catch (err) {
        log.warn({ event: 'save_result', ...fields, ...errorFields(err) }, 'DM failed');
      }
    },
  };
}
