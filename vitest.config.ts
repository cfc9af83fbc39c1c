import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests start real servers on port 0; files run in parallel, tests inside a file in order.
    pool: 'forks',
    env: { LOG_LEVEL: 'silent' },
  },
});
