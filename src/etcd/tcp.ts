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

/** True when a TCP connection to the URL's host:port opens before the deadline. */
export function tcpConnects(url: string, timeoutMs: number): Promise<boolean> {
  const target = hostPort(url);
  if (!target) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
