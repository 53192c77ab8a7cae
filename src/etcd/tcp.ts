// `nc -zv host port` from the runbook's step 2: does a TCP connect to a port succeed within a deadline.
import { connect } from 'node:net';
import { isDialError, type Dialer } from './dial';

/** Host and port of an http(s)/unix URL's address, or null when it has none. */
export function hostPort(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (!u.hostname || !Number.isInteger(port)) return null;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}

/** What a TCP connect found: open, or why not ("refused", "timeout", or the socket error code). */
export type PortState = 'open' | 'refused' | 'timeout' | string;

/**
 * Tries a TCP connection to the URL's host:port before the deadline and says what happened. With a dialer (a
 * tunnel), the connection is tried from the far end of the route: what that host can reach.
 */
export function probePort(url: string, timeoutMs: number, dial?: Dialer): Promise<PortState> {
  const target = hostPort(url);
  if (!target) return Promise.resolve('invalid address');
  if (dial) {
    return dial(target.host, target.port, new Date(Date.now() + timeoutMs)).then(
      (stream) => {
        stream.destroy();
        return 'open';
      },
      (error: unknown) =>
        isDialError(error) && (error.kind === 'refused' || error.kind === 'timeout') ? error.kind : (error as Error).message,
    );
  }
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (state: PortState): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? error.message)));
  });
}

/** True when a TCP connection to the URL's host:port opens before the deadline. */
export async function tcpConnects(url: string, timeoutMs: number, dial?: Dialer): Promise<boolean> {
  return (await probePort(url, timeoutMs, dial)) === 'open';
}
