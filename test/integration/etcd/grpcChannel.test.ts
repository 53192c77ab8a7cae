// The gRPC channel (src/etcd/grpc/channel.ts) at its edges. etcd itself answers the ordinary calls (every
// other integration test goes through it); what etcd cannot be made to send — a status-only answer with a
// percent-encoded message, a compressed or oversized message, an HTTP/2 server that is not gRPC, a server
// that accepts the connection and never answers — comes from a real HTTP/2 server on loopback here.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { DeadlineError, GrpcChannel, GrpcStatusError, MAX_MESSAGE_BYTES, StreamClosedError } from '../../../src/etcd/grpc/channel';
import { EndpointClient, describeError } from '../../../src/etcd/client';
import { EtcdCluster } from '../../harness/etcdCluster';
import { generatePki } from '../../harness/tls';
import { readFileSync } from 'node:fs';

type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;

/** An HTTP/2 server on loopback whose every stream goes to `handler`; the sessions it has seen. */
async function server(handler: Handler): Promise<{ url: string; sessions: () => number; close: () => Promise<void> }> {
  const s = http2.createServer();
  let sessions = 0;
  s.on('session', () => sessions++);
  s.on('stream', (stream, headers) => {
    stream.on('error', () => undefined); // a stream the test resets, or the client cancels
    handler(stream, headers);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions: () => sessions,
    close: () => new Promise((resolve) => s.close(() => resolve())),
  };
}

const framed = (message: Buffer, flags = 0): Buffer => {
  const out = Buffer.alloc(5 + message.length);
  out[0] = flags;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
};
const soon = (ms = 2000): Date => new Date(Date.now() + ms);

let cluster: EtcdCluster | undefined;
after(async () => cluster?.destroy());

test('a real member: unary calls, a snapshot stream in 32 KiB messages, and the deadline it was given', async () => {
  cluster = await EtcdCluster.start({ version: '3.5', size: 1 });
  const endpoint = cluster.endpoints[0];
  const client = new EndpointClient(endpoint, { name: 'c', endpoints: [endpoint] });
  try {
    const revision = await client.put('/big', Buffer.alloc(200 * 1024, 7), soon(5000));
    assert.equal(await client.get('/big', soon()).then((v) => v?.length), 200 * 1024);
    assert.equal((await client.status(soon())).header.revision, String(revision));
    const stream = await client.snapshotStream(soon(10_000));
    let bytes = 0;
    let messages = 0;
    let remaining = '';
    for await (const chunk of stream as AsyncIterable<{ blob: Buffer; remaining_bytes: string }>) {
      bytes += chunk.blob.length;
      messages++;
      remaining = chunk.remaining_bytes;
      // A slow reader: HTTP/2 flow control holds the member back instead of buffering the whole snapshot here.
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(remaining, '0');
    assert.ok(messages > 5 && bytes > 200 * 1024, `${messages} messages, ${bytes} bytes`);
    // A deadline already past fails at once, without a request.
    await assert.rejects(client.status(new Date(Date.now() - 1)), DeadlineError);
    assert.equal(await client.deleteKey('/b', soon(), true), 1, 'a prefix delete removes /big');
  } finally {
    client.close();
  }
});

test("a GET on an https member's gRPC session: its /metrics page, a missing page as HTTP 404, a page over the limit refused; not on http", async (t) => {
  const pki = generatePki();
  const files = { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile, clientCertAuth: true };
  const secure = await EtcdCluster.start({ version: '3.5', size: 1, tls: files });
  t.after(async () => {
    await secure.destroy();
    pki.dispose();
  });
  const channel = new GrpcChannel(secure.endpoints[0], {
    ca: readFileSync(pki.caFile),
    cert: readFileSync(pki.clientCertFile),
    key: readFileSync(pki.clientKeyFile),
  });
  t.after(() => channel.close());
  const page = await channel.get('/metrics', soon(), 4 * 1024 * 1024);
  assert.equal(page.status, 200);
  assert.match(page.body.toString(), /^etcd_server_has_leader 1$/m);
  const missing = await channel.get('/no-such-page', soon(), 1024);
  assert.deepEqual({ status: missing.status, bytes: missing.body.length }, { status: 404, bytes: 0 });
  await assert.rejects(channel.get('/metrics', soon(), 1000), /^Error: \/metrics is larger than 1000 bytes$/);
  // Through a member client: a GET and gRPC calls side by side.
  const client = new EndpointClient(secure.endpoints[0], {
    name: 's',
    endpoints: secure.endpoints,
    tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
  });
  t.after(() => client.close());
  assert.equal((await client.httpGet('/health', soon(), 1024)).status, 200);
  assert.ok((await client.status(soon())).version);
  const plain = new GrpcChannel('http://127.0.0.1:1', undefined);
  await assert.rejects(plain.get('/metrics', soon(), 1024), /needs an https endpoint/);
});

test('a status-only answer is the status, its message percent-decoded', async () => {
  const s = await server((stream) => {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '9', 'grpc-message': 'etcdserver%3A no%20space' },
      { endStream: true },
    );
  });
  const channel = new GrpcChannel(s.url, undefined);
  try {
    const error = await channel.unary('/etcdserverpb.KV/Range', Buffer.alloc(0), {}, soon()).catch((e: unknown) => e);
    assert.ok(error instanceof GrpcStatusError);
    assert.equal(error.code, 9);
    assert.equal(error.message, '9 FAILED_PRECONDITION: etcdserver: no space');
  } finally {
    channel.close();
    await s.close();
  }
});

