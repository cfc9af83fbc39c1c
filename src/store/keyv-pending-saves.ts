import type { Keyv } from 'keyv';
import { chatUserKey, type ChatUser } from '../core/chat-user.js';
import type { PendingSave, PendingSaves } from '../core/ports.js';

/** Enough for any realistic backlog; beyond it the oldest are dropped rather than the store growing unbounded. */
const MAX_PENDING = 100;
/** A backlog nobody reconnects for is forgotten after 30 days. */
const PENDING_TTL_MS = 30 * 24 * 60 * 60_000;

/**
 * One list per chat user. Read-modify-write is serialized per user within this process;
 * two instances appending in the same instant could lose one entry (Keyv has no atomic append).
 */
export class KeyvPendingSaves implements PendingSaves {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly keyv: Keyv) {}

  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }

  add(user: ChatUser, save: PendingSave): Promise<number> {
    const key = `pending:${chatUserKey(user)}`;
    return this.serialize(key, async () => {
      const list = [...((await this.keyv.get<PendingSave[]>(key)) ?? []), save].slice(-MAX_PENDING);
      await this.keyv.set(key, list, PENDING_TTL_MS);
      return list.length;
    });
  }

  takeAll(user: ChatUser): Promise<PendingSave[]> {
    const key = `pending:${chatUserKey(user)}`;
    return this.serialize(key, async () => {
      const list = (await this.keyv.get<PendingSave[]>(key)) ?? [];
      if (list.length > 0) await this.keyv.delete(key);
      return list;
    });
  }
}
