import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrantStore } from './grants.js';
import type { ConnectionRateLimiter } from './rate-limit.js';
import type { ContentStore } from './state.js';

/** One received request as kept for test assertions; never a body, token or code. */
export interface RequestLogEntry {
  method: string;
  path: string;
  grantType?: string;
  at: number;
  /** The HTTP status answered, and when (same clock as `at`); set once the response is sent. */
  status?: number;
  finishedAt?: number;
}

/** Everything the route handlers share. */
export interface SandboxContext {
  content: ContentStore;
  grants: GrantStore;
  /** Pending forced 429s for API calls. */
  rateLimit: { remaining: number; retryAfterSeconds: number };
  /** While true, API calls answer 503 service_unavailable. */
  outage: boolean;
  /** Per-connection average-rate limit for API calls; absent = unlimited (the default). */
  limiter?: ConnectionRateLimiter;
  /** API calls are carried out at once and answered this many ms later; 0 = none. */
  latencyMs: number;
  requests: RequestLogEntry[];
}

/** One request in flight. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  log: RequestLogEntry;
}
