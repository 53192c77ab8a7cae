// Stand-ins in front of a real member's peer port for the clock tests (src/etcd/clock.ts). A member's clock
// moved without touching the member: faketime cannot move a Go program's clock (it reads it through the
// vDSO, not libc), so an HTTP server answers GET /raft/probing with the real member's answer, its time
// shifted; measuring it reads that member as `shiftMs` ahead. And a slow TLS handshake: a TCP proxy that
// holds the member's first answer.
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

/** An HTTP server that answers /raft/probing with a real member's answer, its time moved by `shiftMs`. */
export async function shiftedPeer(peerUrl: string, shiftMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    void fetch(`${peerUrl}/raft/probing`)
      .then((r) => r.json() as Promise<{ OK: boolean; Now: string }>)
      .then((body) => {
        // Go's RFC3339Nano, nanoseconds kept: the shift is whole milliseconds.
        const [, whole, fraction = ''] = /^(.*?\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(body.Now) ?? [];
        const shifted = new Date(Date.parse(`${whole}Z`) + shiftMs).toISOString().slice(0, 19);
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`${JSON.stringify({ OK: body.OK, Now: `${shifted}.${fraction.padEnd(9, '0')}Z` })}\n`);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A TCP proxy to a local port that holds the server's first bytes (a TLS ServerHello) for `holdMs`. */
export async function slowHandshakeProxy(target: number, holdMs: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let held = false;
    upstream.on('data', (chunk: Buffer) => {
      if (held) return void client.write(chunk);
      held = true;
      upstream.pause();
      setTimeout(() => {
        client.write(chunk);
        upstream.resume();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
