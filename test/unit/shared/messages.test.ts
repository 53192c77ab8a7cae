// The status panel's message guards and the host's command allow-list: what a webview may and may not ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyTableMessage,
  ExportJsonMessage,
  ReadyMessage,
  RefreshMessage,
  RunCommandMessage,
  StateMessage,
  StatusWebviewState,
} from '../../../src/shared/messages';
import { decideRunCommand } from '../../../src/extension/webview/commands';
import { escapeHtml, makeNonce, statusCsp, statusPanelHtml } from '../../../src/extension/webview/html';

test('guards accept well-formed messages and reject everything else', () => {
  assert.ok(ReadyMessage.is({ type: 'ready' }));
  assert.ok(!ReadyMessage.is({ type: 'refresh' }));
  assert.ok(!ReadyMessage.is(null));
  assert.ok(!ReadyMessage.is('ready'));
  assert.ok(RefreshMessage.is({ type: 'refresh' }));
  assert.ok(RefreshMessage.is({ type: 'refresh', cluster: 'prod' }));
  assert.ok(!RefreshMessage.is({ type: 'refresh', cluster: 1 }));
  assert.ok(CopyTableMessage.is({ type: 'copyTable', cluster: 'prod', table: 'members' }));
  assert.ok(!CopyTableMessage.is({ type: 'copyTable', cluster: 'prod', table: 'secrets' }));
  assert.ok(ExportJsonMessage.is({ type: 'exportJson', cluster: 'prod' }));
  assert.ok(!ExportJsonMessage.is({ type: 'exportJson' }));
  assert.ok(StateMessage.is({ type: 'state', clusters: [] }));
  assert.ok(!StateMessage.is({ type: 'state', clusters: {} }));
  assert.ok(StatusWebviewState.is({ selectedCluster: 'prod' }));
  assert.ok(StatusWebviewState.is({}));
  assert.ok(!StatusWebviewState.is({ selectedCluster: 3 }));
});

test('runCommand: only the allow-listed commands, only cluster/step arguments of the right types', () => {
  assert.ok(RunCommandMessage.is({ type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: 5 } }));
  assert.ok(RunCommandMessage.is({ type: 'runCommand', command: 'etcdInspector.showLog', args: {} }));
  for (const command of [
    'workbench.action.terminal.sendSequence',
    'vscode.open',
    'etcdInspector.addMember',
    'etcdInspector.moveLeader',
    '',
  ])
    assert.ok(!RunCommandMessage.is({ type: 'runCommand', command, args: {} }), command);
  assert.ok(!RunCommandMessage.is({ type: 'runCommand', command: 'etcdInspector.refresh', args: { cluster: 'prod', text: 'rm -rf /' } }));
  assert.ok(!RunCommandMessage.is({ type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: '5' } }));
  assert.ok(!RunCommandMessage.is({ type: 'runCommand', command: 'etcdInspector.refresh', args: [] }));
  assert.ok(!RunCommandMessage.is({ type: 'runCommand', command: 'etcdInspector.refresh' }));
});

test('the host runs commands only for configured clusters and real runbook steps', () => {
  const names = ['prod', 'staging'];
  assert.deepEqual(
    decideRunCommand({ type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: 5 } }, names),
    {
      ok: true,
      command: 'etcdInspector.showRunbookStep',
      args: [{ cluster: 'prod', step: 5 }],
    },
  );
  assert.deepEqual(decideRunCommand({ type: 'runCommand', command: 'etcdInspector.refresh', args: { cluster: 'staging' } }, names), {
    ok: true,
    command: 'etcdInspector.refresh',
    args: [{ cluster: 'staging' }],
  });
  assert.deepEqual(decideRunCommand({ type: 'runCommand', command: 'etcdInspector.showLog', args: { cluster: 'x' } }, names), {
    ok: true,
    command: 'etcdInspector.showLog',
    args: [],
  });
  assert.equal(decideRunCommand({ type: 'runCommand', command: 'etcdInspector.refresh', args: { cluster: 'other' } }, names).ok, false);
  assert.equal(
    decideRunCommand({ type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: 11 } }, names).ok,
    false,
  );
  assert.equal(
    decideRunCommand({ type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod' } }, names).ok,
    false,
  );
});

