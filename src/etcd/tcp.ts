// `nc -zv host port` from the runbook's step 2: does a TCP connect to a port succeed within a deadline.
import { connect } from 'node:net';

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

/** Tries a TCP connection to the URL's host:port before the deadline and says what happened. */
export function probePort(url: string, timeoutMs: number): Promise<PortState> {
  const target = hostPort(url);
  if (!target) return Promise.resolve('invalid address');
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
export async function tcpConnects(url: string, timeoutMs: number): Promise<boolean> {
  return (await probePort(url, timeoutMs)) === 'open';
}
