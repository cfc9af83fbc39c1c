import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface SpawnedProduct {
  child: ChildProcess;
  port: number;
  /** Every line the process wrote to stdout and stderr so far. */
  output: string[];
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the product as `npm start` does (`src/main.ts` as its own process), in an empty working directory so no
 * developer's `.env` applies, and resolves once it logs the port it listens on.
 */
export async function spawnProduct(env: Record<string, string> = {}): Promise<SpawnedProduct> {
  const cwd = mkdtempSync(join(tmpdir(), 'save-to-notion-'));
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      STORE_URL: 'memory://',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      NOTION_CLIENT_ID: 'spawned-client-id',
      NOTION_CLIENT_SECRET: 'spawned-client-secret',
      NOTION_API_URL: 'http://127.0.0.1:9',
      TWEET_OEMBED_URL: 'http://127.0.0.1:9/oembed',
      // Nothing listens there: no test reaches the real FxTwitter API.
      FXTWITTER_API_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        const port = /"event":"started".*?"port":(\d+)/.exec(line)?.[1];
        if (port) resolve(Number(port));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`product exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  return {
    child,
    port,
    output,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
