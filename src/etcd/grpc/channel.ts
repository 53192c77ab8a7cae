// gRPC calls to one etcd member over Node's own HTTP/2, for the unary and server-streaming calls etcd
// Inspector makes. gRPC over HTTP/2 is a POST of one length-prefixed protobuf message, answered by
// length-prefixed messages and a `grpc-status` trailer; this file is that and nothing more.
//
// Why not grpc-js (through etcd3): a whole `etcd-inspector status` on a healthy 5-member cluster spent about
// 150 ms in its first refresh with grpc-js (channel, resolver, load balancer and subchannel machinery, all
// run cold once per process) against about 30 ms for the same eleven calls here, and loading grpc-js and
// etcd3 cost another 40 ms of every start. The messages are still etcd3's protos, encoded and decoded by
// protobufjs (./methods.ts).
//
// One HTTP/2 session per channel, opened on first use and dropped when it fails, closes or times out a call
// before it connected: nothing retries, nothing reconnects in the background, and a call never outlives its
// deadline.
import * as http2 from 'node:http2';
import { isIP } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { overTls, type Dialer } from '../dial';
import { secureContextOf } from '../tlsContext';

/** gRPC status codes by number, as grpc-js names them in its messages. */
const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** The largest message accepted from a member (etcd's own default send limit is math.MaxInt32; a snapshot chunk is 32 KiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A call that ended with a gRPC status other than OK; the message reads `<code> <NAME>: <details>`, as grpc-js's do. */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${STATUS_NAMES[code] ?? 'UNKNOWN'}: ${details}`);
    this.name = 'GrpcStatusError';
  }
}

/** Raised when a call did not end by its deadline. */
export class DeadlineError extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineError';
  }
}

/** TLS for a channel: the CA that verifies the member, the client certificate and key, the name to verify. */
export interface ChannelTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  serverName?: string;
}

/** A server-streaming call's messages, as a readable stream of decoded messages that can be cancelled. */
export type MessageStream = Readable & { cancel(): void };

/** Request metadata: lower-case header names and their values (etcd reads its auth token from `token`). */
export type Metadata = Record<string, string>;

/** One member's gRPC endpoint. */
export class GrpcChannel {
  private session: http2.ClientHttp2Session | undefined;
  /** A session being opened through the dialer (a route is asynchronous; a direct connect is not). */
  private opening: Promise<http2.ClientHttp2Session> | undefined;
  /** The error that ended the current session, if any: the reason its calls failed, rather than "stream cancelled". */
  private sessionError: Error | undefined;
  private closed = false;

  constructor(
    readonly endpoint: string,
    private readonly tls: ChannelTls | undefined,
    /** Another route than a direct connection (dial.ts); TLS then runs inside it. */
    private readonly dial?: Dialer,
  ) {}

  /** One request, one answer. */
  async unary(path: string, request: Uint8Array, metadata: Metadata, deadline: Date): Promise<Buffer> {
    const messages: Buffer[] = [];
    await this.call(path, request, metadata, deadline, (message) => messages.push(message));
    if (messages.length !== 1) throw new GrpcStatusError(13, `expected one response message, got ${messages.length}`);
    return messages[0];
  }

  /**
   * One request, a stream of answers (etcd's snapshot). The deadline bounds the whole stream; the stream
   * follows its reader (HTTP/2 flow control stops the member when the reader is slow).
   */
  serverStream<T>(path: string, request: Uint8Array, metadata: Metadata, deadline: Date, decode: (message: Buffer) => T): MessageStream {
    let cancel = (): void => undefined;
    let resume = (): void => undefined;
    const readable = new Readable({
      objectMode: true,
      highWaterMark: 4,
      read: () => resume(),
      destroy: (error, callback) => {
        cancel();
        callback(error);
      },
    }) as MessageStream;
    readable.cancel = () => readable.destroy();
    this.call(
      path,
      request,
      metadata,
      deadline,
      (message, stream) => {
        if (!readable.push(decode(message))) {
          stream.pause();
          resume = () => stream.resume();
        }
      },
      (c) => (cancel = c),
    ).then(
      () => readable.push(null),
      (error: unknown) => readable.destroy(error as Error),
    );
    return readable;
  }

  /**
   * An HTTP GET on the member's session. On an https client port etcd serves its HTTP handlers (`/metrics`,
   * `/health`) on the same HTTP/2 connections as gRPC, by content type, so the page costs no connection and
   * no TLS handshake of its own. Not on an http one: there etcd hands every HTTP/2 connection to gRPC.
   * A body over `maxBytes` fails the request; a status other than 200 is answered with an empty body.
   */
  async get(path: string, deadline: Date, maxBytes: number): Promise<HttpAnswer> {
    if (!this.endpoint.startsWith('https:')) throw new Error(`a GET on the gRPC session of ${this.endpoint} needs an https endpoint`);
    const { session, stream, remaining } = await this.open(deadline, () => ({ ':method': 'GET', ':path': path }), true);
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false;
      let status = 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
        if (error) reject(error);
        else resolve({ status, body: status === 200 ? Buffer.concat(chunks, bytes) : Buffer.alloc(0) });
      };
      const timer = this.deadlineTimer(session, remaining, finish);
      stream.on('response', (headers) => {
        status = Number(headers[':status']);
        if (status !== 200) finish();
      });
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes)
          finish(new Error(`${path} is larger than ${maxBytes % 1048576 === 0 ? `${maxBytes / 1048576} MiB` : `${maxBytes} bytes`}`));
        else chunks.push(chunk);
      });
      stream.on('aborted', () => finish(new Error(`${path}: the connection closed mid-answer`)));
      stream.on('error', (error: Error) => finish(this.sessionError ?? causeOf(error, stream)));
      stream.on('end', () => finish(status === 0 ? new StreamClosedError(stream.rstCode ?? 0) : undefined));
      stream.on('close', () => finish(this.sessionError ?? new StreamClosedError(stream.rstCode ?? 0)));
    });
  }

  /**
   * A request's stream on the session (opened first, by the deadline), and the time left then, which
   * `headers` is given too (gRPC sends it as grpc-timeout).
   */
  private async open(
    deadline: Date,
    headers: (remainingMs: number) => http2.OutgoingHttpHeaders,
    endStream = false,
  ): Promise<{ session: http2.ClientHttp2Session; stream: http2.ClientHttp2Stream; remaining: number }> {
    if (deadline.getTime() <= Date.now()) throw new DeadlineError();
    const session = this.dial ? await withDeadline(this.sessionFor(deadline), deadline) : await this.sessionFor(deadline);
    const remaining = deadline.getTime() - Date.now();
    if (remaining <= 0) throw new DeadlineError();
    const stream = session.request(
      { ...(this.tls?.serverName ? { ':authority': this.tls.serverName } : {}), 'user-agent': 'etcd-inspector', ...headers(remaining) },
      { endStream },
    );
    return { session, stream, remaining };
  }

  /**
   * Fails a request with a DeadlineError after `remaining` ms. A session that never connected, or whose peer
   * never acknowledged HTTP/2's settings (a hung member, a black-holed address, a port that accepts and says
   * nothing), is not reused.
   */
  private deadlineTimer(session: http2.ClientHttp2Session, remaining: number, fail: (error: Error) => void): NodeJS.Timeout {
    return setTimeout(() => {
      if (session.connecting || session.pendingSettingsAck) {
        session.destroy();
        if (this.session === session) this.session = undefined;
      }
      fail(new DeadlineError());
    }, remaining);
  }

  /** Closes the session; calls in flight fail. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  /** The session, opened through the dialer first when there is one. */
  private async sessionFor(deadline: Date): Promise<http2.ClientHttp2Session> {
    if (this.closed) throw new Error(`the client of ${this.endpoint} is closed`);
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    if (!this.dial) return this.connect(undefined);
    const dial = this.dial;
    this.opening ??= (async () => {
      const url = new URL(this.endpoint);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const raw = await dial(host, Number(url.port || (url.protocol === 'https:' ? 443 : 80)), deadline);
      // checkServerIdentity's name when SNI is empty (an IP) is the URL's host, as tls.connect uses it.
      const tls = url.protocol === 'https:' ? { ...this.tlsOptions(), host, ALPNProtocols: ['h2'] } : undefined;
      return this.connect(overTls(raw, tls));
    })().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /**
   * The TLS options of an https endpoint. SNI carries host names only (RFC 6066; an IP there is deprecated in
   * Node, DEP0123); the certificate is still checked against the IP, or against serverName when given.
   */
  private tlsOptions(): { secureContext: SecureContext; servername: string } {
    return {
      // One context for every connection with the same files (tlsContext.ts).
      secureContext: secureContextOf({ ca: this.tls?.ca, cert: this.tls?.cert, key: this.tls?.key }),
      servername: this.tls?.serverName ?? sniName(this.endpoint),
    };
  }

  private connect(socket: Duplex | undefined): http2.ClientHttp2Session {
    if (this.closed) {
      socket?.destroy();
      throw new Error(`the client of ${this.endpoint} is closed`);
    }
    const session = http2.connect(this.endpoint, {
      ...(socket ? { createConnection: () => socket } : {}),
      ...(this.endpoint.startsWith('https:') ? this.tlsOptions() : {}),
    });
    this.session = session;
    this.sessionError = undefined;
    const forget = (): void => {
      if (this.session === session) this.session = undefined;
    };
    session.on('error', (error: Error) => {
      if (this.session === session || this.session === undefined) this.sessionError = error;
      forget();
    });
    session.on('goaway', forget);
    session.on('close', forget);
    // An idle session never keeps the process alive; a call's deadline timer does while it runs.
    session.unref();
    return session;
  }

  private async call(
    path: string,
    request: Uint8Array,
    metadata: Metadata,
    deadline: Date,
    onMessage: (message: Buffer, stream: http2.ClientHttp2Stream) => void,
    onCancel?: (cancel: () => void) => void,
  ): Promise<void> {
    const { session, stream, remaining } = await this.open(deadline, (remainingMs) => ({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${Math.max(1, Math.ceil(remainingMs))}m`,
      ...metadata,
    }));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let status: number | undefined;
      let details = '';
      let headersError: Error | undefined;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
          reject(error);
        } else resolve();
      };
      const timer = this.deadlineTimer(session, remaining, finish);
      onCancel?.(() => finish(new GrpcStatusError(1, 'cancelled by the client')));

      const readStatus = (headers: http2.IncomingHttpHeaders): void => {
        const code = headers['grpc-status'];
        if (code === undefined) return;
        status = Number(code);
        details = decodeMessage(String(headers['grpc-message'] ?? ''));
      };
      stream.on('response', (headers) => {
        const httpStatus = Number(headers[':status']);
        const contentType = String(headers['content-type'] ?? '');
        if (httpStatus !== 200 || !contentType.startsWith('application/grpc')) {
          headersError = new Error(`received HTTP/2 status ${httpStatus} with content-type "${contentType}": not a gRPC answer`);
        }
        readStatus(headers);
      });
      stream.on('trailers', readStatus);

      // Length-prefixed messages: one byte of flags (1 = compressed, which etcd never sends unasked), four of length.
      let buffered: Buffer = Buffer.alloc(0);
      stream.on('data', (chunk: Buffer) => {
        if (settled || headersError) return;
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        while (buffered.length >= 5) {
          const length = buffered.readUInt32BE(1);
          if (buffered[0] !== 0) return finish(new GrpcStatusError(13, 'the member sent a compressed message, which was not asked for'));
          if (length > MAX_MESSAGE_BYTES) return finish(new GrpcStatusError(8, `a message of ${length} bytes is over the limit`));
          if (buffered.length < 5 + length) break;
          const message = buffered.subarray(5, 5 + length);
          buffered = buffered.subarray(5 + length);
          try {
            onMessage(message, stream);
          } catch (error) {
            return finish(new GrpcStatusError(13, `cannot decode the answer: ${(error as Error).message}`));
          }
        }
      });
      // A session that fails cancels its streams first ("The pending stream has been canceled (caused by: …)"):
      // the session's error is the reason.
      stream.on('error', (error: Error) => finish(this.sessionError ?? causeOf(error, stream)));
      stream.on('close', () => {
        if (headersError) return finish(headersError);
        if (status === undefined) {
          const reason = this.sessionError;
          return finish(reason ?? new StreamClosedError(stream.rstCode ?? 0));
        }
        if (status !== 0) return finish(new GrpcStatusError(status, details));
        if (buffered.length > 0) return finish(new GrpcStatusError(13, 'the answer ended inside a message'));
        finish();
      });
      stream.end(frame(request));
    });
  }
}

