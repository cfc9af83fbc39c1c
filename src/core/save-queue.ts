import { AsyncResource } from 'node:async_hooks';

/**
 * Where saves wait for Notion. Adapters answer the platform first and report the result
 * when the task settles. In-process for now; a durable implementation can replace it.
 */
export interface SaveQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves when nothing is queued or running (graceful shutdown). */
  drain(): Promise<void>;
}

/**
 * Runs at most `concurrency` tasks at once, first come first served. A task runs in its caller's
 * async context (so its log lines keep the caller's requestId), not in the one that freed a slot.
 */
export function createInProcessQueue(concurrency = 8): SaveQueue {
  let running = 0;
  const waiting: (() => void)[] = [];
  const idleWaiters: (() => void)[] = [];

  const next = () => {
    if (running < concurrency && waiting.length > 0) {
      running++;
      waiting.shift()!();
    } else if (running === 0 && waiting.length === 0) {
      idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  };

  return {
    run(task) {
      return new Promise((resolve, reject) => {
        waiting.push(AsyncResource.bind(() => {
          task()
            .then(resolve, reject)
            .finally(() => {
              running--;
              next();
            });
        }));
        next();
      });
    },
    drain() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