test('runbook actions from checklist buttons: a member must be a 16-digit hex id, and the host re-checks cluster, member and read-only', () => {
  const remove = { type: 'runCommand', command: 'etcdInspector.removeMember', args: { cluster: 'staging', member: '8e9e05c52164694d' } };
  assert.ok(RunCommandMessage.is(remove));
  assert.ok(!RunCommandMessage.is({ ...remove, args: { cluster: 'staging', member: 'etcd-1' } }));
  assert.ok(!RunCommandMessage.is({ ...remove, args: { cluster: 'staging', member: 42 } }));
  if (!RunCommandMessage.is(remove)) return;
  const names = ['production', 'staging'];
  const checks = {
    isReadOnly: (c: string) => c === 'production',
    memberIds: (c: string) => (c === 'staging' ? ['8e9e05c52164694d'] : ['fd422379fda50e48']),
  };
  assert.deepEqual(decideRunCommand(remove, names, checks), {
    ok: true,
    command: 'etcdInspector.removeMember',
    args: [{ cluster: 'staging', member: '8e9e05c52164694d' }],
  });
  assert.deepEqual(decideRunCommand({ ...remove, args: { cluster: 'production', member: 'fd422379fda50e48' } }, names, checks), {
    ok: false,
    reason: '"production" is read-only (etcdInspector.readOnly or the cluster\'s readOnly setting)',
  });
  assert.equal(
    decideRunCommand({ ...remove, args: { cluster: 'staging', member: 'fd422379fda50e48' } }, names, checks).ok,
    false,
    'not a member of staging',
  );
  assert.equal(decideRunCommand({ ...remove, args: { cluster: 'staging' } }, names, checks).ok, false, 'remove needs a member');
  assert.equal(
    decideRunCommand({ type: 'runCommand', command: 'etcdInspector.defragmentCluster', args: { cluster: 'production' } }, names, checks).ok,
    false,
  );
  assert.deepEqual(
    decideRunCommand({ type: 'runCommand', command: 'etcdInspector.defragmentCluster', args: { cluster: 'staging' } }, names, checks),
    { ok: true, command: 'etcdInspector.defragmentCluster', args: [{ cluster: 'staging' }] },
  );
  assert.equal(
    decideRunCommand(
      { type: 'runCommand', command: 'etcdInspector.defragmentCluster', args: { cluster: 'staging', member: '8e9e05c52164694d' } },
      names,
      checks,
    ).ok,
    false,
    'defragment takes no member',
  );
  // The recovery guide only writes a document: allowed on a read-only cluster.
  assert.deepEqual(
    decideRunCommand({ type: 'runCommand', command: 'etcdInspector.showRecoveryGuide', args: { cluster: 'production' } }, names, checks),
    { ok: true, command: 'etcdInspector.showRecoveryGuide', args: [{ cluster: 'production' }] },
  );
  // Without the host's checks, every change is refused.
  assert.equal(decideRunCommand(remove, names).ok, false);
});

test('panel HTML: strict CSP with a fresh nonce, dynamic values escaped, no data in the markup', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.equal(Buffer.from(a, 'base64').length, 16);
  assert.equal(
    statusCsp('https://x.vscode-cdn.net', 'n0nce'),
    "default-src 'none'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net; script-src 'nonce-n0nce'",
  );
  const html = statusPanelHtml({
    cspSource: 'https://x"><script>',
    nonce: 'n"1',
    scriptUri: 'https://s/webview.js?a=1&b="',
    styleUri: 'https://s/status.css',
  });
  assert.ok(!html.includes('"><script>'));
  assert.ok(html.includes('nonce="n&quot;1"'));
  assert.ok(html.includes('src="https://s/webview.js?a=1&amp;b=&quot;"'));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.equal(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
});
