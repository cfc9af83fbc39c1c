import { describe, expect, it } from 'vitest';
import { createCore, MAX_WAITING_PER_USER } from '../../../src/core/create-core.js';
import type { NotionGateway, SaveIndex } from '../../../src/core/ports.js';
import { MemorySaveJobQueue } from '../../../src/store/jobs/memory-save-job-queue.js';
import { memoryClaims, memoryConnections, memoryPending, sam, silent } from './fakes.js';

const kim = { ...sam, userId: 'U2', displayName: 'kim' };

function core(commandLimiter?: { take(key: string): Promise<number> }) {
  const saveIndex: SaveIndex = {
    find: async () => undefined,
    findByPage: async () => undefined,
    remember: async () => undefined,
    forget: async () => undefined,
  };
  // Not started: accepted jobs stay waiting, as while Notion holds them back.
  const jobs = new MemorySaveJobQueue();
  const c = createCore({
    connections: memoryConnections(),
    linkTokens: { put: async () => undefined, peek: async () => undefined, take: async () => undefined },
    liveLinks: { get: async () => undefined, set: async () => undefined },
    claims: memoryClaims(),
    saveIndex,
    pendingSaves: memoryPending(),
    notion: {} as NotionGateway,
    tweetProviders: { lookup: async () => undefined },
    jobs,
    commandLimiter,
    log: silent,
    publicUrl: () => 'https://bot.example',
  });
  return { core: c, jobs };
}

describe('fair use (issue 10 item 6)', () => {
  it('caps the saves one user has waiting with a "slow down" answer; another user is not held back', async () => {
    const { core: c, jobs } = core();
    for (let i = 0; i < MAX_WAITING_PER_USER; i++) {
      expect(await c.saveTweet(sam, { text: `https://x.com/jack/status/${1000 + i}` })).toHaveProperty('jobKey');
    }
    expect(await c.saveTweet(sam, { text: 'https://x.com/jack/status/9' })).toEqual({
      outcome: { kind: 'slow_down', waiting: MAX_WAITING_PER_USER },
    });
    expect(await c.saveTweet(kim, { text: 'https://x.com/jack/status/9' })).toHaveProperty('jobKey');
    expect((await jobs.stats()).waiting).toBe(MAX_WAITING_PER_USER + 1);
  });

  it('a user over the per-user request rate gets "slow down" and nothing is queued', async () => {
    const { core: c, jobs } = core({ take: async (key) => (key.includes(':U1') ? 30_000 : 0) });
    expect(await c.saveTweet(sam, { text: 'https://x.com/jack/status/20' })).toEqual({
      outcome: { kind: 'slow_down', waiting: 0 },
    });
    expect(await c.saveTweet(kim, { text: 'https://x.com/jack/status/20' })).toHaveProperty('jobKey');
    expect((await jobs.stats()).waiting).toBe(1);
  });
});
