/**
 * Interactions: INTERACTION_CREATE for commands, menus and buttons (only what Discord's client would
 * let the user send), then the bot's side of them: the one initial callback within the ack deadline,
 * and follow-ups and edits through the interaction webhook (receiving-and-responding.mdx).
 */
import { HttpError, invalidForm, type Answer } from './http-io.js';
import { interactionToken, snowflake } from './ids.js';
import { applyEdit } from './messages.js';
import {
  channelObject,
  memberObject,
  messageObject,
  type APIEmbedLike,
  type FakeMessage,
  type FakeUser,
} from './objects.js';
import {
  EPHEMERAL,
  LOADING,
  type CallbackRecord,
  type DiscordContext,
  type DiscordState,
  type ShownModal,
} from './state.js';
import { isEmptyMessage, validateMessage } from './validate.js';

type Where = {
  /** Default 'guild' (the fake's server and #general). */
  in?: 'guild' | 'dm';
};

export type InteractionSpec =
  | ({ kind: 'chat_input'; name: string; user: FakeUser; options?: Record<string, string | number | boolean> } & Where)
  | ({
      kind: 'message';
      name: string;
      user: FakeUser;
      target: { content?: string; embeds?: APIEmbedLike[]; author?: FakeUser };
    } & Where)
  | { kind: 'select'; customId: string; values: string[]; user: FakeUser; message: FakeMessage }
  /**
   * The user submits a modal the bot showed (MODAL_SUBMIT, type 5): `modal` is the one recorded in `modals`,
   * `values` what was typed in each text input by its custom_id. A modal shown from a button keeps that message.
   */
  | { kind: 'modal_submit'; modal: ShownModal; values: Record<string, string>; user: FakeUser }
  | {
      kind: 'button';
      customId: string;
      user: FakeUser;
      /** The message the button is on (matched by id: the click sees the message as it is now). */
      message: FakeMessage;
      /**
       * Discord only lets people click what they can see: the owner of an ephemeral message, the
       * recipient of a DM. `skipVisibilityCheck` drops that rule to stand for a message others can
       * see or a hand-made request, so a test can show the bot's own ownership check holds.
       */
      skipVisibilityCheck?: boolean;
    };

/** Discord's limits on a modal (discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal). */
function validateModal(data: Record<string, unknown>): { path: string[]; code: string; message: string }[] {
  const issues: { path: string[]; code: string; message: string }[] = [];
  const bad = (path: string[], message: string) => issues.push({ path, code: 'BASE_TYPE_BAD_LENGTH', message });
  const badLength = (v: unknown, max: number) => typeof v !== 'string' || v.length < 1 || v.length > max;
  if (badLength(data.custom_id, 100)) bad(['custom_id'], 'Must be between 1 and 100 in length.');
  if (badLength(data.title, 45)) bad(['title'], 'Must be between 1 and 45 in length.');
  const rows = Array.isArray(data.components) ? (data.components as Record<string, unknown>[]) : [];
  if (rows.length < 1 || rows.length > 5) bad(['components'], 'Must be between 1 and 5 in length.');
  rows.forEach((row, i) => {
    const inner = row.type === 1 && Array.isArray(row.components) ? (row.components as Record<string, unknown>[]) : [];
    if (inner.length !== 1 || inner[0]!.type !== 4) {
      issues.push({
        path: ['components', String(i)],
        code: 'COMPONENT_TYPE_INVALID',
        message: 'A modal row holds exactly one text input.',
      });
      return;
    }
    const input = inner[0]!;
    const p = ['components', String(i), 'components', '0'];
    if (badLength(input.custom_id, 100)) bad([...p, 'custom_id'], 'Must be between 1 and 100 in length.');
    if (badLength(input.label, 45)) bad([...p, 'label'], 'Must be between 1 and 45 in length.');
    if (input.style !== 1 && input.style !== 2) {
      issues.push({ path: [...p, 'style'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2).' });
    }
    const max = input.max_length;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 4000))
      bad([...p, 'max_length'], 'Must be between 1 and 4000.');
    const placeholder = input.placeholder;
    if (placeholder !== undefined && (typeof placeholder !== 'string' || placeholder.length > 100)) {
      bad([...p, 'placeholder'], 'Must be 100 or fewer in length.');
    }
  });
  return issues;
}

export interface DispatchedInteraction {
  id: string;
  token: string;
  payload: Record<string, unknown>;
}

