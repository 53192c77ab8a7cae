// A TCP server on loopback that answers every connection with garbage bytes: the "wrong port" case.
import { createServer, type Server, type Socket } from 'node:net';

export async function startGarbageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('HTTP/1.0 418 not etcd\r\n\r\n\x00\xff\xfe garbage garbage garbage\n');
    const timer = setInterval(() => socket.write('\x00\x01\x02 more garbage\n'), 50);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('garbage server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
