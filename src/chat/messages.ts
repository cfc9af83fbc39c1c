import type {
  ChooseTargetOutcome,
  ConnectionStatus,
  DisconnectOutcome,
  ReconnectNotice,
  SaveOutcome,
  TargetStatus,
  UndoOutcome,
} from '../core/outcomes.js';

/**
 * The product's wording, in one place for every platform. Adapters pass a formatter
 * for their markup (Slack mrkdwn, Discord markdown) and add their own buttons.
 */
export interface Formatter {
  bold(text: string): string;
  link(url: string, text: string): string;
  code(text: string): string;
  /** Plain text from users or Notion (a handle), escaped so it cannot format, link or mention. */
  text(text: string): string;
}

export const EXAMPLE_INPUT = 'https://x.com/jack/status/20';
export const EXAMPLE_WITH_TEXT = '@jack just setting up my twttr';

/** What `/save-tweet` takes, for usage help and "no tweet found". */
export function saveUsage(f: Formatter, command = '/save-tweet'): string {
  return [
    `Give me a tweet to save, for example:`,
    `• ${f.code(`${command} ${EXAMPLE_INPUT}`)}`,
    `• ${f.code(`${command} ${EXAMPLE_WITH_TEXT}`)}`,
    `• a tweet link followed by its text, or text copied from X`,
    `• ${f.code(`${command} ${EXAMPLE_INPUT} to Reading`)} saves once to another shared table (its name or the start of it)`,
  ].join('\n');
}

const tableName = (f: Formatter, table: string, url: string | undefined) => (url ? f.link(url, table) : f.bold(table));

export function targetStatusText(f: Formatter, status: TargetStatus): string {
  switch (status.kind) {
    case 'ready':
      // With several usable tables the adapters show a picker below: switching needs no reconnect.
      return status.choices && status.choices.tables.length > 1
        ? `Saving to ${tableName(f, status.table, status.url)}. Pick another table below, or reconnect to switch workspace or share other pages.`
        : `Tweets will be saved to ${tableName(f, status.table, status.url)}.`;
    case 'choose':
      return `You shared ${status.tables.length} tables. Pick the one to save tweets to.`;
    case 'none_shared':
      return "No table is shared with Save to Notion yet. Reconnect and, on Notion's page, select a table (a database) to share.";
    case 'unusable': {
      const help =
        `The table ${f.bold(status.table)} cannot take tweets yet: it needs a ${f.bold(status.missing.type)} column named ${f.bold(status.missing.name)}. ` +
        `Add it in Notion, then save again.`;
      const pages = status.pages ?? [];
      if (pages.length === 0) return help;
      return pages.length === 1
        ? `${help} Or I can create a Tweets table in ${f.bold(pages[0]!.title)} for you.`
        : `${help} Or pick a page and I will create a Tweets table in it.`;
    }
    case 'create_offer':
      return status.pages.length === 1
        ? `You shared the page ${f.bold(status.pages[0]!.title)} but no table. I can create a Tweets table in it for you.`
        : 'You shared pages but no table. Pick a page and I will create a Tweets table in it.';
  }
}

export function connectedText(f: Formatter, workspaceName: string | null, status: TargetStatus): string {
  const ws = workspaceName ? f.bold(workspaceName) : 'your Notion workspace';
  return `Connected to ${ws}. ${targetStatusText(f, status)}`;
}

export function statusText(f: Formatter, status: ConnectionStatus): string {
  if (!status.connected) return 'Not connected to Notion yet.';
  const ws = status.workspaceName ? f.bold(status.workspaceName) : 'a Notion workspace';
  if (status.needsReconnect)
    return `Notion no longer accepts your connection to ${ws}. Reconnect to keep saving; tweets you save meanwhile are kept.`;
  return `Connected to ${ws}.${status.target ? ` ${targetStatusText(f, status.target)}` : ''}`;
}

export function disconnectText(f: Formatter, outcome: DisconnectOutcome): string {
  if (!outcome.wasConnected) return 'You were not connected to Notion.';
  const ws = outcome.workspaceName ? f.bold(outcome.workspaceName) : 'your Notion workspace';
  return `Disconnected from ${ws}. Nothing will be saved until you connect again.`;
}

/** What becomes of a tweet kept until a table can take it, by what the user has to do. */
function keptForTableText(status: Exclude<TargetStatus, { kind: 'ready' }>): string {
  switch (status.kind) {
    case 'choose':
      return 'I kept this tweet and will save it as soon as you pick a table.';
    case 'create_offer':
      return 'I kept this tweet and will save it as soon as you create the table.';
    case 'none_shared':
      return 'I kept this tweet and will save it as soon as a table is shared.';
    case 'unusable':
      // Adding a column is not something Notion tells us about: the next save (or a look at the status) finds it.
      return status.pages?.length
        ? 'I kept this tweet and will save it as soon as you add the column (with your next save) or create the table.'
        : 'I kept this tweet and will save it as soon as you add the column, with your next save.';
  }
}

