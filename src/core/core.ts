import type { ChatUser, Platform } from './chat-user.js';
import type { TweetInput } from '../tweets/tweet.js';
import type {
  ChatNotifier,
  ChooseTargetOutcome,
  ConnectionStatus,
  ConnectLink,
  DisconnectOutcome,
  SaveTicket,
  UndoOutcome,
} from './outcomes.js';

/** The use cases adapters call. Platform-neutral; every method is safe to call with any input. */
export interface Core {
  /** A fresh personal connect link (and what the user has now). */
  connectUser(user: ChatUser): Promise<ConnectLink>;
  /**
   * Saves what the user pasted. `input.text` may end in ` to <table name>` after a tweet link to
   * save once into another shared table. `force` skips the duplicate guard ("Save again").
   */
  saveTweet(user: ChatUser, input: TweetInput, options?: { force?: boolean }): Promise<SaveTicket>;
  /** "Save again" on an "Already saved" reply: saves that tweet once more, to the same table. */
  saveAgain(user: ChatUser, pageId: string): Promise<SaveTicket>;
  /** Undo button: moves the row to Notion's trash and forgets it. Only the saver's own rows. */
  undoSave(user: ChatUser, pageId: string): Promise<UndoOutcome>;
  /** "Create a Tweets table in <page>": creates it and makes it the target. */
  createTweetsTable(user: ChatUser, pageId: string): Promise<ChooseTargetOutcome>;
  /** For pickers: make `dataSourceId` the user's target. */
  chooseTarget(user: ChatUser, dataSourceId: string): Promise<ChooseTargetOutcome>;
  disconnectUser(user: ChatUser): Promise<DisconnectOutcome>;
  connectionStatus(user: ChatUser): Promise<ConnectionStatus>;
  /**
   * True the first time `eventKey` is seen (for about a day, across instances sharing the store):
   * adapters use it so platform retries and double deliveries act once.
   */
  acceptOnce(eventKey: string): Promise<boolean>;
  /** Adapters register how to reach their users (the post-callback DM). */
  registerNotifier(platform: Platform, notifier: ChatNotifier): void;
}
