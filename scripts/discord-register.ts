/**
 * Registers the bot's application commands with Discord by bulk overwrite, so running
 * it again changes nothing (and removes commands we no longer declare).
 *
 *   npm run discord:register                     # global: every server and the bot's DMs (can take a while to show)
 *   npm run discord:register -- --guild <id>     # one server, shows instantly (for development)
 *
 * Reads DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_API_URL (from the environment,
 * or a `.env` file in the current directory).
 */
import { DiscordAPIError, REST, RESTJSONErrorCodes, Routes, type APIApplicationCommand } from 'discord.js';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { commandsJson } from '../src/bots/discord/commands/index.js';
import { ConfigError, loadConfig, type DiscordConfig } from '../src/config.js';

export interface RegisterOptions {
  config: DiscordConfig;
  /** Register to this guild only (instant); global when absent. */
  guildId?: string | undefined;
}

export interface RegisterResult {
  scope: 'global' | 'guild';
  guildId?: string | undefined;
  commands: Pick<APIApplicationCommand, 'id' | 'name' | 'type'>[];
}

/** A failure with a message fit for the terminal (never the token). */
export class RegisterError extends Error {
  override readonly name = 'RegisterError';
  readonly code = 'discord_register_failed';
}

const SNOWFLAKE = /^\d{1,20}$/;

/** `PUT /applications/{id}/commands` (or `/guilds/{guild}/commands`) with every command in `commands/index.ts`. */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const { config, guildId } = options;
  if (guildId !== undefined && !SNOWFLAKE.test(guildId)) {
    throw new RegisterError(
      `--guild needs a server id (digits only; Discord: right-click the server > Copy Server ID), got "${guildId}"`,
    );
  }
  const rest = new REST({ api: config.apiUrl, retries: 1, timeout: 15_000 }).setToken(config.token);
  const route = guildId
    ? Routes.applicationGuildCommands(config.applicationId, guildId)
    : Routes.applicationCommands(config.applicationId);
  let answer: unknown;
  try {
    answer = await rest.put(route, { body: commandsJson() });
  } catch (err) {
    throw explain(err, options);
  }
  const commands = (answer as APIApplicationCommand[]).map(({ id, name, type }) => ({ id, name, type }));
  return { scope: guildId ? 'guild' : 'global', guildId, commands };
}

function explain(err: unknown, { config, guildId }: RegisterOptions): RegisterError {
  if (err instanceof DiscordAPIError) {
    if (err.status === 401) {
      return new RegisterError(
        'DISCORD_TOKEN was rejected by Discord. Copy the bot token again (Developer Portal > your application > Bot > Reset Token).',
        { cause: err },
      );
    }
    if (err.code === RESTJSONErrorCodes.UnknownApplication || (err.status === 403 && !guildId)) {
      return new RegisterError(
        `Discord refused to register commands for application ${config.applicationId}: DISCORD_APPLICATION_ID must be the Application ID of the same application as DISCORD_TOKEN (Developer Portal > General Information).`,
        { cause: err },
      );
    }
    if (
      guildId &&
      (err.code === RESTJSONErrorCodes.MissingAccess ||
        err.code === RESTJSONErrorCodes.UnknownGuild ||
        err.status === 403)
    ) {
      return new RegisterError(
        `The bot cannot add commands to server ${guildId}: invite it there with the "bot" and "applications.commands" scopes (see the README's invite URL), and check the server id.`,
        { cause: err },
      );
    }
    return new RegisterError(`Discord rejected the commands (HTTP ${err.status}, code ${err.code}): ${err.message}`, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RegisterError(`Could not reach Discord at ${config.apiUrl}: ${message}`, { cause: err });
}

/**
 * `--guild <id>` / `--guild=<id>`; anything else is an error. `npm run discord:register --guild <id>`
 * (without `--`) reaches us as npm's own `npm_config_guild` with the id as a bare argument, so that
 * spelling works too.
 */
export function parseArgs(
  argv: readonly string[],
  npmGuildFlag?: string,
): { guildId?: string | undefined; help: boolean } {
  let guildId: string | undefined;
  if (npmGuildFlag !== undefined && npmGuildFlag !== '' && npmGuildFlag !== 'false') {
    const bare = argv.findIndex((a) => /^\d+$/.test(a));
    if (npmGuildFlag !== 'true') guildId = npmGuildFlag;
    else if (bare >= 0) {
      guildId = argv[bare];
      argv = argv.filter((_, i) => i !== bare);
    } else throw new RegisterError('--guild needs a server id: npm run discord:register -- --guild <id>');
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--guild') {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--'))
        throw new RegisterError('--guild needs a server id: --guild <id>');
      guildId = next;
    } else if (arg.startsWith('--guild=')) guildId = arg.slice('--guild='.length);
    else throw new RegisterError(`unknown argument "${arg}" (usage: npm run discord:register [-- --guild <id>])`);
  }
  return { guildId, help };
}

/** Only the Discord variables matter here; other half-set families must not stop registration. */
function discordConfigFrom(env: Record<string, string | undefined>): DiscordConfig {
  const config = loadConfig({
    DISCORD_TOKEN: env.DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: env.DISCORD_APPLICATION_ID,
    DISCORD_API_URL: env.DISCORD_API_URL,
  });
  if (!config.discord) {
    throw new RegisterError('Set DISCORD_TOKEN (the bot token) and DISCORD_APPLICATION_ID (the Application ID) first.');
  }
  return config.discord;
}

/** The command line: returns the exit code. */
export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  try {
    const { guildId, help } = parseArgs(argv, env.npm_config_guild);
    if (help) {
      console.log('usage: npm run discord:register [-- --guild <server id>]');
      return 0;
    }
    const result = await registerCommands({ config: discordConfigFrom(env), guildId });
    const where =
      result.scope === 'guild'
        ? `to server ${result.guildId} (available now)`
        : 'globally (new commands can take a few minutes to appear)';
    const names = result.commands.map((c) => (c.type === 1 ? `/${c.name}` : `"${c.name}" (message menu)`)).join(', ');
    console.log(`Registered ${result.commands.length} commands ${where}: ${names}`);
    return 0;
  } catch (err) {
    if (err instanceof RegisterError || err instanceof ConfigError) {
      console.error(`discord:register: ${err.message}`);
      return 1;
    }
    console.error('discord:register: unexpected failure', err instanceof Error ? err.message : err);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  process.exitCode = await main(process.argv.slice(2), process.env);
}
