/**
 * The gateway half of the fake: a WebSocket server speaking Discord's gateway
 * protocol v10, JSON encoding (gateway.mdx): HELLO, IDENTIFY (token and intents
 * checked), heartbeats, READY, dispatches with sequence numbers, RESUME with replay.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { sessionId as newSessionId } from './ids.js';
import type { FakeUser } from './objects.js';

/** GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT: must be enabled in the Developer Portal. */
export const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);

export interface IdentifyRecord {
  intents: number;
  shard: unknown;
  properties: unknown;
  compress: unknown;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  /** Every dispatch, for replay on RESUME. */
  events: { s: number; t: string; d: unknown }[];
  socket: WebSocket | undefined;
}

export interface GatewayOptions {
  token: string;
  botUser: FakeUser;
  applicationId: string;
  /** ms; Discord uses ~41250. */
  heartbeatInterval: number;
  /** Privileged intents this application has enabled in the portal (none by default). */
  allowedPrivilegedIntents: number;
  baseUrl: () => string;
}

export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  /** The session the bot is connected with (the latest READY or RESUMED). */
  private active: Session | undefined;
  readonly identifies: IdentifyRecord[] = [];
  /** Close codes the fake sent, e.g. 4004 for a bad token. */
  readonly closes: number[] = [];
  readyCount = 0;
  resumeCount = 0;
  heartbeats = 0;
  connections = 0;

  constructor(private readonly options: GatewayOptions) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/gateway' && url.pathname !== '/resume') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  /** True while a session is connected and has said READY or RESUMED. */
  get connected(): boolean {
    return this.active?.socket?.readyState === WebSocket.OPEN;
  }

  get intents(): number | undefined {
    return this.active?.intents;
  }

  private send(ws: WebSocket, payload: Record<string, unknown>): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
  }

  private closeWith(ws: WebSocket, code: number, reason: string): void {
    this.closes.push(code);
    ws.close(code, reason);
  }

  private onConnection(ws: WebSocket, url: URL): void {
    this.connections++;
    if (url.searchParams.get('v') !== '10') return this.closeWith(ws, 4012, 'Invalid API version');
    if (url.searchParams.get('encoding') !== 'json') return this.closeWith(ws, 4002, 'Decode error');
    if (url.searchParams.has('compress')) return this.closeWith(ws, 4002, 'Decode error (the fake does not compress)');
    let session: Session | undefined;
    this.send(ws, {
      op: 10,
      d: { heartbeat_interval: this.options.heartbeatInterval, _trace: ['["fake-gateway",{"micros":0}]'] },
      s: null,
      t: null,
    });

    ws.on('message', (raw, isBinary) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
      } catch {
        return this.closeWith(ws, 4002, 'Decode error');
      }
      switch (payload.op) {
        case 1:
          this.heartbeats++;
          return this.send(ws, { op: 11, d: null, s: null, t: null });
        case 2: {
          if (session) return this.closeWith(ws, 4005, 'Already authenticated');
          const d = (payload.d ?? {}) as {
            token?: unknown;
            intents?: unknown;
            shard?: unknown;
            properties?: unknown;
            compress?: unknown;
          };
          if (d.token !== this.options.token) return this.closeWith(ws, 4004, 'Authentication failed');
          if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0)
            return this.closeWith(ws, 4013, 'Invalid intent(s)');
          if (d.intents & PRIVILEGED_INTENTS & ~this.options.allowedPrivilegedIntents)
            return this.closeWith(ws, 4014, 'Disallowed intent(s)');
          if (d.shard !== undefined && JSON.stringify(d.shard) !== '[0,1]')
            return this.closeWith(ws, 4010, 'Invalid shard');
          this.identifies.push({ intents: d.intents, shard: d.shard, properties: d.properties, compress: d.compress });
          session = { id: newSessionId(), seq: 0, intents: d.intents, events: [], socket: ws };
          this.sessions.set(session.id, session);
          this.active = session;
          this.readyCount++;
          const base = this.options.baseUrl().replace(/^http/, 'ws');
          this.dispatchTo(session, 'READY', {
            v: 10,
            user: { ...this.options.botUser, verified: true, mfa_enabled: false, flags: 0, email: null },
            guilds: [],
            session_id: session.id,
            session_type: 'normal',
            resume_gateway_url: `${base}/resume`,
            shard: [0, 1],
            application: { id: this.options.applicationId, flags: 0 },
            user_settings: {},
            private_channels: [],
            presences: [],
            relationships: [],
            guild_join_requests: [],
            geo_ordered_rtc_regions: [],
            _trace: ['["fake-gateway",{"micros":0}]'],
          });
          return;
        }
        case 6: {
          const d = (payload.d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
          if (d.token !== this.options.token) return this.closeWith(ws, 4004, 'Authentication failed');
          const found = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
          if (!found || typeof d.seq !== 'number' || d.seq > found.seq) {
            // Not resumable: op 9 with d=false tells the client to identify anew.
            return this.send(ws, { op: 9, d: false, s: null, t: null });
          }
          if (found.socket && found.socket !== ws) found.socket.terminate();
          session = found;
          found.socket = ws;
          this.active = found;
          this.resumeCount++;
          for (const event of found.events.filter((e) => e.s > (d.seq as number))) {
            this.send(ws, { op: 0, s: event.s, t: event.t, d: event.d });
          }
          this.dispatchTo(found, 'RESUMED', { _trace: ['["fake-gateway",{"micros":0}]'] });
          return;
        }
        case 3: // presence update
        case 4: // voice state
        case 8: // request guild members
          if (!session) return this.closeWith(ws, 4003, 'Not authenticated');
          return;
        default:
          return this.closeWith(ws, 4001, 'Unknown opcode');
      }
    });
    ws.on('close', () => {
      if (session?.socket === ws) session.socket = undefined;
    });
  }

  private dispatchTo(session: Session, t: string, d: unknown): number {
    const s = ++session.seq;
    if (t !== 'READY' && t !== 'RESUMED') session.events.push({ s, t, d });
    if (session.socket) this.send(session.socket, { op: 0, s, t, d });
    return s;
  }

  /**
   * Sends an event on the active session (queued for replay if the socket is down,
   * as Discord does until the session expires). Returns false when `intent` is not
   * subscribed, because Discord would not send it either.
   */
  dispatch(t: string, d: unknown, intent?: number): boolean {
    const session = this.active;
    if (!session) throw new Error(`fake gateway: no session to dispatch ${t} on (is the bot logged in?)`);
    if (intent !== undefined && (session.intents & intent) === 0) return false;
    this.dispatchTo(session, t, d);
    return true;
  }

  /**
   * Drops the bot's connection. Without a code the TCP connection just dies (as on a
   * network failure; the client resumes); with 1000 the client starts a new session;
   * 4000 asks it to resume; 4004 is terminal.
   */
  dropConnection(code?: number): void {
    const socket = this.active?.socket;
    if (!socket) throw new Error('fake gateway: nothing connected to drop');
    if (code === undefined) socket.terminate();
    else this.closeWith(socket, code, 'dropped by test');
  }

  /** Asks the client to reconnect and resume (op 7), as Discord does before maintenance. */
  requestReconnect(): void {
    const socket = this.active?.socket;
    if (!socket) throw new Error('fake gateway: nothing connected');
    this.send(socket, { op: 7, d: null, s: null, t: null });
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
