import type { TweetInput } from '../tweets/tweet.js';
import type { ChatUser, Platform } from './chat-user.js';
import type {
  ChatNotifier,
  ChooseTargetOutcome,
  ConnectionStatus,
  ConnectLink,
  DisconnectOutcome,
  ForgetWorkspaceOutcome,
  NoteOutcome,
  SaveTicket,
  UndoOutcome,
} from './outcomes.js';
import type { ReplyTo } from './save-jobs.js';

/** The use cases adapters call. Platform-neutral; every method is safe to call with any input. */
export interface Core {
  /** A fresh personal connect link (and what the user has now). */
  connectUser(user: ChatUser): Promise<ConnectLink>;
  /**
   * Saves what the user gave, taking `input` as it is (core reads no table name out of the text).
   * `options.table`: save this once into the shared table of that name (exact, else the first whose
   * name starts with it; any case) instead of the user's target. Only `/save-tweet` offers this: its
   * handlers split `<link> to <table name>` with `splitTableChoice` (`src/chat/inline-table.ts`); elsewhere
   * (shortcuts, DMs) "<link> to everyone who asked" is just a message. `options.force` skips the
   * duplicate guard ("Save again"). `options.thread` (`/save-thread`): one row for the author's whole chain the
   * tweet belongs to (a tweet in no thread saves as itself). `#tags` ending the typed text become the row's tags.
   * The save is stored as a job before this resolves, so the adapter acknowledges the platform after it; the result
   * goes to `options.replyTo` (default: a DM) through the adapter's notifier.
   */
  saveTweet(
    user: ChatUser,
    input: TweetInput,
    options?: { force?: boolean; table?: string; thread?: boolean; replyTo?: ReplyTo },
  ): Promise<SaveTicket>;
  /** "Save again" on an "Already saved" reply: saves that tweet once more, to the same table (answered as `saveTweet`). */
  saveAgain(user: ChatUser, pageId: string, replyTo?: ReplyTo): Promise<SaveTicket>;
  /**
   * Undo button: moves the row to Notion's trash and forgets it. Only the saver's own rows. A row
   * Notion no longer shows because its table is no longer shared is `unreachable` and stays known.
   */
  undoSave(user: ChatUser, pageId: string): Promise<UndoOutcome>;
  /** "Add note": whether `user` saved this row, so the note form may open (a store lookup, fast enough for a modal). */
  canAddNote(user: ChatUser, pageId: string): Promise<boolean>;
  /**
   * The note form's submit: sets the row's Note and Tags (`ai, reading` or `#ai #reading`) where its table has those
   * columns. Only the saver's own rows; anyone else gets `not_found`.
   */
  addNote(user: ChatUser, pageId: string, input: { note: string; tags: string }): Promise<NoteOutcome>;
  /**
   * "Create a Tweets table in <page>": creates it and makes it the target (`created`). Clicked twice
   * (or by a platform retry), it creates one table; the later click gets the first one's result.
   * Tweets kept until a table was ready are then saved, and the user told by DM.
   */
  createTweetsTable(user: ChatUser, pageId: string): Promise<ChooseTargetOutcome>;
  /** For pickers: make `dataSourceId` the user's target (then saves kept until a table was ready land). */
  chooseTarget(user: ChatUser, dataSourceId: string): Promise<ChooseTargetOutcome>;
  disconnectUser(user: ChatUser): Promise<DisconnectOutcome>;
  /**
   * The app was uninstalled from a workspace and the operator chose to forget it: disconnects (revokes
   * and deletes) every Notion connection made there. Idempotent: a second call finds nobody.
   */
  forgetWorkspace(platform: Platform, teamId: string): Promise<ForgetWorkspaceOutcome>;
  /**
   * Whether the user is connected and where saves go. Without a chosen table it looks at what is
   * shared (so a picker, the column help or the create-table offer can be shown before the first
   * save); with one, a `ready` target lists the other usable tables (`choices`) when there are any,
   * so the table can be switched. Notion errors never make it throw.
   */
  connectionStatus(user: ChatUser): Promise<ConnectionStatus>;
  /**
   * True the first time `eventKey` is seen (for about a day, across instances sharing the store):
   * adapters use it so platform retries and double deliveries act once.
   */
  acceptOnce(eventKey: string): Promise<boolean>;
  /** Adapters register how to reach their users (the post-callback DM). */
  registerNotifier(platform: Platform, notifier: ChatNotifier): void;
}