test('compressed, oversized and missing messages are refused; metadata and the deadline reach the server', async () => {
  const seen: http2.IncomingHttpHeaders[] = [];
  const s = await server((stream, headers) => {
    seen.push(headers);
    const path = headers[':path'];
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    if (path === '/compressed') stream.end(framed(Buffer.from('x'), 1));
    else if (path === '/oversized') {
      const header = Buffer.alloc(5);
      header.writeUInt32BE(MAX_MESSAGE_BYTES + 1, 1);
      stream.end(header);
    } else if (path === '/none') stream.end();
    else if (path === '/cut') stream.end(framed(Buffer.from('hello')).subarray(0, 7));
    else stream.end(framed(Buffer.from('hello')));
  });
  const channel = new GrpcChannel(s.url, undefined);
  try {
    assert.equal((await channel.unary('/ok', Buffer.from('q'), { token: 't0k' }, soon(1500))).toString(), 'hello');
    assert.equal(seen[0].token, 't0k');
    assert.equal(seen[0]['content-type'], 'application/grpc');
    assert.equal(seen[0].te, 'trailers');
    assert.match(String(seen[0]['grpc-timeout']), /^\d+m$/);
    assert.ok(Number(String(seen[0]['grpc-timeout']).slice(0, -1)) <= 1500);
    await assert.rejects(channel.unary('/compressed', Buffer.alloc(0), {}, soon()), /compressed message, which was not asked for/);
    await assert.rejects(channel.unary('/oversized', Buffer.alloc(0), {}, soon()), /over the limit/);
    await assert.rejects(channel.unary('/none', Buffer.alloc(0), {}, soon()), /expected one response message, got 0/);
    await assert.rejects(channel.unary('/cut', Buffer.alloc(0), {}, soon()), /ended inside a message/);
    // Failed calls do not cost the session: all of these went over one connection.
    assert.equal(s.sessions(), 1);
  } finally {
    channel.close();
    await s.close();
  }
});

test('an HTTP/2 server that is not gRPC is "not an etcd gRPC endpoint"', async () => {
  const s = await server((stream) => {
    stream.respond({ ':status': 404, 'content-type': 'text/plain' });
    stream.end('not found');
  });
  const channel = new GrpcChannel(s.url, undefined);
  try {
    const error = await channel.unary('/etcdserverpb.Maintenance/Status', Buffer.alloc(0), {}, soon()).catch((e: unknown) => e);
    assert.deepEqual(describeError(error, 1000), {
      kind: 'garbage',
      text: 'not an etcd gRPC endpoint (received HTTP/2 status 404 with content-type "text/plain": not a gRPC answer)',
    });
  } finally {
    channel.close();
    await s.close();
  }
});

test('a server that never answers: the call ends at its deadline and the session is kept; one that resets is unavailable', async () => {
  const s = await server((stream, headers) => {
    if (headers[':path'] === '/reset') stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    // otherwise: never answer
  });
  const channel = new GrpcChannel(s.url, undefined);
  try {
    const started = Date.now();
    await assert.rejects(channel.unary('/hang', Buffer.alloc(0), {}, soon(300)), DeadlineError);
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 1000, `ended after ${took} ms`);
    const error = await channel.unary('/reset', Buffer.alloc(0), {}, soon()).catch((e: unknown) => e);
    assert.ok(error instanceof StreamClosedError, String(error));
    assert.equal(describeError(error, 1000).kind, 'unavailable');
    assert.equal(s.sessions(), 1, 'a connected session survives a call that timed out');
  } finally {
    channel.close();
    await s.close();
  }
});

test('a connection that never completes (a port that accepts nothing) is dropped at the deadline, and a closed channel refuses calls', async () => {
  // A listening socket whose backlog is never accepted: TCP connects (the kernel answers), HTTP/2 never does.
  const net = await import('node:net');
  let connections = 0;
  const silent = net.createServer((socket) => {
    connections++;
    socket.pause();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const channel = new GrpcChannel(url, undefined);
  try {
    await assert.rejects(channel.unary('/x', Buffer.alloc(0), {}, soon(200)), DeadlineError);
    await assert.rejects(channel.unary('/x', Buffer.alloc(0), {}, soon(200)), DeadlineError);
    assert.equal(connections, 2, 'the second call connected afresh');
  } finally {
    channel.close();
    silent.close();
  }
  await assert.rejects(channel.unary('/x', Buffer.alloc(0), {}, soon()), /is closed/);
});

test('auth: a token etcd no longer accepts (simple token, 1 s TTL) is replaced once, for reads and writes alike', async (t) => {
  const authCluster = await EtcdCluster.start({ version: '3.5', size: 1, extraArgs: ['--auth-token', 'simple', '--auth-token-ttl', '1'] });
  t.after(() => authCluster.destroy());
  const password = 'p4ss-w0rd';
  await authCluster.enableAuth(password);
  const endpoint = authCluster.endpoints[0];
  const client = new EndpointClient(endpoint, { name: 'auth', endpoints: [endpoint], username: 'root', password });
  t.after(() => client.close());
  assert.equal(typeof (await client.put('/k', 'v1', soon())), 'number');
  // Idle past the token's TTL: etcd drops it and answers "invalid auth token"; the client authenticates again.
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(await client.get('/k', soon()), 'v1');
  await new Promise((r) => setTimeout(r, 2500));
  await client.put('/k', 'v2', soon());
  assert.equal(await client.get('/k', soon()), 'v2');
  // A wrong password is not retried into success, and names the failure.
  const wrong = new EndpointClient(endpoint, { name: 'auth', endpoints: [endpoint], username: 'root', password: 'nope' });
  t.after(() => wrong.close());
  const error = await wrong.status(soon()).catch((e: unknown) => e);
  assert.deepEqual(describeError(error, 1000), { kind: 'auth', text: 'authentication failed: wrong user name or password' });
});
