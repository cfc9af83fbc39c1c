/**
 * Names Slack knows the app by. `manifest.yml` must use the same ones; a unit test
 * reads the manifest and compares.
 */
export const COMMANDS = {
  connect: '/notion-connect',
  save: '/save-tweet',
  disconnect: '/notion-disconnect',
  saveThread: '/save-thread',
} as const;

/** callback_id of the message shortcut "Save to Notion". */
export const SAVE_SHORTCUT_CALLBACK_ID = 'save_to_notion';

/** callback_id of the message shortcut "Save thread to Notion". */
export const SAVE_THREAD_SHORTCUT_CALLBACK_ID = 'save_thread_to_notion';

/** callback_id of the "Add note" modal. */
export const NOTE_VIEW_CALLBACK_ID = 'add_note_form';

/** The one request URL path for slash commands, interactivity and events (Bolt's default endpoint). */
export const EVENTS_PATH = '/slack/events';

/** action_ids of the interactive elements the adapter renders. */
export const ACTION_IDS = {
  /** static_select of shared tables. */
  chooseTable: 'choose_table',
  /** URL button to the personal connect link (Slack still sends a block action that must be acked). */
  connectLink: 'connect_notion_link',
  /** URL button to the saved Notion row. */
  openInNotion: 'open_in_notion',
  /** Home tab button that DMs a fresh connect link (no personal link is rendered into the Home view). */
  homeConnect: 'home_connect',
  /** Button on a "Saved" reply; value = the row's page id. */
  undoSave: 'undo_save',
  /** Button on an "Already saved" reply; value = the existing row's page id. */
  saveAgain: 'save_again',
  /** Button on a "Saved" reply that opens the note form; value = the row's page id. */
  addNote: 'add_note',
  /**
   * Prefix of the "Create a Tweets table in <page>" buttons (value = page id). Slack wants
   * action_ids unique within a block, so each button gets `create_tweets_table_<n>`.
   */
  createTable: 'create_tweets_table',
} as const;

/** Matches every "Create a Tweets table" button's action_id. */
export const CREATE_TABLE_ACTION = new RegExp(`^${ACTION_IDS.createTable}_\\d+$`);

/** At most this many "Create a Tweets table in <page>" buttons per message. */
export const MAX_CREATE_TABLE_BUTTONS = 5;

/** Bot token scopes the adapter uses: commands + shortcuts, posting, DM history (message.im). */
export const BOT_SCOPES = ['commands', 'chat:write', 'im:history'] as const;

/** Events the adapter subscribes to; the last two remove a workspace's installation ("Add to Slack"). */
export const BOT_EVENTS = ['message.im', 'app_home_opened', 'app_uninstalled', 'tokens_revoked'] as const;

/** "Add to Slack" (distribution mode): the page with the button, Bolt's install path, and its OAuth redirect. */
export const INSTALL_PATH = '/slack/install';
export const INSTALL_START_PATH = '/slack/install/start';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';
