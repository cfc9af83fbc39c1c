import { spawn, type ChildProcess } from 'node:child_process';
import type { Server as HttpServer } from 'node:http';
import { Server as NetServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';

/**
 * The child's whole program: take the listening socket's handle once, hand it back `n` times, exit. Each hand-over
 * arrives as a new descriptor of the same socket (SCM_RIGHTS); Node 20 has no other way to duplicate one (`reusePort`
 * is 22.12+). The handle goes raw, not as a net.Server: the child must never listen on it, or it would accept (and,
 * exiting, drop) connections meant for the server.
 */
const RELAY = `
process.once('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), 10000).unref();
process.once('message', (n, handle) => {
  let left = Number(n);
  const next = () => {
    if (left-- > 0) return process.send('handle', handle, next);
    handle.close();
    process.disconnect();
  };
  next();
});`;

export interface AcceptHandles {
  /** Resolves with how many handles accept connections (the server's own included) once the relay has ended. */
  ready: Promise<number>;
  /** Stops the extra handles and resolves once the connections they accepted have closed. */
  close(): Promise<void>;
}

/**
 * More handles accepting on `server`'s listening socket. libuv accepts one connection per handle per event-loop
 * turn, so a process busy with requests lets a burst of new connections wait in the kernel's queue, turn after
 * turn (issue 13: a load opening 100 connections at once had its last accepted 1.5 s later). Every handle becomes
 * readable with the same queue, so `count` handles accept up to `count` connections a turn. The connections they
 * accept are handed to `server` as its own, and `maxConnections` bounds them all together (see `setLimit`).
 */
export function addAcceptHandles(
  server: HttpServer,
  opts: { count: number; maxConnections: number; log: Logger; execPath?: string },
): AcceptHandles {
  const extras: Server[] = [];
  let open = 0;
  let handedIn = 0;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  // `server` counts only what its own handle accepted: its limit leaves room for the connections handed in. Node
  // reads 0 as "no limit", so its handle may take one connection over the bound when the others hold all of it.
  const setLimit = () => (server.maxConnections = Math.max(1, opts.maxConnections - handedIn));
  setLimit();
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
  });

  const take = (extra: Server) => {
    if (closing) {
      extra.close();
      return;
    }
    extras.push(extra);
    extra.on('connection', (socket: Socket) => {
      if (open >= opts.maxConnections) {
        socket.destroy();
        return;
      }
      handedIn++;
      setLimit();
      socket.once('close', () => {
        handedIn--;
        setLimit();
        if (handedIn === 0) drained?.();
      });
      server.emit('connection', socket);
    });
  };

  let child: ChildProcess | undefined;
  const ready = new Promise<number>((resolve) => {
    const wanted = opts.count - 1;
    if (wanted < 1) return resolve(1);
    let ended = false;
    const done = (err?: unknown) => {
      if (ended) return;
      ended = true;
      child = undefined;
      // Killed by `close`: nothing to report.
      if (!closing) {
        if (err) opts.log.warn({ event: 'http.accept_handles_failed', err }, 'accepting on one handle only');
        else opts.log.debug({ event: 'http.accept_handles', handles: extras.length + 1 }, 'more handles');
      }
      resolve(extras.length + 1);
    };
    try {
      // No environment and no flags of this process: the child needs nothing of either, least of all its secrets.
      child = spawn(opts.execPath ?? process.execPath, ['-e', RELAY], {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        env: {},
      });
    } catch (err) {
      return done(err);
    }
    child.on('message', (_msg: unknown, handle: unknown) => {
      if (handle) take(new NetServer().listen(handle));
    });
    child.once('error', done);
    child.once('exit', () => done(extras.length === wanted ? undefined : new Error('relay ended early')));
    // The server's own handle (what `net.Server` sends when given to `send`, here without making the child listen).
    const listening = (server as unknown as { _handle: Parameters<ChildProcess['send']>[1] })._handle;
    child.send(String(wanted), listening, (err) => err && done(err));
  });

  return {
    ready,
    close() {
      closing ??= (async () => {
        child?.kill();
        for (const extra of extras) extra.close();
        await ready; // a handle still arriving is closed as it comes (see `take`)
        if (handedIn > 0) await new Promise<void>((resolve) => (drained = resolve));
      })();
      return closing;
    },
  };
}
