import { readFileSync } from 'node:fs';

/**
 * Connections the kernel has completed for a listening port that the process has not accepted yet: a LISTEN
 * socket's rx_queue in /proc/net/tcp and /proc/net/tcp6. Undefined without /proc (not Linux).
 */
export function acceptBacklog(port: number): number | undefined {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let found: number | undefined;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
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

export interface BacklogFigures {
  /** Most connections waiting to be accepted at one sample. */
  max: number;
  /** How long (sampled) at least one connection waited. */
  waitingMs: number;
}

/**
 * Samples the accept backlog of `port` every `everyMs` until stopped. It tells a wait in the app's own accept
 * queue (the app's event loop not coming round to accept) from the app's handling time.
 */
export function sampleAcceptBacklog(port: number, everyMs = 10): { stop(): BacklogFigures | undefined } {
  let max = 0;
  let waiting = 0;
  let supported = acceptBacklog(port) !== undefined;
  const timer = setInterval(() => {
    const n = acceptBacklog(port);
    if (n === undefined) {
      supported = false;
      return;
    }
    max = Math.max(max, n);
    if (n > 0) waiting++;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return supported ? { max, waitingMs: waiting * everyMs } : undefined;
    },
  };
}
