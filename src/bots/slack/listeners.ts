import type { AnyMiddlewareArgs } from '@slack/bolt';
import type { App } from './bolt.js';

type Kind = 'command' | 'action' | 'shortcut' | 'view' | 'event';

/** What the Slack features register their listeners with: Bolt's own methods, each name given one listener. */
export type SlackListeners = Pick<App, Kind | 'use'>;

type Listener = (args: AnyMiddlewareArgs) => Promise<void>;
type Args = AnyMiddlewareArgs & Record<string, unknown>;
/** One registration: the listener, and the request `type` it is for when its constraints name one. */
interface Entry {
  listener: Listener;
  type: string | undefined;
}
/** A kind's registrations: by exact name, then by pattern (e.g. one action id per table offered). */
interface Registrations {
  named: Map<string, Entry[]>;
  patterns: { pattern: RegExp; entry: Entry }[];
}

/** The name Bolt's own matcher compares for a listener registered with a string (see Bolt's middleware/builtin). */
const nameOf: Record<Kind, (args: Args) => unknown> = {
  command: (args) => (args.command as { command?: unknown }).command,
  action: (args) => (args.payload as { action_id?: unknown }).action_id,
  shortcut: (args) => (args.body as { callback_id?: unknown }).callback_id,
  view: (args) => (args.body as { view?: { callback_id?: unknown } }).view?.callback_id,
  event: (args) => (args.event as { type?: unknown }).type,
};

/** The constraint key that names a listener, where Bolt also takes constraints (`{ callback_id, type }`). */
const NAME_KEY: Partial<Record<Kind, string>> = { action: 'action_id', shortcut: 'callback_id', view: 'callback_id' };

/** Matches every name; Bolt's `view` with a pattern, as with a string, takes only `view_submission`. */
const EVERY_NAME = /^/;

/**
 * A registration's name and type: a string or a pattern, or constraints of only the name and a type, as Bolt takes
 * them.
 */
function nameAndType(
  kind: Kind,
  nameOrConstraints: unknown,
): { name: string | RegExp; type: string | undefined } | undefined {
  if (typeof nameOrConstraints === 'string' || nameOrConstraints instanceof RegExp) {
    return { name: nameOrConstraints, type: undefined };
  }
  const key = NAME_KEY[kind];
  if (key === undefined || typeof nameOrConstraints !== 'object' || nameOrConstraints === null) return undefined;
  const { [key]: name, type, ...rest } = nameOrConstraints as Record<string, unknown>;
  if (
    !(typeof name === 'string' || name instanceof RegExp) ||
    (type !== undefined && typeof type !== 'string') ||
    Object.keys(rest).length > 0
  ) {
    return undefined;
  }
  return { name, type };
}

/**
 * Bolt runs every listener's matchers for every request: with 18 listeners, each `/save-tweet` went through 18
 * middleware chains, the run's largest allocation site (~47 KB per save) and ~0.6 ms of CPU per save in interleaved
 * bench runs (issue 13). So each kind of request has one Bolt listener, which hands the request to the one registered
 * for its name (and type, when the registration names one); a request nothing is registered for reaches no listener,
 * as before.
 */
export function oneListenerPerKind(app: App): SlackListeners {
  const byKind = new Map<Kind, Registrations>();
  const fits = (type: unknown) => (e: Entry) => e.type === undefined || e.type === type;

  const registrationsOf = (kind: Kind): Registrations => {
    const existing = byKind.get(kind);
    if (existing) return existing;
    const registrations: Registrations = { named: new Map(), patterns: [] };
    byKind.set(kind, registrations);
    const dispatch: Listener = async (args) => {
      const name = nameOf[kind](args as Args);
      const type = (args.body as { type?: unknown }).type;
      if (typeof name !== 'string') return;
      const entry =
        registrations.named.get(name)?.find(fits(type)) ??
        registrations.patterns.find((p) => p.pattern.test(name) && fits(type)(p.entry))?.entry;
      if (entry) await entry.listener(args);
    };
    (app[kind] as (pattern: RegExp, listener: Listener) => void).call(app, EVERY_NAME, dispatch);
    return registrations;
  };

  const register =
    (kind: Kind) =>
    (nameOrConstraints: unknown, ...listeners: unknown[]): void => {
      const named = nameAndType(kind, nameOrConstraints);
      if (named === undefined || listeners.length !== 1 || typeof listeners[0] !== 'function') {
        throw new TypeError(`a Slack ${kind} listener is registered by its name (and type), one for each`);
      }
      const registrations = registrationsOf(kind);
      const entry: Entry = { listener: listeners[0] as Listener, type: named.type };
      if (named.name instanceof RegExp) {
        registrations.patterns.push({ pattern: named.name, entry });
        return;
      }
      const same = registrations.named.get(named.name) ?? [];
      if (same.some((e) => e.type === undefined || entry.type === undefined || e.type === entry.type)) {
        throw new TypeError(`the Slack ${kind} "${named.name}" has a listener already`);
      }
      registrations.named.set(named.name, [...same, entry]);
    };

  // Bolt's methods are overloaded generics; these take the same arguments (the checks above hold the rest).
  return {
    command: register('command'),
    action: register('action'),
    shortcut: register('shortcut'),
    view: register('view'),
    event: register('event'),
    use: app.use.bind(app),
  } as SlackListeners;
}
