/* global process, console */
// Compiles src/ to dist/ (what `npm start` runs) when a source file is newer than the last build, and copies the
// files the product reads at run time (the sandbox page's HTML, CSS and JS). Type errors are `npm test`'s job, so
// the build only emits (`--noCheck`): a start never waits for a full type check.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.built');
const force = process.argv.includes('--force');

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const inputs = Math.max(
  newestIn(src),
  ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs),
);
if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= inputs) process.exit(0);

execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--noCheck'],
  {
    stdio: 'inherit',
  },
);
cpSync(src, dist, {
  recursive: true,
  filter: (from) => statSync(from).isDirectory() || !from.endsWith('.ts'),
});
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.error(`save-to-notion: built ${relative(root, dist)}/`);
