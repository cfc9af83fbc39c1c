import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ChatUser } from '../../../src/core/chat-user.js';
import type { NotionConnection } from '../../../src/core/connection.js';
import { createLogger, type Logger } from '../../../src/log.js';
import type { EncryptionKey } from '../../../src/store/encryption-keys.js';

/** A fresh 32-byte key and its base64, as TOKEN_ENCRYPTION_KEY would carry it. */
export function newKey(kid = 'default'): EncryptionKey & { base64: string } {
  const key = randomBytes(32);
  return { kid, key, base64: key.toString('base64') };
}

/** A logger whose JSON lines are kept for assertions. */
export function captureLogger(): { log: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogger('debug', stream);
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, text };
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'save-to-notion-store-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A namespace no other run or test shares, so tests against a shared server clean up only their keys. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export const slackUser = (userId: string, teamId = 'T0001'): ChatUser => ({
  platform: 'slack',
  teamId,
  userId,
  displayName: 'sam',
});
export const discordUser = (userId: string): ChatUser => ({ platform: 'discord', userId });

/** Tokens and names that must never show up in a dump of the store. */
export function connectionFor(user: ChatUser, tag = randomBytes(6).toString('hex')): NotionConnection {
  return {
    accessToken: `ntn_ACCESS_${tag}_secret`,
    refreshToken: `nrt_REFRESH_${tag}_secret`,
    botId: `bot-${tag}`,
    workspaceId: `ws-${tag}`,
    workspaceName: `Workspace Named ${tag}`,
    workspaceIcon: null,
    ownerUserId: `owner-${tag}`,
    duplicatedTemplateId: null,
    connectedAt: '2025-01-02T03:04:05.000Z',
    chatUser: user,
    target: {
      dataSourceId: `ds-${tag}`,
      title: 'Tweets',
      mapping: { title: 'Name', text: 'Text', link: 'Link' },
    },
  };
}
