// Pure pieces of the hardening: which advertised URLs may be contacted, what an error reads like, what a
// terminal is shown, and how a named file is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advertisedUrlProblem, redactUserinfo, requiredScheme } from '../../../src/etcd/advertised';
import { cleanGrpcMessage, describeError, DeadlineError } from '../../../src/etcd/client';
import { normalizeEndpoint, profileFromKubeadmManifest } from '../../../src/etcd/profile';
import { cellText, printable, renderTable } from '../../../src/cli/table';
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
  assert.equal(
    describeError(new Pl('9 FAILED_PRECONDITION: etcdserver: something odd'), 1000),
    'failed precondition: etcdserver: something odd',
  );
  assert.match(
    describeError(new Pl('9 FAILED_PRECONDITION: etcdserver: authentication is not enabled'), 1000),
    /^authentication is not enabled on this cluster/,
  );
  const garbage = describeError(new Error('14 UNAVAILABLE: Protocol error. Last error: null. Resolution note: '), 1000);
  assert.equal(garbage, 'not an etcd gRPC endpoint (Protocol error.)');
  assert.equal(
    cleanGrpcMessage('14 UNAVAILABLE: No connection established. Last error: null. Resolution note: '),
    'No connection established.',
  );
  assert.equal(cleanGrpcMessage('14 UNAVAILABLE: '), 'no detail given');
  assert.match(describeError(new DeadlineError(), 750), /no answer within 750 ms/);
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
