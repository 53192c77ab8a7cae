// Connections by another route than a direct TCP connect: a cluster reached through an SSH host (issue 14's
// tunnels). A Dialer opens a byte stream to host:port as the route sees it (the member's own client or peer
// URL, resolved on the far side); TLS, when the URL is https, runs inside it end to end, exactly as without
// it. Every connection the inspector makes takes the profile's dialer when it has one: gRPC (grpc/channel.ts),
// /metrics (metrics/scrape.ts), /raft/probing (clock.ts) and the port probes (tcp.ts).
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { FailureKind } from './model';

/** Opens a stream to host:port by the route, by the deadline; rejects with a DialError that says where it failed. */
export type Dialer = (host: string, port: number, deadline: Date) => Promise<Duplex>;

/** Marks a DialError across bundles: the CLI's SSH code is a bundle of its own, with its own copy of this class. */
const DIAL_ERROR = Symbol.for('etcd-inspector.DialError');

/** A route that failed: which hop and why ("SSH to bastion-1: permission denied (publickey)"), with its kind. */
export class DialError extends Error {
  readonly [DIAL_ERROR] = true;
  constructor(
    message: string,
    readonly kind: FailureKind,
  ) {
    super(message);
    this.name = 'DialError';
  }
}

/** Whether `error` is a DialError, from whichever bundle it came. */
export function isDialError(error: unknown): error is DialError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[DIAL_ERROR] === true;
}

/**
 * A dialled stream as Node's HTTP client uses a socket: keep-alive agents call setTimeout, setNoDelay,
 * setKeepAlive, ref and unref on it, which an SSH channel does not have. Idle timeouts are the agent's
 * business; the route's own connection carries the keep-alives, so these do nothing.
 */
export function socketLike<T extends Duplex>(stream: T): T {
  const s = stream as unknown as Record<string, unknown>;
  for (const name of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'])
    if (typeof s[name] !== 'function') s[name] = () => stream;
  return stream;
}

/**
 * An http(s) `createConnection` (a request's option, or an agent's method) that opens through `dial`: TLS over
 * the dialled stream with the request's own TLS options when `https`. `deadline` bounds opening the route.
 */
export function routedConnection(
  dial: Dialer,
  https: boolean,
  deadline: () => Date,
): (options: ClientRequestArgs, callback: (error: Error | null, socket: Duplex) => void) => undefined {
  return (options, callback) => {
    const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port ?? (https ? 443 : 80));
    dial(host, port, deadline()).then(
      (raw) => callback(null, https ? overTls(raw, { ...(options as ConnectionOptions), host }) : raw),
      (error: Error) => callback(error, undefined as unknown as Duplex),
    );
    return undefined;
  };
}

/** A dialled stream, wrapped in TLS (end to end, with these options) when `tls` is given. */
export function overTls(raw: Duplex, tls: ConnectionOptions | undefined): Duplex {
  return tls ? tlsConnect({ ...tls, socket: raw }) : raw;
}
