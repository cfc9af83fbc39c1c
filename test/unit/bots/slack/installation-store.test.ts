import type { Installation } from '@slack/bolt';
import { Keyv } from 'keyv';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSlackInstallationStore, NoInstallationError } from '../../../../src/bots/slack/installation-store.js';
import { createLogger } from '../../../../src/log.js';
import { KeyvClaimStore } from '../../../../src/store/keyv-claim-store.js';
import { KeyvWorkspaceInstallStore } from '../../../../src/store/keyv-workspace-install-store.js';
import { createTokenCipher } from '../../../../src/store/token-cipher.js';

const log = createLogger('silent');

function setup(now = { t: 1_700_000_000_000 }) {
  const keyv = new Keyv();
  const installs = new KeyvWorkspaceInstallStore({
    keyv,
    cipher: createTokenCipher([{ kid: 'k1', key: randomBytes(32) }]),
    log,
  });
  const claims = new KeyvClaimStore({ keyv });
  const make = () =>
    createSlackInstallationStore({
      installs,
      claims,
      log,
      now: () => now.t,
      sleep: async () => {
        now.t += 100;
      },
    });
  return { keyv, installs, make, now };
}

const team = (id: string, token: string, extra: Partial<NonNullable<Installation['bot']>> = {}): Installation => ({
  team: { id, name: id },
  enterprise: undefined,
  user: { id: 'U0', token: undefined, scopes: undefined },
  bot: { token, scopes: ['commands'], id: 'B0', userId: 'U0BOT', ...extra },
  isEnterpriseInstall: false,
  authVersion: 'v2',
});

describe('Slack installation store (Bolt adapter over the encrypted store)', () => {
  it('keys by team, or by org for org-wide installs; encrypts; deleting twice is fine', async () => {
    const { keyv, make } = setup();
    const store = make();
    await store.storeInstallation(team('T1', 'xoxb-team-one'));
    await store.storeInstallation({
      ...team('T9', 'xoxb-org'),
      team: undefined,
      enterprise: { id: 'E1', name: 'Org' },
      isEnterpriseInstall: true,
    });
    const raw = String(await keyv.get('workspace-install:slack:team:T1'));
    expect(raw).not.toContain('xoxb');
    expect(await keyv.get('workspace-install:slack:enterprise:E1')).toBeDefined();
    expect(
      (await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token,
    ).toBe('xoxb-team-one');
    expect(
      (await store.fetchInstallation({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: true })).bot?.token,
    ).toBe('xoxb-org');
    await store.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await store.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(
      store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toBeInstanceOf(NoInstallationError);
  });

  it('caches fetches briefly, drops the cache on delete, and finds an org-covered workspace token', async () => {
    const { installs, make, now } = setup();
    const store = make();
    await store.storeInstallation(team('T1', 'xoxb-1'));
    await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    // Another instance deletes it: this one's cache still answers for up to 30 s.
    await installs.delete({ platform: 'slack', scope: 'team', id: 'T1' });
    expect(
      (await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token,
    ).toBe('xoxb-1');
    now.t += 31_000;
    await expect(
      store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toBeInstanceOf(NoInstallationError);

    await store.storeInstallation({
      ...team('T0', 'xoxb-org'),
      team: undefined,
      enterprise: { id: 'E1', name: 'Org' },
      isEnterpriseInstall: true,
    });
    expect(await store.botTokenForTeam('T7')).toBeUndefined();
    await store.rememberOrg('T7', 'E1');
    expect(await make().botTokenForTeam('T7')).toBe('xoxb-org');
  });

  it('lets only one instance refresh a rotating token; the others use the still-valid one as it is', async () => {
    const { make, now } = setup();
    const [a, b] = [make(), make()];
    const expiresAt = Math.floor(now.t / 1000) + 3600; // within Bolt's 2 h refresh window, still valid
    await a.storeInstallation(team('T1', 'xoxe.xoxb-old', { refreshToken: 'xoxe-1-refresh', expiresAt }));
    const q = { teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false } as const;
    const first = await a.fetchInstallation(q);
    const second = await b.fetchInstallation(q);
    expect(first.bot?.refreshToken).toBe('xoxe-1-refresh'); // the lease holder: Bolt refreshes
    expect(second.bot).toMatchObject({ token: 'xoxe.xoxb-old', refreshToken: undefined }); // no second refresh
    await a.storeInstallation(
      team('T1', 'xoxe.xoxb-new', { refreshToken: 'xoxe-1-next', expiresAt: expiresAt + 12 * 3600 }),
    );
    expect((await b.fetchInstallation(q)).bot?.token).toBe('xoxe.xoxb-new');
  });
});
