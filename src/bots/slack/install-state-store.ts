import type { InstallURLOptions, StateStore } from '@slack/bolt';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OneTimeStore } from '../../core/ports.js';

/** How long an install may take from `/slack/install` to Slack's redirect back (Bolt's cookie lives as long). */
export const INSTALL_STATE_TTL_SECONDS = 600;

/**
 * @slack/oauth maps its failure pages on these codes; a state this store refuses is reported as
 * Bolt's own "invalid state" (ErrorCode.InvalidStateError).
 */
export class InstallStateRefusedError extends Error {
  override readonly name = 'InvalidStateError';
  readonly code = 'slack_oauth_invalid_state';
}

const STATE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/**
 * Bolt's StateStore for the install flow: each `state` is 32 random bytes plus an HMAC of them under
 * SLACK_STATE_SECRET, remembered in the shared store for 10 minutes and taken on use. So a forged
 * state fails the MAC without a store read, a replayed one (even with its cookie) finds nothing, and
 * any instance can finish an install another one started. Bolt checks the browser cookie before.
 */
export function createInstallStateStore(options: {
  stateSecret: string;
  states: OneTimeStore<Record<string, unknown>>;
}): StateStore {
  const mac = (nonce: string) =>
    createHmac('sha256', options.stateSecret).update(`slack-install-state:${nonce}`).digest('base64url');

  return {
    async generateStateParam(installOptions: InstallURLOptions): Promise<string> {
      const nonce = randomBytes(32).toString('base64url');
      await options.states.put(
        nonce,
        { installOptions: JSON.parse(JSON.stringify(installOptions)) as unknown },
        INSTALL_STATE_TTL_SECONDS * 1000,
      );
      return `${nonce}.${mac(nonce)}`;
    },

    async verifyStateParam(_now: Date, state: string): Promise<InstallURLOptions> {
      const m = STATE.exec(state);
      if (!m) throw new InstallStateRefusedError('the install state is malformed');
      const expected = Buffer.from(mac(m[1]!));
      const given = Buffer.from(m[2]!);
      if (expected.length !== given.length || !timingSafeEqual(expected, given))
        throw new InstallStateRefusedError('the install state was not issued here');
      const entry = await options.states.take(m[1]!);
      if (!entry) throw new InstallStateRefusedError('the install state has expired or was already used');
      return entry.installOptions as InstallURLOptions;
    },
  };
}
