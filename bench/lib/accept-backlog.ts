import { readFile } from 'node:fs/promises';

/** Connections completed by the kernel for a listening port and not yet accepted by the process. */
export interface BacklogFigures {
  /** Most connections waiting at one sample. */
  max: number;
  /** How long (sampled) at least one connection waited. */
  waitingMs: number;
  samples: number;
}

/**
 * The accept backlog of `port`: a LISTEN socket's rx_queue in /proc/net/tcp and /proc/net/tcp6 (Linux). Undefined
 * without /proc. Read asynchronously: the kernel writes every socket of the namespace into those files (about 9 ms
 * for 1,000 sockets here), which read synchronously would stall the bench process and the emulations it hosts.
 */
export async function acceptBacklog(port: number): Promise<number | undefined> {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let found: number | undefined;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      // f[1] local address, f[3] state (0A: LISTEN), f[4] tx_queue:rx_queue
      if (f[3] !== '0A' || !f[1]?.endsWith(local)) continue;
      found = (found ?? 0) + parseInt(f[4]?.split(':')[1] ?? '0', 16);
    }
  }
  return found;
}

/**
 * Samples the accept backlog of `port` every `everyMs` until stopped: a wait in the app's accept queue (its event
 * loop not coming round to accept) rather than in its handling. Off unless asked for (`--accept-queue`): the reads
 * cost CPU on the cores the app is measured on.
 */
export function sampleAcceptBacklog(port: number, everyMs = 50): { stop(): Promise<BacklogFigures | undefined> } {
  let max = 0;
  let waiting = 0;
  let samples = 0;
  let supported = true;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && supported) {
      const n = await acceptBacklog(port);
      if (n === undefined) supported = false;
      else {
        samples++;
        max = Math.max(max, n);
        if (n > 0) waiting++;
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return supported && samples > 0 ? { max, waitingMs: waiting * everyMs, samples } : undefined;
    },
  };
}
