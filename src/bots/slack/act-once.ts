import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import type { SlackListeners } from './listeners.js';
import { errorSummary } from './reply.js';

/** The fields of a command or interaction body that identify one person's one request. */
interface InteractionFields {
  type?: unknown;
  command?: unknown;
  trigger_id?: unknown;
  team_id?: unknown;
  team?: { id?: unknown } | null;
  user?: { id?: unknown } | unknown;
  user_id?: unknown;
  action_ts?: unknown;
  container?: { message_ts?: unknown; view_id?: unknown } | null;
  actions?: { action_id?: unknown; action_ts?: unknown }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The key under which a slash command or interaction acts once, or undefined for requests that are
 * not acted on once (events have their own `event_id` key; option loads and view closes change nothing).
 * Slack gives every command, button click, menu pick, shortcut and view submission its own
 * `trigger_id`; a body without one falls back to the action's `action_ts` and where it was clicked.
 * A signed body posted again within Slack's 5-minute window carries the same key.
 */
export function interactionKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as InteractionFields;
  const isCommand = str(b.command) !== undefined;
  const type = str(b.type);
  if (
    !isCommand &&
    !['block_actions', 'message_action', 'shortcut', 'view_submission', 'interactive_message'].includes(type ?? '')
  ) {
    return undefined;
  }
  const team = str(b.team_id) ?? str(b.team?.id) ?? '-';
  const trigger = str(b.trigger_id);
  if (trigger) return `slack:interaction:${team}:${trigger}`;
  const user = str(b.user_id) ?? str((b.user as { id?: unknown } | undefined)?.id) ?? '-';
  const action = b.actions?.[0];
  const actionTs = str(action?.action_ts) ?? str(b.action_ts);
  if (!actionTs) return undefined;
  const where = str(b.container?.message_ts) ?? str(b.container?.view_id) ?? '-';
  return `slack:action:${team}:${user}:${where}:${str(action?.action_id) ?? type ?? '-'}:${actionTs}`;
}

/**
 * Global middleware: each command and interaction acts once, across instances sharing the store.
 * A replay of a signed body (same `trigger_id`) gets the usual empty 200 ack and nothing else.
 * When the store cannot answer, the request goes through: refusing every click during a store
 * outage would be worse than the replay it prevents, and every use case checks its owner anyway.
 */
export function registerActOnce(app: SlackListeners, deps: { core: Core; log: Logger }): void {
  app.use(async (args) => {
    const key = interactionKey(args.body);
    if (key === undefined) return args.next();
    let first: boolean;
    try {
      first = await deps.core.acceptOnce(key);
    } catch (err) {
      deps.log.warn(
        { event: 'interaction.dedupe_failed', err: errorSummary(err) },
        'could not check for a replayed request; handling it',
      );
      first = true;
    }
    if (first) return args.next();
    deps.log.warn(
      { event: 'interaction.replayed', type: (args.body as InteractionFields).type ?? 'command' },
      'replayed Slack request acknowledged and ignored',
    );
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
    return undefined;
  });
}
