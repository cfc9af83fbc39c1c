import type {
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Core } from '../../../core/core.js';
import type { Logger } from '../../../log.js';

/** What a command needs besides its interaction. */
export interface CommandContext {
  core: Core;
  log: Logger;
}

/** The interactions our commands receive. */
export type CommandInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/**
 * One application command: its declaration (a discord.js builder, registered by
 * `scripts/discord-register.ts`) and its handler. The router only calls `execute`
 * with an interaction of the builder's type.
 */
export interface Command {
  data: { readonly name: string; toJSON(): RESTPostAPIApplicationCommandsJSONBody };
  // Method syntax on purpose: each command narrows the interaction to its own type.
  execute(interaction: CommandInteraction, context: CommandContext): Promise<void>;
}
