/// <reference lib="dom" />
// The member hosts over SSH in a real VS Code: a real 3-member etcd 3.5 cluster whose members' host is
// 127.0.0.1 (their peer URLs' host), reached through the harness's real sshd on loopback. "Show Member Logs"
// from the palette opens one read-only editor with the pattern summary of every member on top (the cluster's
// first election counted) and each member's log under its header. The logs template reads the members' log
// files, as `journalctl -u etcd` would read their journals. A second cluster entry names an empty known_hosts
// file: its unknown host key is put in a modal with its SHA256 fingerprint, asked once for the three members on
// that host, and once trusted the logs are read. Rolling Restart from the palette: the plan modal names the
// cluster and every member, and once confirmed every member runs as a new process (through the harness's
// stand-in for systemd, test/harness/memberService.ts, which the restart template calls) and the toast says done.
//
// Needs scripts/setup-etcd.sh, scripts/setup-code-server.sh, Debian's openssh-server and a packaged .vsix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { quote } from 'shell-quote';
import type { Page } from 'playwright-core';
import { EtcdCluster } from '../harness/etcdCluster';
import { Sshd } from '../harness/sshd';
import { MemberService } from '../harness/memberService';
import { openViewContainer, runCommand, waitFor } from './harness/codeServer';
import { startE2eSession, type E2eSession } from './harness/session';

const UI_TIMEOUT_MS = 60_000;
const NAMES = ['etcd-1', 'etcd-2', 'etcd-3'];

let cluster: EtcdCluster;
let sshd: Sshd;
/** A second sshd: the bastion of the cluster added through an SSH host (stopped by that test). */
let bastion: Sshd;
let session: E2eSession;
let service: MemberService;
let memberConf: string;