/**
 * Sends INTERACTION_CREATE as Discord does for a slash command, a message command
 * (with `data.target_id` and `data.resolved.messages`), a pick in a select menu, or a button
 * click (MESSAGE_COMPONENT: type 3, `component_type` 2, the clicked `message`). Commands must
 * have been registered and components must be on the message (Discord only offers those).
 */
export function dispatchInteraction(ctx: DiscordContext, spec: InteractionSpec): DispatchedInteraction {
  const { state } = ctx;
  state.users.set(spec.user.id, spec.user);
  const id = snowflake();
  const token = interactionToken();
  const clicked =
    spec.kind === 'select' || spec.kind === 'button'
      ? clickableMessage(state, spec)
      : spec.kind === 'modal_submit' && spec.modal.message
        ? state.findMessage(spec.modal.message.id)
        : undefined;
  const inDm = clicked
    ? state.channels.get(clicked.channel_id)?.channel.type === 1
    : spec.kind === 'modal_submit'
      ? spec.modal.guildId === undefined
      : spec.kind !== 'select' && spec.kind !== 'button' && spec.in === 'dm';
  const channel = clicked
    ? state.channels.get(clicked.channel_id)!.channel
    : inDm
      ? state.dmChannelFor(spec.user)
      : state.channels.get(state.guild.channelId)!.channel;
  const guildId = inDm ? undefined : state.guild.id;

  let type: number;
  let data: Record<string, unknown>;
  let message: FakeMessage | undefined;
  if (spec.kind === 'chat_input') {
    type = 2;
    const command = state.findCommand(spec.name, 1, guildId);
    if (!command) throw new Error(`fake discord: /${spec.name} is not registered`);
    const options = Object.entries(spec.options ?? {}).map(([name, value]) => {
      const def = command.options?.find((o) => o.name === name);
      if (!def) throw new Error(`fake discord: /${spec.name} has no option "${name}"`);
      return { name, type: def.type, value };
    });
    for (const def of command.options ?? []) {
      if (def.required && !(def.name in (spec.options ?? {})))
        throw new Error(`fake discord: /${spec.name} needs "${def.name}" (Discord enforces required options)`);
    }
    data = {
      id: command.id,
      name: command.name,
      type: 1,
      ...(options.length ? { options } : {}),
      ...(command.guild_id ? { guild_id: command.guild_id } : {}),
    };
  } else if (spec.kind === 'message') {
    type = 2;
    const command = state.findCommand(spec.name, 3, guildId);
    if (!command) throw new Error(`fake discord: message command "${spec.name}" is not registered`);
    const author = spec.target.author ?? state.addUser('someone');
    const target = messageObject({
      channelId: channel.id,
      guildId,
      author,
      content: spec.target.content ?? '',
      embeds: spec.target.embeds ?? [],
    });
    state.channels.get(channel.id)?.messages.push(target);
    data = {
      id: command.id,
      name: command.name,
      type: 3,
      target_id: target.id,
      resolved: { messages: { [target.id]: target } },
      ...(command.guild_id ? { guild_id: command.guild_id } : {}),
    };
  } else if (spec.kind === 'modal_submit') {
    type = 5;
    message = clicked;
    if (!state.modals.includes(spec.modal)) throw new Error('fake discord: that modal was never shown');
    data = {
      custom_id: spec.modal.customId,
      components: spec.modal.inputs.map((i) => ({
        type: 1,
        components: [{ type: 4, custom_id: i.customId, value: spec.values[i.customId] ?? '' }],
      })),
    };
  } else if (spec.kind === 'select') {
    type = 3;
    message = clicked;
    data = { custom_id: spec.customId, component_type: 3, values: spec.values };
  } else {
    type = 3;
    message = clicked;
    data = { custom_id: spec.customId, component_type: 2 };
  }

  const payload: Record<string, unknown> = {
    id,
    application_id: state.applicationId,
    type,
    data,
    token,
    version: 1,
    channel: channelObject(channel, state.lastMessageId(channel.id)),
    channel_id: channel.id,
    app_permissions: '2248473465835073',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guildId ?? '0' },
    context: inDm ? 1 : 0,
    attachment_size_limit: 10485760,
    ...(guildId
      ? {
          guild_id: guildId,
          guild: { id: guildId, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          member: memberObject(spec.user),
        }
      : { user: spec.user }),
    ...(message ? { message: structuredClone(message) } : {}),
  };
  state.interactions.set(id, {
    id,
    token,
    type,
    user: spec.user,
    channelId: channel.id,
    guildId,
    dispatchedAt: Date.now(),
    acknowledged: false,
    source: message,
    followUps: [],
  });
  ctx.gateway.dispatch('INTERACTION_CREATE', payload);
  return { id, token, payload };
}

