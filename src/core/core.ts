import type { ChatUser, Platform } from './chat-user.js';
import type { TweetInput } from '../tweets/tweet.js';
import type {
  ChatNotifier,
  ChooseTargetOutcome,
  ConnectionStatus,
  ConnectLink,
  DisconnectOutcome,
  SaveTicket,
} from './outcomes.js';

/** The use cases adapters call. Platform-neutral; every method is safe to call with any input. */
export interface Core {
  /** A fresh personal connect link (and what the user has now). */
  connectUser(user: ChatUser): Promise<ConnectLink>;
  saveTweet(user: ChatUser, input: TweetInput): Promise<SaveTicket>;
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
