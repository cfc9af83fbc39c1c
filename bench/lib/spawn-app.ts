import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** An app under test, running as its own process with its output going to a log file (as in production). */
export interface RunningApp {
  pid: number;
  port: number;
  /** The first log line, parsed: the product's `started` line carries `redirectUri`. */
  started: Record<string, unknown>;
  logPath: string;
  /** Log lines written so far. */
  logLines(): number;
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` in `cwd` with exactly `env` (nothing inherited but PATH, so neither the harness's
 * NODE_OPTIONS nor a developer's variables reach it), writing stdout and stderr to `logPath`, and resolves once a
 * line with `"event":"started"` and a `"port"` appears there.
 */
export async function spawnApp(opts: {
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logPath: string;
  timeoutMs?: number;
}): Promise<RunningApp> {
  const fd = openSync(opts.logPath, 'w');
  const child: ChildProcess = spawn(process.execPath, opts.args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exitCode: number | string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal ?? -1;
      resolve();
    }),
  );
  const read = () => readFileSync(opts.logPath, 'utf8');
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const line = read()
      .split('\n')
      .find((l) => /"event":"started"/.test(l) && /"port":\d+/.test(l));
    if (line) {
      const started = JSON.parse(line) as Record<string, unknown>;
      return {
        pid: child.pid!,
        port: Number(started.port),
        started,
        logPath: opts.logPath,
        logLines: () => read().split('\n').length - 1,
        async stop() {
          if (exitCode === undefined) child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(force);
        },
      };
    }
    if (exitCode !== undefined)
      throw new Error(`${opts.args.join(' ')} exited (${exitCode}) before listening:\n${read().slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${opts.args.join(' ')} did not start within ${opts.timeoutMs ?? 60_000} ms:\n${read().slice(-4000)}`,
      );
    }
    await sleep(50);
  }
}
