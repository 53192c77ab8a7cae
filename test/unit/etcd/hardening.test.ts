// Pure pieces of the hardening: which advertised URLs may be contacted, what an error reads like, what a
// terminal is shown, and how a named file is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advertisedUrlProblem, redactUserinfo, requiredScheme } from '../../../src/etcd/advertised';
import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { cleanGrpcMessage, describeError, DeadlineError } from '../../../src/etcd/client';
import type { FailureKind } from '../../../src/etcd/model';
import { normalizeEndpoint, profileFromKubeadmManifest } from '../../../src/etcd/profile';
import { cellText, renderTable } from '../../../src/etcd/printer';
import { printable } from '../../../src/shared/text';
import { readRegularFile, InputFileError } from '../../../src/cli/input';
import { parseMetrics } from '../../../src/metrics/scrape';

test('discovered URLs keep the scheme of the given endpoints: https never falls back to http', () => {
  const tls = ['https://10.0.0.1:2379'];
  assert.equal(requiredScheme(tls), 'https:');
  assert.equal(requiredScheme(['http://10.0.0.1:2379', 'https://10.0.0.2:2379']), 'https:');
  assert.equal(requiredScheme(['http://10.0.0.1:2379']), 'http:');
  assert.equal(advertisedUrlProblem('https://10.0.0.2:2379', tls), null);
  assert.match(
    advertisedUrlProblem('http://10.0.0.2:2379', tls) ?? '',
    /over plain http while the cluster was given over https: not contacted/,
  );
  assert.match(
    advertisedUrlProblem('https://10.0.0.2:2379', ['http://10.0.0.1:2379']) ?? '',
    /over https while the endpoints given are plain http/,
  );
  assert.match(advertisedUrlProblem('unix://etcd.sock:0', tls) ?? '', /unix socket/);
  assert.match(advertisedUrlProblem('gopher://x:1', tls) ?? '', /unknown scheme/);
  assert.match(advertisedUrlProblem('https://x:1/v3/kv', tls) ?? '', /with a path/);
  assert.match(advertisedUrlProblem('not a url', tls) ?? '', /not a valid URL/);
  // A URL the user gave is always fine, whatever its scheme (the user chose it).
  assert.equal(advertisedUrlProblem('http://10.0.0.9:2379', ['https://10.0.0.1:2379', 'http://10.0.0.9:2379']), null);
  const withPassword = advertisedUrlProblem('https://u:Secret1@10.0.0.2:2379', tls) ?? '';
  assert.match(withPassword, /credentials in it/);
  assert.ok(!withPassword.includes('Secret1'));
  const long = advertisedUrlProblem(`http://${'a'.repeat(5000)}:1`, tls) ?? '';
  assert.ok(long.length < 400, 'member-controlled text is quoted at most 200 characters');
});

test('endpoints with credentials are refused and the password is never echoed', () => {
  assert.equal(redactUserinfo('http://root:pw@h:1'), 'http://root:***@h:1');
  assert.equal(redactUserinfo('http://root@h:1'), 'http://root@h:1');
  assert.throws(
    () => normalizeEndpoint('http://root:Sekrit@127.0.0.1:2379'),
    (e: Error) => !e.message.includes('Sekrit') && /credentials in the URL/.test(e.message),
  );
  assert.throws(
    () => normalizeEndpoint('http://root:Sekrit@127.0.0.1'),
    (e: Error) => !e.message.includes('Sekrit'),
  );
  assert.throws(
    () => normalizeEndpoint('http://root:Sekrit@[bad'),
    (e: Error) => !e.message.includes('Sekrit'),
  );
});

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