/**
 * The live message a select or button interaction is on, refusing what Discord's client could
 * not send: an unknown message, a component that is not on it (or a link button, which opens
 * its URL instead), a value the menu does not offer, a disabled component, or a message the
 * user cannot see (someone else's ephemeral message or DM).
 */
function clickableMessage(
  state: DiscordState,
  spec: Extract<InteractionSpec, { kind: 'select' | 'button' }>,
): FakeMessage {
  const message = state.findMessage(spec.message.id);
  if (!message) throw new Error(`fake discord: message ${spec.message.id} does not exist`);
  const all = (message.components as { components?: Record<string, unknown>[] }[]).flatMap(
    (row) => row.components ?? [],
  );
  const component = all.find((c) => c.custom_id === spec.customId);
  const wanted = spec.kind === 'button' ? 2 : 3;
  if (!component || component.type !== wanted)
    throw new Error(`fake discord: the message has no ${spec.kind} "${spec.customId}"`);
  if (component.disabled === true) throw new Error(`fake discord: "${spec.customId}" is disabled`);
  if (spec.kind === 'select') {
    const offered = new Set(((component.options as { value: string }[] | undefined) ?? []).map((o) => o.value));
    if (spec.values.some((v) => !offered.has(v)))
      throw new Error(`fake discord: the menu does not offer ${spec.values.join(', ')}`);
  }
  const skip = spec.kind === 'button' && spec.skipVisibilityCheck === true;
  if (!skip) {
    const owner = (message.interaction_metadata?.user as FakeUser | undefined)?.id;
    if (message.flags & EPHEMERAL && owner !== spec.user.id)
      throw new Error(`fake discord: ${spec.user.username} cannot see another user's ephemeral message`);
    const channel = state.channels.get(message.channel_id)?.channel;
    if (channel?.type === 1 && channel.recipient?.id !== spec.user.id)
      throw new Error(`fake discord: ${spec.user.username} cannot see another user's DMs`);
  }
  return message;
}

/** `POST /interactions/{id}/{token}/callback`: the initial response, within the ack deadline and once. */
export function interactionCallback(
  discord: DiscordState,
  id: string,
  token: string,
  body: unknown,
  withResponse: boolean,
): Answer {
  const state = discord.interactions.get(id);
  const b = (body ?? {}) as { type?: unknown; data?: Record<string, unknown> };
  const record: CallbackRecord = {
    interactionId: id,
    type: typeof b.type === 'number' ? b.type : -1,
    data: b.data,
    flags: typeof b.data?.flags === 'number' ? b.data.flags : 0,
    elapsedMs: state ? Date.now() - state.dispatchedAt : -1,
    status: 204,
  };
  discord.callbacks.push(record);
  const refuse = (e: HttpError): never => {
    record.status = e.status;
    record.errorCode = e.body.code as number;
    throw e;
  };
  if (!state || state.token !== token || record.elapsedMs > discord.ackDeadlineMs) {
    refuse(new HttpError(404, { message: 'Unknown interaction', code: 10062 }));
  }
  const s = state!;
  if (s.acknowledged)
    refuse(new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 }));
  // A modal cannot answer a modal submit; deferUpdate/update only when it came from a message's button.
  const allowed = s.type === 2 ? [4, 5, 9] : s.type === 5 ? (s.source ? [4, 5, 6, 7] : [4, 5]) : [4, 5, 6, 7, 9];
  if (!allowed.includes(record.type))
    refuse(
      invalidForm([
        {
          path: ['type'],
          code: 'INTERACTION_RESPONSE_TYPE_INVALID',
          message: 'Interaction response type is invalid for this interaction',
        },
      ]),
    );
  if (record.type === 4 || record.type === 7 || record.type === 5) {
    const issues = validateMessage(b.data ?? {}, { allowedFlags: record.type === 5 ? EPHEMERAL : undefined });
    if (issues.length) refuse(invalidForm(issues.map((i) => ({ ...i, path: ['data', ...i.path] }))));
    if (record.type === 4 && isEmptyMessage(b.data ?? {}))
      refuse(new HttpError(400, { message: 'Cannot send an empty message', code: 50006 }));
  }
  if (record.type === 9) {
    const issues = validateModal(b.data ?? {});
    if (issues.length) refuse(invalidForm(issues.map((i) => ({ ...i, path: ['data', ...i.path] }))));
    const d = b.data as {
      custom_id: string;
      title: string;
      components: { components: { custom_id: string; label: string; style: number; required?: boolean }[] }[];
    };
    discord.modals.push({
      interactionId: s.id,
      customId: d.custom_id,
      title: d.title,
      inputs: d.components.map((r) => {
        const input = r.components[0]!;
        return {
          customId: input.custom_id,
          label: input.label,
          style: input.style,
          required: input.required !== false,
        };
      }),
      message: s.source,
      channelId: s.channelId,
      guildId: s.guildId,
    });
  }
  s.acknowledged = true;
  s.callbackType = record.type;
  if (record.type === 4 || record.type === 5) {
    const data = b.data ?? {};
    s.original = messageObject({
      channelId: s.channelId,
      guildId: s.guildId,
      author: discord.botUser,
      content: record.type === 4 ? ((data.content as string | undefined) ?? '') : '',
      components: record.type === 4 ? ((data.components as unknown[] | undefined) ?? []) : [],
      flags: (record.flags & EPHEMERAL) | (record.type === 5 ? LOADING : 0),
      type: 20,
    });
    s.original.application_id = discord.applicationId;
    s.original.webhook_id = discord.applicationId;
    s.original.interaction_metadata = {
      id: s.id,
      type: s.type,
      user: s.user,
      authorizing_integration_owners: { '0': s.guildId ?? '0' },
    };
  } else if ((record.type === 6 || record.type === 7) && s.source) {
    s.original = s.source;
    if (record.type === 7) applyEdit(s.original, b.data ?? {});
  }
  if (!withResponse) return { status: 204 };
  return {
    status: 200,
    body: {
      interaction: {
        id: s.id,
        type: s.type,
        response_message_id: s.original?.id,
        response_message_loading: record.type === 5,
        response_message_ephemeral: Boolean(record.flags & EPHEMERAL),
      },
      resource: { type: record.type, ...(s.original ? { message: s.original } : {}) },
    },
  };
}

