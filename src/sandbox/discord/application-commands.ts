/**
 * `GET`/`PUT /applications/{id}[/guilds/{id}]/commands`: the bot's registered commands, replaced
 * as a whole by a bulk overwrite after Discord's validation (application-commands.mdx).
 */
import { invalidForm, methodNotAllowed, missingAccess, type Answer } from './http-io.js';
import { snowflake } from './ids.js';
import type { DiscordState, RegisteredCommand } from './state.js';
import { validateCommands } from './validate.js';

export function applicationCommands(
  state: DiscordState,
  method: string,
  appId: string,
  guildId: string | undefined,
  body: unknown,
): Answer {
  if (appId !== state.applicationId) throw missingAccess();
  // The bot is only in its one server; elsewhere Discord answers 403 Missing Access.
  if (guildId !== undefined && guildId !== state.guild.id) throw missingAccess();
  const list = guildId ? (state.guildCommands.get(guildId) ?? []) : state.globalCommands;
  if (method === 'GET') return { status: 200, body: list };
  if (method !== 'PUT') throw methodNotAllowed();
  const issues = validateCommands(body);
  state.commandPuts.push({ scope: guildId ? 'guild' : 'global', guildId, body, status: issues.length ? 400 : 200 });
  if (issues.length) throw invalidForm(issues);
  const next = (body as Record<string, unknown>[]).map((raw) => {
    const type = (raw.type as number | undefined) ?? 1;
    // A bulk overwrite keeps the id of a command that still exists (same name and type).
    const before = list.find((c) => c.name === raw.name && c.type === type);
    const cmd: RegisteredCommand = {
      id: before?.id ?? snowflake(),
      application_id: state.applicationId,
      version: snowflake(),
      type,
      name: raw.name as string,
      description: type === 1 ? (raw.description as string) : '',
      ...(type === 1 ? { options: (raw.options as RegisteredCommand['options']) ?? [] } : {}),
      contexts: (raw.contexts as number[] | undefined) ?? null,
      integration_types: (raw.integration_types as number[] | undefined) ?? [0],
      default_member_permissions: (raw.default_member_permissions as string | undefined) ?? null,
      nsfw: (raw.nsfw as boolean | undefined) ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    };
    return cmd;
  });
  list.splice(0, list.length, ...next);
  if (guildId) state.guildCommands.set(guildId, list);
  return { status: 200, body: next };
}