/** The reply to a save, without buttons (adapters add "Open in Notion", "Connect Notion", pickers). */
export function saveOutcomeText(f: Formatter, outcome: SaveOutcome, command = '/save-tweet'): string {
  switch (outcome.kind) {
    case 'saved': {
      const what = outcome.threadLength ? `thread (${outcome.threadLength} tweets)` : 'tweet';
      const who = outcome.tweet.handle ? `@${f.text(outcome.tweet.handle)}'s ${what}` : `The ${what}`;
      const note = outcome.textMissing ? ' (I could not fetch its text, so I saved the link.)' : '';
      return `Saved ${who} to ${f.link(outcome.pageUrl, outcome.table)}.${note}`;
    }
    case 'already_saved': {
      const what = outcome.tweet.handle ? `@${f.text(outcome.tweet.handle)}'s tweet` : 'This tweet';
      return `Already saved: ${what} is in ${f.link(outcome.pageUrl, outcome.table)}. Nothing new was added.`;
    }
    case 'in_progress':
      return 'That tweet is being saved right now; you will see it in your table in a moment.';
    case 'not_found':
      return 'That save is not yours, or it no longer exists.';
    case 'unknown_table':
      return outcome.tables.length === 0
        ? `No shared table is called ${f.bold(outcome.name)}, and no table is shared with Save to Notion yet.`
        : `No shared table is called ${f.bold(outcome.name)}. Your tables: ${outcome.tables.map((t) => f.bold(t.title)).join(', ')}.`;
    // The adapters put the personal link on a button next to these: the text does not repeat it.
    case 'not_connected':
      return 'Connect your Notion first, then send it again.';
    case 'reconnect':
      return outcome.kept
        ? 'Notion no longer accepts your connection. I kept this tweet and will save it as soon as you reconnect.'
        : 'Notion no longer accepts your connection (access was removed). Reconnect, then save again.';
    case 'no_tweet':
      if (outcome.reason === 'not_tweet_link') {
        return `That link is not a tweet. I save links like ${f.code(EXAMPLE_INPUT)}.\n${saveUsage(f, command)}`;
      }
      if (outcome.reason === 'empty') return saveUsage(f, command);
      return `I could not find a tweet in that.\n${saveUsage(f, command)}`;
    case 'needs_table':
      return outcome.kept
        ? `${targetStatusText(f, outcome.status)} ${keptForTableText(outcome.status)}`
        : targetStatusText(f, outcome.status);
    case 'slow_down':
      return `Slow down a little: ${outcome.waiting} of your saves are still waiting for Notion. Send this one again once they are in.`;
    case 'queued':
      return "Notion is slow right now; I'll confirm here when it's saved.";
    case 'gave_up': {
      const link = outcome.tweet.url ? f.link(outcome.tweet.url, outcome.tweet.url) : 'this tweet';
      return `I could not reach Notion for ${outcome.hours} hours, so I gave up saving ${link}. Nothing was saved; please save it again.`;
    }
    case 'rate_limited':
      return `Notion is busy right now${outcome.retryAfterSeconds ? ` (try again in ${outcome.retryAfterSeconds} s)` : ''}. Nothing was saved.`;
    case 'failed':
      return outcome.reason === 'notion_rejected'
        ? 'Notion refused the row. Check that the table still has its columns, then try again.'
        : "Something went wrong on our side or Notion's; nothing was saved. Please try again in a minute.";
  }
}

export function undoOutcomeText(f: Formatter, outcome: UndoOutcome): string {
  switch (outcome.kind) {
    case 'removed': {
      const what = outcome.tweet.handle ? `@${f.text(outcome.tweet.handle)}'s tweet` : 'the tweet';
      return `Removed ${what} from ${f.bold(outcome.table)} (moved to Notion's trash).`;
    }
    case 'already_deleted':
      return `That row was already deleted in Notion (${f.bold(outcome.table)}), so there was nothing to undo.`;
    case 'unreachable':
      return `I can't reach that row any more: its table ${f.bold(outcome.table)} is no longer shared with Save to Notion. Share it again (reconnect) to undo.`;
    case 'not_found':
      return 'Only the person who saved this tweet can undo it, and only once.';
    // The adapters' Connect / Reconnect button carries the link.
    case 'not_connected':
      return "You're not connected to Notion any more. Connect again to undo.";
    case 'reconnect':
      return 'Notion no longer accepts your connection. Reconnect to undo.';
    case 'failed':
      return 'Notion did not answer, so the row is still there. Please try Undo again in a minute.';
  }
}