/** `/webhooks/{app}/{token}[/messages/{id|@original}]`: follow-ups and edits of an acknowledged interaction. */
export function interactionWebhook(
  discord: DiscordState,
  method: string,
  appId: string,
  token: string,
  messageId: string | undefined,
  body: unknown,
): Answer {
  const state = [...discord.interactions.values()].find((s) => s.token === token);
  if (!state || appId !== discord.applicationId) throw new HttpError(404, { message: 'Unknown Webhook', code: 10015 });
  if (!state.acknowledged) throw new HttpError(404, { message: 'Unknown Message', code: 10008 });
  if (messageId === undefined) {
    if (method !== 'POST') throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
    const b = (body ?? {}) as Record<string, unknown>;
    const issues = validateMessage(b);
    if (issues.length) throw invalidForm(issues);
    if (isEmptyMessage(b)) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
    const message = messageObject({
      channelId: state.channelId,
      guildId: state.guildId,
      author: discord.botUser,
      content: (b.content as string | undefined) ?? '',
      components: (b.components as unknown[] | undefined) ?? [],
      flags: typeof b.flags === 'number' ? b.flags & EPHEMERAL : 0,
    });
    message.application_id = discord.applicationId;
    message.webhook_id = discord.applicationId;
    message.interaction_metadata = {
      id: state.id,
      type: state.type,
      user: state.user,
      authorizing_integration_owners: { '0': state.guildId ?? '0' },
    };
    state.followUps.push(message);
    discord.followUps.push({ interactionId: state.id, messageId: message.id, body: b, message });
    return { status: 200, body: message };
  }
  const target =
    messageId === '@original' ? state.original : [state.original, ...state.followUps].find((x) => x?.id === messageId);
  if (!target) throw new HttpError(404, { message: 'Unknown Message', code: 10008 });
  if (method === 'GET') return { status: 200, body: target };
  if (method === 'DELETE') {
    state.original = messageId === '@original' ? undefined : state.original;
    return { status: 204 };
  }
  if (method !== 'PATCH') throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
  const b = (body ?? {}) as Record<string, unknown>;
  // Editing cannot turn an ephemeral message public or the other way round; only SUPPRESS_EMBEDS is settable.
  const issues = validateMessage({ ...b, flags: undefined });
  if (issues.length) throw invalidForm(issues);
  applyEdit(target, b);
  discord.originalEdits.push({
    interactionId: state.id,
    messageId: target.id,
    body: b,
    message: structuredClone(target),
  });
  return { status: 200, body: target };
}
