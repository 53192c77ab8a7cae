// The built language server (dist/server.js --stdio) on hostile input (issue 8): huge documents are answered
// with bounded diagnostics, a document over the size limit gets one refusal instead of a lint, and a content
// change with a meaningless range does not corrupt the server's copy of the document. Functional checks only:
// the timings are in bench/lint.ts.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type Diagnostic,
  type PublishDiagnosticsParams,
  type ProtocolConnection,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { startLanguageServer, type LanguageServer } from '../../harness/languageServer';

let server: LanguageServer;
let conn: ProtocolConnection;
let published: LanguageServer['published'];
let logged: string[];

/** The next diagnostics published for `uri` that satisfy `predicate` (the last ones, if they already do). */
function diagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 30_000): Promise<Diagnostic[]> {
  return server.waitFor(uri, predicate, timeoutMs);
}

before(async () => {
  server = await startLanguageServer();
  ({ conn, published, logged } = server);
});

after(() => server.stop());

const open = (uri: string, text: string, languageId = 'etcd-conf'): Promise<void> =>
  conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
const change = (uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> =>
  conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
const messageBytes = (d: Diagnostic): number => Buffer.byteLength(typeof d.message === 'string' ? d.message : d.message.value);
const shown = (ds: Diagnostic[]): unknown[] => ds.map((d) => [d.range, d.severity, d.code, d.message]);

test('a 50,000-line document is answered, each rule listing at most 100 findings and saying how many more', async () => {
  const block = ['# member', 'ETCD_NAME=m1', 'ETCD_ELECTON_TIMEOUT=1000', 'ETCD_HEARTBEAT_INTERVAL=100ms', 'ETCD_DATA_DIR=/var/lib/etcd'];
  const text = Array.from({ length: 50_000 }, (_, i) => block[i % block.length]).join('\n');
  const uri = 'file:///hostile/lines.etcd.conf';
  await open(uri, text);
  const ds = await diagnostics(uri, () => true, 60_000);
  for (const code of ['duplicate-key', 'unknown-key', 'invalid-value']) {
    assert.equal(ds.filter((d) => d.code === code).length, 101, code);
    assert.ok(
      ds.some((d) => d.code === code && new RegExp(`^… and \\d+ more ${code} findings in this file`).test(String(d.message))),
      code,
    );
  }
  for (const d of ds) assert.ok(messageBytes(d) <= 1024);
});

test('a document over 2 MiB gets one diagnostic on line 0 saying it is not linted, until it shrinks', async () => {
  const uri = 'file:///hostile/big.etcd.conf';
  const lines = [...Array.from({ length: 220_000 }, () => '# padding'), 'ETCD_HEARTBEAT_INTERVAL=100ms'];
  await open(uri, lines.join('\n'));
  const refused = await diagnostics(uri, (p) => p.version === 1);
  assert.equal(refused.length, 1);
  assert.equal(refused[0].code, 'too-large');
  assert.deepEqual(refused[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.match(String(refused[0].message), /This document is 2\.\d MiB: etcd Inspector lints configurations of up to 2 MiB/);
  const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 220_000, character: 3 } });
  assert.equal(hover, null, 'a document that is not linted has no hover either');
  // Still too large after an edit: nothing new is linted.
  await change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
  // Cut to 10 lines: linted again.
  await change(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 219_990, character: 0 } }, text: '' }]);
  const linted = await diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'invalid-value'));
  assert.deepEqual(
    linted.map((d) => [d.code, d.range.start.line]),
    [['invalid-value', 10]],
  );
  assert.ok(!(published.get(uri) ?? []).some((p) => p.diagnostics.length > 1 && p.diagnostics.some((d) => d.code === 'too-large')));
});

