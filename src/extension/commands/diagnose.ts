// "Diagnose Cluster": a fresh refresh, then the cause engine (src/etcd/causes.ts) on it with the cluster's
// timeline (when each down member went down) and the SSH connectivity matrix if one was measured lately. The
// report opens as a Markdown preview; VS Code's Markdown preview does not run command links
// (microsoft/vscode#215939), so the top cause's runbook step and action are offered as buttons beside it.
// "Export Cluster Timeline" opens the timeline as JSON.
import * as vscode from 'vscode';
import { diagnose, type DiagnosisInput } from '../../etcd/causes';
import type { ClusterSnapshot } from '../../etcd/model';
import { SELECTOR } from '../lspClient';
import { causesMarkdown, markdownText } from '../../etcd/printer';
import type { ClusterRegistry } from '../clusters/registry';

/** The timeline's newest events shown under the causes. */
const TIMELINE_IN_REPORT = 30;

export async function diagnoseCluster(registry: ClusterRegistry, cluster: string, log: vscode.LogOutputChannel): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Diagnosing "${cluster}"…` }, () =>
    registry.refresh(cluster),
  );
  const snapshot = registry.snapshot(cluster);
  if (!snapshot) return;
  const timeline = registry.timeline(cluster);
  const memberViews = await (await registry.inspector(cluster))?.memberViews(snapshot);
  const d = diagnose({
    snapshot,
    memberViews,
    downSince: timeline?.downSinceAll(),
    matrix: registry.sshMatrix(cluster),
    config: openConfigFindings(snapshot),
  });
  log.info(`diagnose ${cluster}: ${d.headline}`);
  const events = timeline?.list().slice(-TIMELINE_IN_REPORT) ?? [];
  const history = events.length
    ? ['## Timeline (newest last)', '', ...events.map((e) => `- ${markdownText(e.at)} · ${e.kind} · ${markdownText(e.text)}`), '']
    : [];
  const doc = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: [causesMarkdown(d, cluster), ...history].join('\n'),
  });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  const top = d.causes[0];
  if (top.verdict !== 'confirmed' && top.verdict !== 'likely') return;
  const openStep = `Open ${top.step}`;
  const buttons = [openStep, ...(top.action ? [top.action.title] : [])];
  const show = d.hasLeader ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const choice = await show(d.headline, ...buttons);
  if (choice === openStep) await vscode.commands.executeCommand('etcdInspector.showRunbookStep', { cluster, step: top.stepId });
  else if (top.action && choice === top.action.title) await vscode.commands.executeCommand(top.action.command, { cluster });
}

/**
 * The language server's findings on the open configuration files of this cluster's members (a file is this
 * cluster's when it names one of the members' peer URLs), for the configuration-mismatch cause.
 */
function openConfigFindings(snapshot: ClusterSnapshot): DiagnosisInput['config'] {
  const peers = new Set(snapshot.members.flatMap((m) => m.peerURLs).map((u) => u.replace(/\/+$/, '')));
  const docs = vscode.workspace.textDocuments.filter(
    (doc) => vscode.languages.match(SELECTOR, doc) > 0 && [...peers].some((u) => doc.getText().includes(u)),
  );
  const findings = docs.flatMap((doc) =>
    vscode.languages
      .getDiagnostics(doc.uri)
      .filter((d) => d.source === 'etcd')
      .map((d) => ({
        file: vscode.workspace.asRelativePath(doc.uri),
        line: d.range.start.line,
        code: typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''),
        message: d.message,
      })),
  );
  return { files: docs.length, findings };
}

/** The cluster's timeline as JSON in an untitled editor. */
export async function exportTimeline(registry: ClusterRegistry, cluster: string): Promise<void> {
  const events = registry.timeline(cluster)?.list() ?? [];
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify({ cluster, events }, null, 2)}\n` });
  await vscode.window.showTextDocument(doc, { preview: false });
}
