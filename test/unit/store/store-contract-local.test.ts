import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './helpers.js';
import { defineStoreContract } from './store-contract.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

defineStoreContract({ label: 'memory', url: () => 'memory://', separateInstances: false });
// Two Keyvs on one file: two sqlite connections, as two processes sharing the file would have.
defineStoreContract({ label: 'sqlite', url: () => `sqlite://${join(dir.path, 'x.sqlite')}`, separateInstances: true });
