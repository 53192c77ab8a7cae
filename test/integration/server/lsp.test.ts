// Starts the built language server (dist/server.js --stdio) and talks to it with vscode-languageserver-protocol,
// as VS Code would: diagnostics, quick fixes, fix-all, hover, completion, settings, cross-file findings.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  CodeActionRequest,
  HoverRequest,
  CompletionRequest,
  type ProtocolConnection,
  type Diagnostic,
  type CodeAction,
  type CompletionItem,
  type Hover,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { startLanguageServer, type LanguageServer } from '../../harness/languageServer';

let server: LanguageServer;
let conn: ProtocolConnection;
let published: LanguageServer['published'];

function nextDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 5000): Promise<Diagnostic[]> {
  return server.waitFor(uri, (p) => predicate(p.diagnostics), timeoutMs);
}

before(async () => {
  server = await startLanguageServer();
  ({ conn, published } = server);
  assert.ok(server.init.capabilities.hoverProvider);
});

after(() => server.stop());

const URI = 'file:///work/etc/etcd/etcd.conf';
const TEXT = [
  'ETCD_NAME=m1',
  'ETCD_HEARTBEAT_INTERVAL=100',
  'ETCD_ELECTION_TIMEOUT=400',
  'ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380',
  'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_ELECTON_TIMEOUT=1',
  '',
].join('\n');

test("publishes diagnostics for an opened etcd.conf, with etcd's message", async () => {
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: URI, languageId: 'etcd-conf', version: 1, text: TEXT },
  });
  const diags = await nextDiagnostics(URI, (d) => d.length > 0);
  const ratio = diags.find((d) => d.code === 'election-timeout-ratio');
  assert.ok(ratio, JSON.stringify(diags));
  assert.equal(ratio.severity, 1);
  assert.equal(ratio.range.start.line, 2);
  assert.match(String(ratio.message), /should be at least as 5 times/);
  assert.ok(diags.some((d) => d.code === 'unknown-key' && d.range.start.line === 5));
});

test('offers quick fixes for a diagnostic: 10 x heartbeat first', async () => {
  const diags = await nextDiagnostics(URI);
  const ratio = diags.find((d) => d.code === 'election-timeout-ratio')!;
  const actions = (await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: ratio.range,
    context: { diagnostics: [ratio] },
  })) as CodeAction[];
  assert.equal(actions[0].title, 'Set election timeout to 1000 ms (10 x heartbeat)');
  assert.equal(actions[0].isPreferred, true);
  assert.deepEqual(actions[0].edit?.changes?.[URI], [
    { range: { start: { line: 2, character: 22 }, end: { line: 2, character: 25 } }, newText: '1000' },
  ]);
  const unknown = diags.find((d) => d.code === 'unknown-key')!;
  const rename = (await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: unknown.range,
    context: { diagnostics: [unknown] },
  })) as CodeAction[];
  assert.equal(rename[0].edit?.changes?.[URI]?.[0].newText, 'ETCD_ELECTION_TIMEOUT');
});

test('source.fixAll.etcd returns all safe fixes in one edit', async () => {
  const actions = (await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.etcd'] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.ok(actions[0].edit?.changes?.[URI]?.some((e) => e.newText === '1000'));
});

test('hover on a key shows description, default, unit and versions', async () => {
  const hover = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 1, character: 5 } })) as Hover;
  const md = (hover.contents as MarkupContent).value;
  assert.match(md, /ETCD_HEARTBEAT_INTERVAL/);
  assert.match(md, /Default: `100`/);
  assert.match(md, /milliseconds/);
  assert.match(md, /3\.4, 3\.5, 3\.6/);
});

test('the measured peer round trip of the cluster this file belongs to joins the timeout hovers; a malformed notification is ignored', async () => {
  const hover = async (): Promise<string> => {
    const h = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 1, character: 5 } })) as Hover;
    return (h.contents as MarkupContent).value;
  };
  assert.doesNotMatch(await hover(), /Measured/);
  const measured = { cluster: 'prod', peerURLs: ['http://10.0.0.1:2380'], roundTripSeconds: 0.0008, heartbeatMs: 100, electionMs: 1000 };
  await conn.sendNotification('etcdInspector/measuredPeers', { clusters: [measured, { cluster: 7 }] });
  const md = await hover();
  assert.match(md, /ETCD_HEARTBEAT_INTERVAL/);
  assert.match(
    md,
    /\*\*Measured on cluster "prod"\*\*: worst peer round trip p99 0\.8 ms .* This file: heartbeat 100 ms, election 400 ms\./,
  );
  await conn.sendNotification('etcdInspector/measuredPeers', { clusters: 'garbage' });
  assert.doesNotMatch(await hover(), /Measured/);
});