test('changes with reversed, negative or fractional ranges are ignored: the document is not corrupted', async () => {
  const text = ['ETCD_NAME=m1', 'ETCD_HEARTBEAT_INTERVAL=100', 'ETCD_ELECTION_TIMEOUT=400', 'ETCD_ELECTON_TIMEOUT=1', ''].join('\n');
  const uri = 'file:///hostile/ranges.etcd.conf';
  await open(uri, text);
  await diagnostics(uri, (p) => p.version === 1);
  const range = (sl: number, sc: number, el: number, ec: number) => ({
    start: { line: sl, character: sc },
    end: { line: el, character: ec },
  });
  await change(uri, 2, [{ range: range(2, 5, 1, 0), text: 'X' }]);
  await change(uri, 3, [{ range: range(-1, 0, 0, 3), text: 'ETCD_' }]);
  await change(uri, 4, [{ range: range(1, 24.5, 1, 27), text: '1' }]);
  await change(uri, 5, [{ range: range(1, 9, 1, 3), text: 'Y' }]);
  // A good change after the bad ones: heartbeat 100 -> 200.
  await change(uri, 6, [{ range: range(1, 24, 1, 27), text: '200' }]);
  const after = await diagnostics(uri, (p) => p.version === 6);
  const expected = text.replace('ETCD_HEARTBEAT_INTERVAL=100', 'ETCD_HEARTBEAT_INTERVAL=200');
  const fresh = 'file:///hostile/ranges-fresh.etcd.conf';
  await open(fresh, expected);
  const reference = await diagnostics(fresh, (p) => p.version === 1);
  assert.ok(reference.some((d) => d.code === 'election-timeout-ratio'));
  assert.deepEqual(shown(after), shown(reference));
  // Each ignored change is logged (the client shows the server's log in its output channel).
  const ignored = logged.filter((m) => m.startsWith(`Ignored a change to ${uri}`));
  assert.equal(ignored.length, 4, JSON.stringify(logged));
  assert.match(ignored[0], /\(version 2\): the range ends before it starts/);
});

test('a byte-order mark at the start is reported as systemd reads it, in words, at the mark', async () => {
  const uri = 'file:///hostile/bom.etcd.conf';
  await open(uri, '\ufeffETCD_HEARTBEAT_INTERVAL=100ms\nETCD_ELECTON_TIMEOUT=1\n');
  const ds = await diagnostics(uri, (p) => p.version === 1);
  assert.deepEqual(
    ds.map((d) => [d.code, d.range.start.line, d.range.start.character]),
    [
      ['env-syntax', 0, 0],
      ['unknown-key', 1, 0],
    ],
  );
  assert.ok(!ds.some((d) => String(d.message).includes('\ufeff')));
});

test('a 95 KB URL list and 40,000 initial-cluster entries are answered with messages of at most 1 KB', async () => {
  const items: string[] = [];
  for (let size = 0; size < 95 * 1024; size += items[items.length - 1].length + 1) items.push(`h${items.length}:1`);
  const members = Array.from({ length: 40_000 }, (_, i) => `m${i}=http://10.0.${(i % 500) >> 8}.${i % 250}:2380`);
  const docs = {
    'file:///hostile/urls.etcd.conf': `ETCD_LISTEN_CLIENT_URLS=${items.join(',')}\nETCD_ADVERTISE_CLIENT_URLS=http://10.0.0.1:2379\n`,
    'file:///hostile/cluster.etcd.conf': `ETCD_NAME=m0\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.0:2380\nETCD_INITIAL_CLUSTER=${members.join(',')}\n`,
  };
  for (const [uri, text] of Object.entries(docs)) {
    await open(uri, text);
    const ds = await diagnostics(uri, (p) => p.version === 1, 60_000);
    assert.ok(ds.length > 0 && ds.length <= 300, `${ds.length} diagnostics`);
    for (const d of ds) assert.ok(messageBytes(d) <= 1024, `${d.code}: ${messageBytes(d)} bytes`);
    assert.ok(ds.some((d) => /^… and \d+ more (url-format|initial-cluster-duplicate-url) findings/.test(String(d.message))));
  }
});
