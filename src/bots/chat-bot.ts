/** A running platform adapter. `src/app.ts` starts every configured one and stops them on shutdown. */
export interface ChatBot {
  readonly platform: 'slack' | 'discord';
  start(): Promise<void>;
  stop(): Promise<void>;
}
