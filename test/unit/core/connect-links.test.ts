import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { createConnectLinks, LINK_TTL_MS } from '../../../src/core/connect-links.js';
import { KeyvLiveLinks } from '../../../src/store/keyv-live-links.js';
import { KeyvOneTimeStore } from '../../../src/store/keyv-one-time-store.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { newKey } from '../store/helpers.js';

const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam', workspaceName: 'Acme' };
const kim: ChatUser = { platform: 'discord', userId: '80351110224678912', displayName: 'kim' };

function setup() {
  const keyv = new Keyv();
  let at = Date.parse('2030-01-01T00:00:00Z');
  const linkTokens = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
  const connectLink = createConnectLinks({
    linkTokens,
    liveLinks: new KeyvLiveLinks({ keyv, cipher: createTokenCipher([newKey('k1')]) }),
    publicUrl: () => 'https://bot.example',
    now: () => new Date(at),
  });
  const tokenOf = (url: string) => new URL(url).searchParams.get('t')!;
  return { connectLink, linkTokens, tokenOf, advance: (ms: number) => void (at += ms) };
}

describe('connect links', () => {
  it('shows a live, unused link again, with its own expiry, and keeps users apart', async () => {
    const { connectLink } = setup();
    const first = await connectLink(sam);
    const again = await connectLink(sam);
    expect(again).toEqual(first);
    expect(first.url).toMatch(/^https:\/\/bot\.example\/oauth\/notion\/start\?t=[A-Za-z0-9_-]{43}$/);
    expect((await connectLink(kim)).url).not.toBe(first.url);
  });

  it('makes a new link once the old one was used', async () => {
    const { connectLink, linkTokens, tokenOf } = setup();
    const first = await connectLink(sam);
    await linkTokens.take(tokenOf(first.url));
    expect((await connectLink(sam)).url).not.toBe(first.url);
  });

  it("makes a new link when less than half the old one's life is left (none about to expire)", async () => {
    const { connectLink, advance } = setup();
    const first = await connectLink(sam);
    advance(LINK_TTL_MS / 2 - 1);
    expect((await connectLink(sam)).url).toBe(first.url);
    advance(2);
    const second = await connectLink(sam);
    expect(second.url).not.toBe(first.url);
    expect(second.expiresAt.getTime() - first.expiresAt.getTime()).toBe(LINK_TTL_MS / 2 + 1);
  });

  it('makes a new link when the platform now names the user or workspace differently', async () => {
    const { connectLink } = setup();
    const first = await connectLink(sam);
    expect((await connectLink({ ...sam, workspaceName: 'Acme Corp' })).url).not.toBe(first.url);
  });
});
