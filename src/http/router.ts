import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** Exact-path routes for the product's one HTTP server. Adapters add theirs (Slack: POST /slack/events). */
export class Router {
  private readonly routes = new Map<string, RouteHandler>();

  add(method: string, path: string, handler: RouteHandler): this {
    const key = `${method.toUpperCase()} ${path}`;
    if (this.routes.has(key)) throw new Error(`route ${key} is already taken`);
    this.routes.set(key, handler);
    return this;
  }

  /** Whether any method has a route at `path`. */
  has(path: string): boolean {
    for (const key of this.routes.keys()) if (key.endsWith(` ${path}`)) return true;
    return false;
  }

  /** `undefined` when the path is unknown; `'method'` when it exists for other methods. */
  match(method: string, path: string): RouteHandler | 'method' | undefined {
    const found = this.routes.get(`${method.toUpperCase()} ${path}`);
    if (found) return found;
    if (method.toUpperCase() === 'HEAD') return this.routes.get(`GET ${path}`);
    for (const key of this.routes.keys()) if (key.endsWith(` ${path}`)) return 'method';
    return undefined;
  }
}