// The messages grpc-js 1.x and etcd 3.4/3.5 gave through etcd3 for each fault (recorded against the
// harness's clusters, TLS PKI and garbage server), and what an operator must read for each.
const RECORDED: Array<{ fault: string; error: Error; kind: FailureKind; text: string | RegExp }> = [
  {
    fault: 'wrong CA',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate. Resolution note: ',
    ),
    kind: 'tls',
    text: 'TLS handshake failed: unable to verify the first certificate. (check the CA, client certificate and key, and the server name)',
  },
  {
    fault: 'no client certificate (TLS 1.3 alert 116)',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: 803CE6830E7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-11-27T16:22:53.290Z). Resolution note: ',
    ),
    kind: 'tls',
    text: 'TLS handshake failed: the server requires a client certificate (set the certificate and key files, etcdctl --cert/--key)',
  },
  {
    fault: 'no client certificate (TLS 1.2 alert 42, etcd 3.4)',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: 803CCF21A17F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42. Resolution note: ',
    ),
    kind: 'tls',
    text: 'TLS handshake failed: the server rejected the client certificate, or requires one (check the certificate and key files, etcdctl --cert/--key)',
  },
  {
    fault: 'https to a plain http member',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: Error: Client network socket disconnected before secure TLS connection was established. Resolution note: ',
    ),
    kind: 'tls',
    text: /^TLS handshake failed: Client network socket disconnected before secure TLS connection was established\. \(check/,
  },
  {
    fault: 'wrong password',
    error: new EtcdAuthenticationFailedError('3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password'),
    kind: 'auth',
    text: 'authentication failed: wrong user name or password',
  },
  {
    fault: 'user without the role',
    error: new EtcdPermissionDeniedError('7 PERMISSION_DENIED: etcdserver: permission denied'),
    kind: 'auth',
    text: 'permission denied: the user lacks the role this request needs',
  },
  {
    fault: 'garbage port',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: Protocol error (2026-11-27T16:22:54.364Z). Resolution note: ',
    ),
    kind: 'garbage',
    text: 'not an etcd gRPC endpoint (Protocol error.)',
  },
  {
    fault: 'nothing listening',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ',
    ),
    kind: 'refused',
    text: 'connection refused (etcd not running or wrong port)',
  },
  {
    fault: 'unknown host',
    error: new GRPCUnavailableError('14 UNAVAILABLE: Name resolution failed for target dns:no-such-host.invalid:2379'),
    kind: 'not-found',
    text: 'host name does not resolve (Name resolution failed for target dns:no-such-host.invalid:2379)',
  },
  {
    fault: 'gRPC deadline',
    error: new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'),
    kind: 'timeout',
    text: /^no answer within 1000 ms/,
  },
  {
    fault: 'member without a leader',
    error: new GRPCUnavailableError('14 UNAVAILABLE: etcdserver: no leader'),
    kind: 'no-leader',
    text: 'etcdserver: no leader',
  },
  {
    fault: 'connection dropped',
    error: new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: null. Resolution note: '),
    kind: 'unavailable',
    text: 'unavailable: No connection established.',
  },
  {
    fault: 'unreachable network',
    error: new GRPCUnavailableError(
      '14 UNAVAILABLE: No connection established. Last error: Error: connect EHOSTUNREACH 10.9.9.9:2379. Resolution note: ',
    ),
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

test('printable: controls, bidi overrides, invisible characters and the BOM become visible escapes', () => {
  assert.equal(printable('a\u202eb'), 'a\\u202eb');
  assert.equal(printable('\u2066x\u2069'), '\\u2066x\\u2069');
  assert.equal(printable('bell\u0007'), 'bell\\x07');
  assert.equal(printable('\ufeffkey'), '\\ufeffkey');
  assert.equal(printable('zero\u200bwidth'), 'zero\\u200bwidth');
  assert.equal(printable('ünïcödé 名前'), 'ünïcödé 名前', 'ordinary text is left alone');
  assert.equal(printable(printable('\u001b[31m')), printable('\u001b[31m'), 'idempotent');
  assert.equal(cellText('a|b\nc'), 'a\\x7cb\\x0ac');
  const table = renderTable(['NAME', 'X'], [['a|b|c', 'ok']]);
  assert.ok(
    table
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .every((l) => l.split('|').length === 4),
    table,
  );
});

test('readRegularFile refuses FIFOs, devices, directories and oversized files at once, and keeps a BOM for the parsers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'pipe');
  await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (e) => (e ? reject(e) : resolve())));
  await assert.rejects(readRegularFile(fifo, 1024), (e: Error) => e instanceof InputFileError && /FIFO/.test(e.message));
  await assert.rejects(readRegularFile('/dev/zero', 1024), /a device, not a regular file/);
  await assert.rejects(readRegularFile(dir, 1024), /a directory/);
  await assert.rejects(readRegularFile(join(dir, 'missing'), 1024), /no such file/);
  const big = join(dir, 'big');
  writeFileSync(big, 'x'.repeat(2048));
  await assert.rejects(readRegularFile(big, 1024), /2 KiB is over the limit of 1 KiB/);
  const bom = join(dir, 'bom');
  writeFileSync(bom, '\ufeffETCD_NAME=x\n');
  assert.equal(await readRegularFile(bom, 1024), '\ufeffETCD_NAME=x\n');
});

test('kubeadm manifests: missing containers or flags are named, not a TypeError', () => {
  const withBom = profileFromKubeadmManifest(
    '\ufeffspec:\n  containers:\n  - name: etcd\n    command: [etcd, --advertise-client-urls=https://10.0.0.1:2379]\n',
  );
  assert.deepEqual(withBom.endpoints, ['https://10.0.0.1:2379'], 'a BOM before a manifest is skipped by the YAML parser');
  assert.throws(() => profileFromKubeadmManifest('spec:\n  containers: []\n'), /spec\.containers is empty/);
  assert.throws(() => profileFromKubeadmManifest('spec:\n  containers: [1, "x", null]\n'), /spec\.containers is empty/);
  assert.throws(() => profileFromKubeadmManifest('spec:\n  containers:\n  - name: etcd\n'), /container "etcd" has no command or args/);
  assert.throws(() => profileFromKubeadmManifest('null'), /spec\.containers is missing/);
});

test('parseMetrics reads the wanted series and ignores look-alike prefixes', () => {
  const m = parseMetrics('etcd_server_has_leader_extra 0\netcd_server_has_leader 1\netcd_server_quota_backend_bytes 2.147483648e+09\n');
  assert.equal(m.hasLeader, true);
  assert.equal(m.quotaBackendBytes, 2147483648);
  assert.equal(m.leaderChangesSeen, null);
});
