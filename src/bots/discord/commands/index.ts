import type { Command } from './command.js';
import notionConnect from './notion-connect.js';
import notionDisconnect from './notion-disconnect.js';
import saveThreadToNotion from './save-thread-to-notion.js';
import saveThread from './save-thread.js';
import saveToNotion from './save-to-notion.js';
import saveTweet from './save-tweet.js';

export type { Command, CommandContext, CommandInteraction } from './command.js';

/** Every command, once: the router dispatches by name and `npm run discord:register` registers this list. */
export const commands: readonly Command[] = [
  notionConnect,
  saveTweet,
  notionDisconnect,
  saveToNotion,
  saveThread,
  saveThreadToNotion,
];

/** The JSON bodies for a bulk overwrite (`PUT /applications/{id}/commands`). */
export function commandsJson() {
  return commands.map((c) => c.data.toJSON());
}
