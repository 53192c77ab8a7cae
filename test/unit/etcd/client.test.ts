// What a failed call reads like: its kind (code branches on it) and one line an operator can act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanGrpcMessage, describeError, DeadlineError, EndpointClient } from '../../../src/etcd/client';
import { GrpcStatusError, StreamClosedError } from '../../../src/etcd/grpc/channel';
import type { FailureKind } from '../../../src/etcd/model';

test('errors: no code prefixes, no empty grpc padding, no class names, kinds recognised from the raw text', () => {
  class Pl extends Error {}
  assert.deepEqual(describeError(new Pl('9 FAILED_PRECONDITION: etcdserver: something odd'), 1000), {
    kind: 'other',
    text: 'failed precondition: etcdserver: something odd',
  });
  const notEnabled = describeError(new Pl('9 FAILED_PRECONDITION: etcdserver: authentication is not enabled'), 1000);
  assert.equal(notEnabled.kind, 'auth');
  assert.match(notEnabled.text, /^authentication is not enabled on this cluster/);
  assert.deepEqual(describeError(new Error('14 UNAVAILABLE: Protocol error. Last error: null. Resolution note: '), 1000), {
    kind: 'garbage',
    text: 'not an etcd gRPC endpoint (Protocol error.)',
  });
  assert.equal(
    cleanGrpcMessage('14 UNAVAILABLE: No connection established. Last error: null. Resolution note: '),
    'No connection established.',
  );
  assert.equal(cleanGrpcMessage('14 UNAVAILABLE: '), 'no detail given');
  assert.equal(
    cleanGrpcMessage(
      '14 UNAVAILABLE: No connection established. Last error: 80ABC:error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../deps/openssl/openssl/ssl/statem/statem_clnt.c:1889:. Resolution note: ',
    ),
    'certificate verify failed.',
    "OpenSSL's reason without its codes and source file",
  );
  assert.deepEqual(describeError(new DeadlineError(), 750), {
    kind: 'timeout',
    text: 'no answer within 750 ms (member hung, overloaded, or not an etcd server)',
  });
});