/** The text of the active editor's visible lines (Monaco renders spaces as no-break spaces). */
async function editorText(page: Page): Promise<string> {
  const lines = page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first();
  return ((await lines.innerText().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
}

/** Waits for the quick input titled `title` and accepts the row containing `row` (the first row when omitted). */
async function accept(page: Page, title: string, row?: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  if (row !== undefined) {
    const input = widget.locator('.quick-input-box input');
    await input.fill(row);
    await widget
      .locator('.quick-input-list .monaco-list-row', { hasText: row })
      .first()
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  }
  await page.keyboard.press('Enter');
}

/** Waits for the input box titled `title` and enters `text`. */
async function enter(page: Page, title: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await widget.locator('.quick-input-box input').fill(text);
  await page.keyboard.press('Enter');
}

/**
 * Picks `file` in code-server's own file dialog (a quick input that takes a path): the folder first, then the
 * name typed as a user would, which the dialog completes; Enter until the dialog has taken it.
 */
async function pickFile(page: Page, title: string, file: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const heading = widget.locator('.quick-input-title', { hasText: title });
  await heading.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const input = widget.locator('.quick-input-box input');
  // The dialog puts its starting folder into the input a moment after it shows: fill after that, or the
  // folder ends up in front of the path.
  await waitFor(
    () => input.inputValue(),
    (v) => v.endsWith('/'),
    UI_TIMEOUT_MS,
    100,
  );
  await waitFor(
    async () => {
      await input.fill(`${dirname(file)}/`);
      return input.inputValue();
    },
    (v) => v === `${dirname(file)}/`,
    UI_TIMEOUT_MS,
  );
  await widget
    .locator('.quick-input-list .monaco-list-row', { hasText: basename(file) })
    .first()
    .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.pressSequentially(basename(file), { delay: 20 });
  await waitFor(
    () => input.inputValue(),
    (v) => v === file,
    UI_TIMEOUT_MS,
    100,
  );
  for (let i = 0; i < 5 && (await heading.isVisible()); i++) {
    await page.keyboard.press('Enter');
    await heading.waitFor({ state: 'hidden', timeout: 2000 }).catch(() => undefined);
  }
}

/** Text of every visible row of the Clusters tree (label and description), one string per row. */
async function treeRows(page: Page): Promise<string[]> {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

before(async () => {
  [sshd, bastion, cluster] = await Promise.all([Sshd.start(), Sshd.start(), EtcdCluster.start({ version: '3.5', size: 3, names: NAMES })]);
  const logsDir = join(cluster.baseDir, 'logs');
  mkdirSync(logsDir);
  for (const m of cluster.members) symlinkSync(m.logFile, join(logsDir, `${m.name}.log`));
  service = MemberService.install(cluster);
  memberConf = join(sshd.dir, 'etcd.conf');
  writeFileSync(memberConf, 'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=100\nETCD_ELECTION_TIMEOUT=1000\n');
  const ssh = {
    port: sshd.port,
    identityFile: sshd.userKey.file,
    sshConfig: false,
    commands: { logs: `tail -n {lines} ${quote([logsDir])}/{name}.log`, restart: `${quote([service.script])} restart {name}` },
    configFile: memberConf,
  };
  session = await startE2eSession({
    name: 'ssh',
    userSettings: {
      'etcdInspector.clusters': [
        {
          name: 'known',
          endpoints: [cluster.endpoints[0]],
          ssh: { ...ssh, knownHostsFile: sshd.writeKnownHosts('known_hosts', [sshd.knownHostsLine('hashed')]) },
        },
        {
          name: 'fresh',
          endpoints: [cluster.endpoints[1]],
          ssh: { ...ssh, knownHostsFile: sshd.writeKnownHosts('empty_known_hosts', []) },
        },
        // A tunnel that cannot be set up (its jump host is not a host): shown with the reason, never dialled directly.
        { name: 'bad-route', endpoints: [cluster.endpoints[0]], tunnel: { via: '127.0.0.1', jumpHost: 'not a host' } },
      ],
      'etcdInspector.refreshIntervalSeconds': 5,
    },
  });
  await openViewContainer(session.workbench.page, 'etcd Inspector', UI_TIMEOUT_MS);
});

after(async () => {
  await session?.close();
  service?.stopAll();
  await cluster?.destroy();
  await sshd?.stop();
  await bastion?.stop();
});

test('Show Member Logs from the palette: one editor, the summary of every member on top, then each log', async () => {
  await session.step('logs', async (wb) => {
    const page = wb.page;
    await cluster.waitForLeader();
    await runCommand(page, 'etcd Inspector: Show Member Logs');
    await accept(page, 'Show member logs: which cluster?', 'known');
    await accept(page, 'Show member logs of "known": which part?');
    const text = await waitFor(
      () => editorText(page),
      (t) => t.includes('etcd log summary: 3 members'),
      UI_TIMEOUT_MS,
    );
    await wb.screenshot('ssh-member-logs');
    assert.match(text, /etcd log summary: 3 members \(last 1000 lines, cluster known\)/);
    assert.match(text, /Counts are lower bounds/);
    for (const name of NAMES) assert.match(text, new RegExp(`\\n${name}: [\\d,]+ lines`), `${name}'s summary line`);
    // Every member saw the first election: raft's "elected leader" is counted in each summary.
    assert.equal((text.match(/\n {2}elected leader +\d+/g) ?? []).length, 3, text);
    const tab = page.locator('.part.editor .tab.active', { hasText: 'etcd logs of known' });
    await tab.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await runCommand(page, 'View: Close All Editors');
  });
});

test('an unknown host key is asked once in a modal with its SHA256 fingerprint; trusted, the logs are read', async () => {
  await session.step('host-key', async (wb) => {
    const page = wb.page;
    const fingerprint = `SHA256:${createHash('sha256').update(sshd.hostKey.blob).digest('base64').replace(/=+$/, '')}`;
    await runCommand(page, 'etcd Inspector: Show Member Logs');
    await accept(page, 'Show member logs: which cluster?', 'fresh');
    await accept(page, 'Show member logs of "fresh": which part?');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const question = (await dialog.textContent()) ?? '';
    await wb.screenshot('ssh-host-key-question');
    assert.ok(
      question.includes(`The host key of 127.0.0.1 port ${sshd.port} is not known. ${fingerprint} Trust it and connect?`),
      question,
    );
    await dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).first().click();
    const text = await waitFor(
      () => editorText(page),
      (t) => t.includes('etcd log summary: 3 members'),
      UI_TIMEOUT_MS,
    );
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'asked once for the three members on that host');
    for (const name of NAMES) assert.match(text, new RegExp(`\\n${name}: [\\d,]+ lines`));
  });
});

test('Rolling Restart from the palette: the plan names the cluster and every member; confirmed, each runs as a new process', async () => {
  await session.step('rolling-restart', async (wb) => {
    const page = wb.page;
    await cluster.waitForLeader();
    const before = NAMES.map((n) => service.pid(n));
    await runCommand(page, 'etcd Inspector: Rolling Restart');
    await accept(page, 'Rolling restart: which cluster?', 'known');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const text = (await dialog.textContent()) ?? '';
    await wb.screenshot('ssh-rolling-restart-modal');
    assert.match(text, /Rolling restart of cluster "known": 3 members, one at a time, followers first, the leader last/);
    for (const name of NAMES) assert.ok(text.includes(`restart ${name}`), `${name} in the plan: ${text}`);
    assert.ok(text.includes(`etcd-service restart etcd-2)`) && !text.includes('{name}'), `the commands as they will run: ${text}`);
    await dialog.locator('.monaco-button', { hasText: 'Restart' }).first().click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Rolling restart of cluster "known": done' });
    await toast.first().waitFor({ state: 'visible', timeout: 3 * UI_TIMEOUT_MS });
    await wb.screenshot('ssh-rolling-restart-done');
    const after = NAMES.map((n) => service.pid(n));
    for (let i = 0; i < NAMES.length; i++) assert.notEqual(after[i], before[i], `${NAMES[i]} was restarted`);
    // The harness no longer owns the restarted processes: ask every member itself (etcdctl endpoint status).
    const leaders = await Promise.all(cluster.members.map((m) => cluster.endpointStatus(m.clientUrl)));
    assert.equal(new Set(leaders.map((l) => l?.leader)).size, 1, JSON.stringify(leaders.map((l) => l?.leader)));
    assert.notEqual(leaders[0]?.leader ?? '0', '0', 'every member names the same leader after the restart');
  });
});

test('Open Member Configuration: the etcd.conf of a member over SFTP in an editor; saving asks, then writes it with a backup', async () => {
  await session.step('member-config', async (wb) => {
    const page = wb.page;
    await runCommand(page, 'etcd Inspector: Open Member Configuration (over SSH)');
    await accept(page, 'Open member configuration: which cluster?', 'known');
    await accept(page, 'Open member configuration of "known": which member?', 'etcd-1');
    await waitFor(
      () => editorText(page),
      (t) => t.includes('ETCD_HEARTBEAT_INTERVAL=100'),
      UI_TIMEOUT_MS,
    );
    const tab = page.locator('.part.editor .tab.active', { hasText: 'etcd.conf' });
    await tab.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // Append a line and save: the modal names the file, the member and the cluster.
    await page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('ETCD_SNAPSHOT_COUNT=10000\n');
    await page.keyboard.press('Control+S');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const question = (await dialog.textContent()) ?? '';
    await wb.screenshot('ssh-member-config-save');
    assert.ok(question.includes(`Write ${memberConf} on member etcd-1 of cluster "known"?`), question);
    assert.equal(readFileSync(memberConf, 'utf8').includes('ETCD_SNAPSHOT_COUNT'), false, 'nothing written before the answer');
    await dialog.locator('.monaco-button', { hasText: 'Write to the Host' }).first().click();
    await waitFor(
      async () => readFileSync(memberConf, 'utf8'),
      (t) => t.includes('ETCD_SNAPSHOT_COUNT=10000'),
      UI_TIMEOUT_MS,
    );
    const backups = readdirSync(sshd.dir).filter((f) => /^etcd\.conf\.etcd-inspector-\d{8}T\d{6}Z\.bak$/.test(f));
    assert.equal(backups.length, 1, readdirSync(sshd.dir).join(', '));
    assert.equal(
      readFileSync(join(sshd.dir, backups[0]), 'utf8'),
      'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=100\nETCD_ELECTION_TIMEOUT=1000\n',
    );
    await runCommand(page, 'View: Close All Editors');
  });
});

test('Add Cluster through an SSH host: the bastion\'s key asked once, the tree shows the members "via" it; with the bastion gone the cluster says so', async () => {
  await session.step('tunnel', async (wb) => {
    const page = wb.page;
    // The members may be the rolling restart's processes now (the harness does not own them): the tree
    // below waits for their leader.
    const route = `via ${bastion.user}@127.0.0.1:${bastion.port}`;
    await runCommand(page, 'etcd Inspector: Add Cluster');
    await enter(page, 'etcd Inspector: cluster name', 'behind-bastion');
    await enter(page, 'etcd Inspector: endpoints of "behind-bastion"', cluster.endpoints[2]);
    await accept(page, 'etcd Inspector: how does VS Code reach "behind-bastion"?', 'Through an SSH host');
    await enter(page, 'etcd Inspector: SSH host for "behind-bastion"', `${bastion.user}@127.0.0.1:${bastion.port}`);
    await accept(page, `How to log in to ${bastion.user}@127.0.0.1:${bastion.port}?`, 'A private key file');
    await pickFile(page, 'SSH private key', bastion.userKey.file);
    await enter(page, 'etcd user', '');
    // The first refresh meets the bastion's unknown host key: one modal, with the fingerprint.
    const fingerprint = `SHA256:${createHash('sha256').update(bastion.hostKey.blob).digest('base64').replace(/=+$/, '')}`;
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const question = (await dialog.textContent()) ?? '';
    assert.ok(question.includes(`The host key of 127.0.0.1 port ${bastion.port} is not known. ${fingerprint}`), question);
    await dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).first().click();
    const rows = await waitFor(
      () => treeRows(page),
      (r) => r.some((x) => x.startsWith('behind-bastion') && x.includes('3/3 healthy') && x.includes(route)),
      2 * UI_TIMEOUT_MS,
    );
    await wb.screenshot('ssh-tunnel-tree');
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'asked once');
    // Its own members are the three rows under it (the other clusters list the same names).
    const at = rows.findIndex((x) => x.startsWith('behind-bastion'));
    assert.deepEqual(
      rows
        .slice(at + 1, at + 4)
        .map((x) => NAMES.find((n) => x.startsWith(n)))
        .sort(),
      NAMES,
      rows.join('\n'),
    );
    // The configured cluster whose tunnel cannot be set up says why under it, and is not reached directly.
    assert.ok(
      rows.some((x) => x.startsWith('bad-route') && !x.includes('healthy') && x.includes('via 127.0.0.1')),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((x) => x.includes('the tunnel could not be set up: "not a host" is not an SSH host')),
      rows.join('\n'),
    );
    // The route is real: with the bastion gone, the cluster is not answered (a direct connection would be).
    // The listener and its connections (children of the listener: stopping sshd alone leaves them); its
    // files stay (the key), so what fails is the connection. after() cleans up.
    await bastion.dropConnections();
    process.kill(bastion.pid, 'SIGTERM');
    await runCommand(page, 'etcd Inspector: Refresh');
    const down = await waitFor(
      () => treeRows(page),
      (r) => r.some((x) => x.startsWith('behind-bastion') && !x.includes('healthy') && x.includes(route)) && r.some((x) => /SSH/.test(x)),
      UI_TIMEOUT_MS,
    );
    await wb.screenshot('ssh-tunnel-bastion-gone');
    assert.ok(
      down.some((x) => x.includes(`127.0.0.1:${bastion.port}`) && /refused/.test(x)),
      down.join('\n'),
    );
  });
});
