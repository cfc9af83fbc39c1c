import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = fileURLToPath(new URL('./product-main.ts', import.meta.url));

export interface ProductProcess {
  url: string;
  child: ChildProcess;
  /** Every log line (JSON) the process wrote. */
  logs: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts the product in its own Node process (port 0 on 127.0.0.1) and resolves once it listens. */
export async function spawnProduct(env: Record<string, string>): Promise<ProductProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        logs.push(line);
        try {
          const parsed = JSON.parse(line) as { event?: string; port?: number };
          if (parsed.event === 'started' && parsed.port) resolve(parsed.port);
        } catch {
          // not JSON: keep it in the logs
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    void exited.then((code) => reject(new Error(`product exited (${code}) before listening:\n${logs.join('\n')}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, logs, exited };
}