/** The answer to a table pick or a "Create a Tweets table" click, without buttons. */
export function chooseTargetText(f: Formatter, outcome: ChooseTargetOutcome): string {
  switch (outcome.kind) {
    case 'created': {
      const table = outcome.url ? f.link(outcome.url, 'Tweets table') : 'Tweets table';
      const where = outcome.pageTitle ? ` in ${f.bold(outcome.pageTitle)}` : '';
      return `Created a ${table}${where}. Tweets will be saved there.`;
    }
    case 'not_connected':
      return 'Connect your Notion first, then choose again.';
    case 'reconnect':
      // Nothing was kept: a table choice is not a save waiting for the reconnect.
      return 'Notion no longer accepts your connection (access was removed). Reconnect, then choose again.';
    case 'unknown_table':
      // The table is gone or no longer shared: what is shared now.
      return outcome.tables.length > 0
        ? targetStatusText(f, { kind: 'choose', tables: outcome.tables })
        : targetStatusText(f, { kind: 'none_shared' });
    default:
      return targetStatusText(f, outcome);
  }
}

/** A table pick that failed (Notion busy or unreachable); the table stays as it was. */
export const CHOOSE_TABLE_FAILED_TEXT =
  'I could not change the table: Notion did not answer. Tweets still go where they went; please try again in a minute.';

/** A "Create a Tweets table" click that failed (Notion busy, unreachable or refusing); nothing was created. */
export const CREATE_TABLE_FAILED_TEXT =
  'I could not create the Tweets table: Notion did not answer or refused it. Nothing was created; please try again in a minute.';

/** The one DM sent when Notion stops accepting a connection. */
export function reconnectNeededText(f: Formatter, notice: ReconnectNotice): string {
  const ws = notice.workspaceName ? f.bold(notice.workspaceName) : 'your Notion workspace';
  if (notice.pending === 0)
    return `Notion no longer accepts the connection to ${ws} (access was removed or expired). Reconnect to keep saving tweets.`;
  const kept =
    notice.pending === 1
      ? 'I kept the tweet you just saved and will save it'
      : `I kept the ${notice.pending} tweets you saved and will save them`;
  return `Notion no longer accepts the connection to ${ws} (access was removed or expired). ${kept} as soon as you reconnect.`;
}

// ---- Connect prompts and button labels shared by the chat adapters ----

/** Labels for the buttons and pickers the adapters render next to the wording above. */
export const LABELS = {
  connect: 'Connect Notion',
  reconnect: 'Reconnect Notion',
  openInNotion: 'Open in Notion',
  pickTable: 'Pick a table',
  undo: 'Undo',
  saveAgain: 'Save again',
  createTable: (page: string) => `Create a Tweets table in ${page}`,
} as const;

/** The instant, private answer to a connect command whose link goes by DM. */
export const CHECK_DMS_TEXT = 'I sent you a private link to connect Notion. Check your DMs.';

/**
 * Sent with a personal connect link: what it does and what access Notion will ask for.
 * `current` says whether this is a first connection or a reconnect.
 */
export function connectPromptText(f: Formatter, current: ConnectionStatus): string {
  // Connected without a table ready: the status says what to do here; reconnecting is the other way.
  // With a table ready and others to pick from, the status already says both ways to switch.
  const target = current.connected && !current.needsReconnect ? current.target : undefined;
  const tableAdvice = target && target.kind !== 'ready';
  const switchAdvice = target?.kind === 'ready' && (target.choices?.tables.length ?? 0) > 1;
  const intro = !current.connected
    ? 'Connect your Notion so I can save tweets as rows in your own table.'
    : tableAdvice
      ? `${statusText(f, current)} Or reconnect to share other pages or switch workspace:`
      : switchAdvice
        ? statusText(f, current)
        : `${statusText(f, current)} To switch workspace or share other pages, reconnect:`;
  return [
    intro,
    `Notion will ask which pages to share: select the table (a database) to save tweets to. ` +
      `Save to Notion only sees what you share there: it reads those pages, adds rows, removes a row when you press Undo, ` +
      `and creates a Tweets table if you ask.`,
    `The link is personal and works once. Do not forward it.`,
  ].join('\n');
}

/** What each option-less command does, for its usage answer. */
const NO_OPTION_COMMANDS: Record<string, string> = {
  '/notion-connect': 'sends you a private link to connect your Notion',
  '/notion-disconnect': 'removes your Notion connection',
};

/**
 * The answer to options a command does not take (`/notion-disconnect now`): nothing is done,
 * and the user learns the right form. `help` gets the same answer without the complaint.
 */
export function unknownOptionText(f: Formatter, command: string, given: string): string {
  const what = NO_OPTION_COMMANDS[command] ?? 'takes no options';
  const head = /^(help|\?)$/i.test(given.trim())
    ? ''
    : `${f.code(command)} takes no options, so I did nothing with ${f.code(given.trim().slice(0, 50))}. `;
  return `${head}Type just ${f.code(command)}: it ${what}.`;
}

/** The other ways to save, for a help or home screen. `shortcut` is the platform's name for the message action. */
export function otherWaysText(f: Formatter, shortcut = 'Save to Notion'): string {
  return `You can also use the ${f.bold(shortcut)} shortcut on a message, or send me a tweet link in a direct message.`;
}
