import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpRequestsInFlight } from '../../../src/http/requests-in-flight.js';

/** Enough of a response for the counter: it only listens for 'close'. */
const response = () => new EventEmitter() as unknown as ServerResponse;

afterEach(() => vi.useRealTimers());

describe('HttpRequestsInFlight', () => {
  it('a lull with no request being answered is now', async () => {
    await new HttpRequestsInFlight().lull(60_000);
  });

  it('a lull comes when the last request being answered closes', async () => {
    const requests = new HttpRequestsInFlight();
    const [a, b] = [response(), response()];
    requests.track(a);
    requests.track(b);
    let lulled = false;
    const lull = requests.lull(60_000).then(() => (lulled = true));
    a.emit('close');
    await Promise.resolve();
    expect(lulled).toBe(false);
    b.emit('close');
    await lull;
  });

  it('waits no longer than it was told, however busy', async () => {
    vi.useFakeTimers();
    const requests = new HttpRequestsInFlight();
    requests.track(response());
    let lulled = false;
    const lull = requests.lull(1_000).then(() => (lulled = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(lulled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await lull;
  });
});
