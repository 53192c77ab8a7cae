// Servers that sit behind a member's advertised client URL and misbehave the way a broken or hostile
// endpoint can: a /metrics page that never ends, one that floods, and a listener that records every byte a
// client sends (to prove that credentials never reach it).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

/** A running hostile server on loopback. */
export interface HostileServer {
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Every byte received, as latin1 text. */
  readonly received: string;
  close(): Promise<void>;
}

/**
 * An HTTP/1.1 server whose /metrics answers 200 and then never ends: `trickle` sends one valid-looking
 * line every 50 ms (an idle timeout never fires), `flood` sends as fast as the client reads.
 */
export async function startEndlessMetricsServer(mode: 'trickle' | 'flood'): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: HttpServer = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    if (mode === 'trickle') {
      let n = 0;
      const timer = setInterval(() => res.write(`etcd_debugging_trickle_total{n="${n++}"} 1\n`), 50);
      res.on('close', () => clearInterval(timer));
    } else {
      const chunk = Buffer.from(`etcd_debugging_flood_total{x="${'x'.repeat(1000)}"} 1\n`.repeat(64));
      const pump = (): void => {
        while (res.write(chunk)) {
          if (res.destroyed) return;
        }
        res.once('drain', pump);
      };
      pump();
    }
    req.on('error', () => undefined);
    res.on('error', () => undefined);
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return listen(
    server,
    sockets,
    () => connections,
    () => '',
  );
}

/** A TCP listener that accepts, records what arrives, and never answers. */
export async function startRecordingListener(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let received = '';
  const server: TcpServer = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return listen(
    server,
    sockets,
    () => connections,
    () => received,
  );
}

async function listen(
  server: HttpServer | TcpServer,
  sockets: Set<Socket>,
  connections: () => number,
  received: () => string,
): Promise<HostileServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('hostile server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get connections() {
      return connections();
    },
    get received() {
      return received();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
