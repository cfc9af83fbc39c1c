import type { Keyv } from 'keyv';
import { StoreDecryptError } from '../core/errors.js';
import { CONNECTION_PREFIX } from './keyv-connection-store.js';
import { isPendingList, PENDING_PREFIX } from './keyv-pending-saves.js';
import { isSavedRecord, SAVE_INDEX_PREFIXES } from './keyv-save-index.js';
import { openRecord, rewriteIfUnchanged, sealRecord } from './sealed-records.js';
import type { TokenCipher } from './token-cipher.js';

/** The encrypted kinds of record, by what they hold. */
export type RecordKind = 'connections' | 'savedTweets' | 'keptSaves';

/** Per kind: how many were rewritten under the first key, already were, or could not be read. */
export interface KindCounts {
  reencrypted: number;
  current: number;
  /** Encrypted under no key in the list (or damaged): retiring a key cannot make them worse, but check first. */
  unreadable: number;
  /** Changed by the product on every try while this ran; the product writes under the first key anyway. */
  busy: number;
}

export type RotationReport = Record<RecordKind, KindCounts>;

/** How a record of one kind is read and written back; `undefined` for keys that hold nothing encrypted. */
interface Codec {
  kind: RecordKind;
  /** The stored value re-sealed under the first key, or `undefined` when it already is. */
  reseal(cipher: TokenCipher, key: string, stored: unknown): string | undefined;
}

const connectionCodec: Codec = {
  kind: 'connections',
  reseal(cipher, key, stored) {
    if (typeof stored !== 'string') throw new StoreDecryptError();
    // The plaintext is carried over as it is: rotation changes the key, nothing else.
    const { plaintext, stale } = cipher.decrypt(stored, key);
    return stale ? cipher.encrypt(plaintext, key) : undefined;
  },
};

function recordCodec<T>(kind: RecordKind, isValid: (value: unknown) => value is T): Codec {
  return {
    kind,
    reseal(cipher, key, stored) {
      const { value, stale } = openRecord(cipher, key, stored, isValid);
      return stale ? sealRecord(cipher, key, value) : undefined;
    },
  };
}

const savedCodec = recordCodec('savedTweets', isSavedRecord);
const pendingCodec = recordCodec('keptSaves', isPendingList);

function codecFor(key: string): Codec | undefined {
  if (key.startsWith(CONNECTION_PREFIX)) return connectionCodec;
  if (SAVE_INDEX_PREFIXES.some((p) => key.startsWith(p))) return savedCodec;
  if (key.startsWith(PENDING_PREFIX)) return pendingCodec;
  return undefined;
}

const TRIES = 3;

/**
 * Re-encrypts every encrypted record in the store (connections, the saved-tweet index, kept saves)
 * under the cipher's first key, and encrypts those older versions kept in clear, so that every
 * other key can then be removed. Keeps each record's time to live; never overwrites a record the
 * product changed meanwhile (it is read again). Idempotent: a second run finds everything current.
 * Reports counts only: no key, value or store key leaves this function.
 */
export async function rotateKeys(keyv: Keyv, cipher: TokenCipher): Promise<RotationReport> {
  if (typeof keyv.iterator !== 'function') throw new Error('this store cannot list its records');
  const report: RotationReport = {
    connections: { reencrypted: 0, current: 0, unreadable: 0, busy: 0 },
    savedTweets: { reencrypted: 0, current: 0, unreadable: 0, busy: 0 },
    keptSaves: { reencrypted: 0, current: 0, unreadable: 0, busy: 0 },
  };
  // Keys first, then the rewrites: a store's listing may page by offset, and a rewrite can move a row.
  const keys: string[] = [];
  for await (const [key] of keyv.iterator(undefined) as AsyncIterable<[string, unknown]>) {
    if (codecFor(key)) keys.push(key);
  }
  for (const key of keys) {
    const codec = codecFor(key)!;
    const counts = report[codec.kind];
    let outcome: keyof KindCounts | undefined;
    for (let attempt = 0; attempt < TRIES && outcome === undefined; attempt++) {
      const stored: unknown = await keyv.get(key);
      if (stored === undefined || stored === null) break; // deleted meanwhile: nothing to rotate
      let resealed: string | undefined;
      try {
        resealed = codec.reseal(cipher, key, stored);
      } catch (e) {
        if (!(e instanceof StoreDecryptError)) throw e;
        outcome = 'unreadable';
        break;
      }
      if (resealed === undefined) outcome = 'current';
      else if (await rewriteIfUnchanged(keyv, key, stored, resealed)) outcome = 'reencrypted';
    }
    if (outcome !== undefined) counts[outcome]++;
    else if ((await keyv.get(key)) !== undefined) counts.busy++;
  }
  return report;
}