test('completion offers keys at line start and enum values after =', async () => {
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: URI, version: 2 },
    contentChanges: [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: 'ETCD_INITIAL_CLUSTER_STATE=' }],
  });
  const values = (await conn.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position: { line: 6, character: 27 },
  })) as CompletionItem[];
  assert.deepEqual(values.map((v) => v.label).sort(), ['existing', 'new']);
  const keys = (await conn.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position: { line: 0, character: 0 },
  })) as CompletionItem[];
  assert.ok(keys.some((k) => k.label === 'ETCD_ELECTION_TIMEOUT'));
});

test('an incremental edit that fixes the ratio clears the error', async () => {
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: URI, version: 3 },
    contentChanges: [{ range: { start: { line: 2, character: 22 }, end: { line: 2, character: 25 } }, text: '1000' }],
  });
  const diags = await nextDiagnostics(URI, (d) => !d.some((x) => x.code === 'election-timeout-ratio'));
  assert.ok(!diags.some((d) => d.severity === 1 && d.code !== 'invalid-enum'), JSON.stringify(diags.map((d) => d.code)));
});

test('the etcdVersion setting changes the rules (3.4 rejects log-level INFO)', async () => {
  const uri = 'file:///work/etc/etcd/level.etcd.conf';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'etcd-conf', version: 1, text: 'ETCD_LOG_LEVEL=INFO\n' },
  });
  await nextDiagnostics(uri, (d) => !d.some((x) => x.code === 'invalid-enum'));
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { etcdInspector: { etcdVersion: '3.4' } } });
  await nextDiagnostics(uri, (d) => d.some((x) => x.code === 'invalid-enum'));
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { etcdInspector: { etcdVersion: '3.5' } } });
});

test('cross-file: a member whose heartbeat differs from its peers is reported on that file', async () => {
  const cluster = 'ETCD_INITIAL_CLUSTER=a=http://10.1.0.1:2380,b=http://10.1.0.2:2380,c=http://10.1.0.3:2380';
  const member = (n: string, ip: string, hb: number): string =>
    `ETCD_NAME=${n}\n${cluster}\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://${ip}:2380\nETCD_HEARTBEAT_INTERVAL=${hb}\nETCD_ELECTION_TIMEOUT=2000\n`;
  const a = 'file:///work/cluster/a.etcd.conf';
  const b = 'file:///work/cluster/b.etcd.conf';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: a, languageId: 'etcd-conf', version: 1, text: member('a', '10.1.0.1', 100) },
  });
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: b, languageId: 'etcd-conf', version: 1, text: member('b', '10.1.0.2', 200) },
  });
  const diags = await nextDiagnostics(b, (d) => d.some((x) => x.code === 'cross-file-timing'));
  const timing = diags.find((x) => x.code === 'cross-file-timing')!;
  assert.equal(timing.range.start.line, 3);
  assert.match(String(timing.message), /a\.etcd\.conf/);
});

test('an edit that leaves the findings unchanged publishes nothing; the next real change does', async () => {
  const uri = 'file:///work/etc/etcd/quiet.etcd.conf';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'etcd-conf', version: 1, text: 'ETCD_HEARTBEAT_INTERVAL=100\nETCD_ELECTION_TIMEOUT=700\n' },
  });
  await nextDiagnostics(uri, (d) => d.some((x) => x.code === 'election-timeout-runbook'));
  const sent = published.get(uri)?.length ?? 0;
  // A comment at the end moves no finding.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '# tuned for a WAN' }],
  });
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 1, character: 22 }, end: { line: 1, character: 25 } }, text: '1000' }],
  });
  const diags = await nextDiagnostics(uri, (d) => !d.some((x) => x.code === 'election-timeout-runbook'));
  assert.deepEqual(diags, []);
  assert.deepEqual(
    published
      .get(uri)
      ?.slice(sent)
      .map((p) => p.version),
    [3],
  );
});

test('a file with more problems than etcdInspector.maxNumberOfProblems shows the worst first and says how many more', async () => {
  const uri = 'file:///work/etc/etcd/many.etcd.conf';
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { etcdInspector: { maxNumberOfProblems: 5 } } });
  const text = [
    'ETCD_HEARTBEAT_INTERVAL=100',
    'ETCD_ELECTION_TIMEOUT=400',
    ...Array.from({ length: 20 }, (_, i) => `ETCD_NOT_A_FLAG_${i}=x`),
    '',
  ].join('\n');
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'etcd-conf', version: 1, text } });
  const shown = await nextDiagnostics(uri, (d) => d.some((x) => x.code === 'more-problems'));
  assert.equal(shown.length, 6);
  assert.equal(shown[0].code, 'election-timeout-ratio', 'errors come first');
  assert.match(JSON.stringify(shown[5].message), /16 more problems are not shown/);
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { etcdInspector: { maxNumberOfProblems: 1000 } } });
  const all = await nextDiagnostics(uri, (d) => !d.some((x) => x.code === 'more-problems'));
  assert.equal(all.length, 21);
});