// The errors src/etcd/grpc/channel.ts (Node 20's HTTP/2 and TLS) and etcd 3.4/3.5 gave for each fault
// (recorded against the harness's clusters, TLS PKI and garbage server), and what an operator must read.
const nodeError = (message: string, code: string): Error => Object.assign(new Error(message), { code });
const RECORDED: Array<{ fault: string; error: Error; kind: FailureKind; text: string | RegExp }> = [
  {
    fault: 'wrong CA',
    error: nodeError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
    kind: 'tls',
    text: 'TLS handshake failed: unable to verify the first certificate (check the CA, client certificate and key, and the server name)',
  },
  {
    fault: 'no client certificate (TLS 1.3 alert 116)',
    error: nodeError(
      '800C83C8A37F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n',
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    ),
    kind: 'tls',
    text: 'TLS handshake failed: the server requires a client certificate (set the certificate and key files, etcdctl --cert/--key)',
  },
  {
    fault: 'no client certificate (TLS 1.2 alert 42, etcd 3.4)',
    error: nodeError(
      '800C83C8A37F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n',
      'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
    ),
    kind: 'tls',
    text: 'TLS handshake failed: the server rejected the client certificate, or requires one (check the certificate and key files, etcdctl --cert/--key)',
  },
  {
    fault: 'https to a plain http member',
    error: nodeError('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'),
    kind: 'tls',
    text: /^TLS handshake failed: Client network socket disconnected before secure TLS connection was established \(check/,
  },
  {
    fault: 'wrong password',
    error: new GrpcStatusError(3, 'etcdserver: authentication failed, invalid user ID or password'),
    kind: 'auth',
    text: 'authentication failed: wrong user name or password',
  },
  {
    fault: 'a token etcd no longer accepts, again after authenticating anew',
    error: new GrpcStatusError(16, 'etcdserver: invalid auth token'),
    kind: 'auth',
    text: 'authentication failed: invalid auth token',
  },
  {
    fault: 'user without the role',
    error: new GrpcStatusError(7, 'etcdserver: permission denied'),
    kind: 'auth',
    text: 'permission denied: the user lacks the role this request needs',
  },
  {
    fault: 'garbage port',
    error: nodeError('Protocol error', 'ERR_HTTP2_ERROR'),
    kind: 'garbage',
    text: 'not an etcd gRPC endpoint (Protocol error)',
  },
  {
    fault: 'an HTTP/2 server that is not gRPC',
    error: new Error('received HTTP/2 status 404 with content-type "text/plain": not a gRPC answer'),
    kind: 'garbage',
    text: 'not an etcd gRPC endpoint (received HTTP/2 status 404 with content-type "text/plain": not a gRPC answer)',
  },
  {
    fault: 'nothing listening',
    error: nodeError('connect ECONNREFUSED 127.0.0.1:43849', 'ECONNREFUSED'),
    kind: 'refused',
    text: 'connection refused (etcd not running or wrong port)',
  },
  {
    fault: 'unknown host',
    error: nodeError('getaddrinfo ENOTFOUND no-such-host.invalid', 'ENOTFOUND'),
    kind: 'not-found',
    text: 'host name does not resolve (getaddrinfo ENOTFOUND no-such-host.invalid)',
  },
  {
    fault: "gRPC deadline (the member's own)",
    error: new GrpcStatusError(4, 'context deadline exceeded'),
    kind: 'timeout',
    text: /^no answer within 1000 ms/,
  },
  {
    fault: 'member without a leader',
    error: new GrpcStatusError(14, 'etcdserver: no leader'),
    kind: 'no-leader',
    text: 'etcdserver: no leader',
  },
  {
    fault: 'member killed mid-call',
    error: new StreamClosedError(8),
    kind: 'unavailable',
    text: 'unavailable: the connection closed before the member answered (HTTP/2 stream reset, code 8)',
  },
  {
    fault: 'unreachable network',
    error: nodeError('connect EHOSTUNREACH 10.9.9.9:2379', 'EHOSTUNREACH'),
    kind: 'unavailable',
    text: 'host unreachable (network or firewall)',
  },
];

test('errors: every recorded fault gets its kind and its line, without grpc-js time stamps or preambles', () => {
  for (const { fault, error, kind, text } of RECORDED) {
    const failure = describeError(error, 1000);
    assert.equal(failure.kind, kind, `${fault}: ${failure.text}`);
    if (typeof text === 'string') assert.equal(failure.text, text, fault);
    else assert.match(failure.text, text, fault);
    assert.doesNotMatch(failure.text, /\(\d{4}-\d\d-\d\dT|Resolution note|GRPC|Etcd\w+Error/, fault);
  }
  const kinds = new Set<FailureKind>(['refused', 'timeout', 'tls', 'auth', 'no-leader', 'garbage', 'unavailable', 'not-found', 'other']);
  for (const { kind } of RECORDED) kinds.delete(kind);
  assert.deepEqual([...kinds], ['other'], 'every kind but other has a recorded fault');
});

test('TLS settings that cannot be used are kind tls, naming the file, when the client is built', () => {
  const build = (tls: { caFile?: string; certFile?: string; keyFile?: string }): unknown => {
    try {
      new EndpointClient('https://127.0.0.1:2379', { name: 'c', endpoints: ['https://127.0.0.1:2379'], tls }).close();
      return null;
    } catch (error) {
      return describeError(error, 1000);
    }
  };
  assert.deepEqual(build({ caFile: '/nonexistent/ca.crt' }), {
    kind: 'tls',
    text: 'TLS settings unusable: cannot read the CA file /nonexistent/ca.crt: ENOENT',
  });
  assert.deepEqual(build({ caFile: '/etc/hostname', certFile: '/etc/hostname' }), {
    kind: 'tls',
    text: 'TLS settings unusable: a client certificate needs its key, and a key its certificate',
  });
  assert.deepEqual(build({ certFile: '/etc/hostname', keyFile: '/etc/hostname' }), {
    kind: 'tls',
    text: 'TLS settings unusable: a CA file (--cacert) is needed to verify the servers',
  });
});