/** The body of a GET, and its HTTP status. */
export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** `work`, or a DeadlineError at the deadline (a route that takes too long to open). */
function withDeadline<T>(work: Promise<T>, deadline: Date): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, deadline.getTime() - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** A stream that ended without a gRPC status: the member went away mid-call (GOAWAY, a reset, a dropped connection). */
export class StreamClosedError extends Error {
  constructor(readonly rstCode: number) {
    super(`the connection closed before the member answered (HTTP/2 stream reset, code ${rstCode})`);
    this.name = 'StreamClosedError';
  }
}

/**
 * What a stream's error means: the error behind Node's ERR_HTTP2_STREAM_CANCEL, when it carries one; a reset by
 * the member (ERR_HTTP2_STREAM_ERROR) is a stream closed without an answer.
 */
function causeOf(error: Error, stream: http2.ClientHttp2Stream): Error {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_HTTP2_STREAM_ERROR') return new StreamClosedError(stream.rstCode ?? 0);
  const cause = code === 'ERR_HTTP2_STREAM_CANCEL' ? error.cause : undefined;
  return cause instanceof Error ? cause : error;
}

/** The SNI name of an https URL: its host name, or none for an IP address. */
function sniName(endpoint: string): string {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? '' : host;
}

/** A message with its gRPC length prefix. */
function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** grpc-message is percent-encoded (gRPC over HTTP/2, "Status-Message"). */
function decodeMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
