import type { IncomingHttpHeaders } from 'node:http';

const EMPTY = Buffer.alloc(0);

function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

/**
 * A `Response` whose body is already in memory, for outboundFetch. Node 20's `new Response(body)` wraps the body in a
 * WHATWG ReadableStream (a transferable object, ~80 µs of CPU here) although the product's callers only read it whole
 * with `text()` or `json()`; a save makes three such calls (issue 13's profile). So the body is read from the buffer,
 * the Headers are built when first asked for, and a real Response is made only for what needs one: `body` as a
 * stream, `blob()`, `formData()`, `clone()`. Reading twice is refused as fetch refuses it.
 */
export class BufferedResponse implements Response {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic' as const;
  private read = false;
  private made: Response | undefined;
  private madeHeaders: Headers | undefined;

  constructor(
    private readonly content: Buffer | null,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: IncomingHttpHeaders,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  get headers(): Headers {
    return (this.madeHeaders ??= headersOf(this.rawHeaders));
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.whatwg().body;
  }

  get bodyUsed(): boolean {
    return this.made ? this.made.bodyUsed : this.read;
  }

  async text(): Promise<string> {
    if (this.made) return this.made.text();
    // fetch decodes UTF-8 and drops a byte order mark.
    const text = this.take().toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.made) return new Uint8Array(await this.made.arrayBuffer());
    return new Uint8Array(this.take());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  blob(): Promise<Blob> {
    return this.whatwg().blob();
  }

  formData(): Promise<FormData> {
    return this.whatwg().formData();
  }

  clone(): Response {
    return this.whatwg().clone();
  }

  private take(): Buffer {
    if (this.read) throw new TypeError('Body is unusable: Body has already been read');
    this.read = true;
    return this.content ?? EMPTY;
  }

  /** The real Response, made once; after a read its body is a used one, as it would be. */
  private whatwg(): Response {
    if (this.made) return this.made;
    const init = { status: this.status, statusText: this.statusText, headers: this.headers };
    this.made = new Response(this.content === null ? null : this.read ? EMPTY : this.content, init);
    if (this.read && this.content !== null) void this.made.arrayBuffer();
    return this.made;
  }
}
