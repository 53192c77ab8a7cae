// Palette commands of the configuration linter. The logic is in src/lint (pure) and in the language server
// (source.fixAll.etcd); these only talk to the editor.
import * as vscode from 'vscode';
import { parseDocument } from '../../lint/engine';
import { generateMemberConfig, validateNewMember } from '../../lint/memberConfig';
import { detectFormat } from '../../shared/documents';

/** The code action kind the server offers for "apply all safe fixes". */
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('etcd');

/** Registers etcdInspector.applySafeFixes and etcdInspector.generateMemberConfig. */
export function registerLintCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('etcdInspector.applySafeFixes', applySafeFixes),
    vscode.commands.registerCommand('etcdInspector.generateMemberConfig', generateMember),
  );
}

async function applySafeFixes(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Open an etcd configuration file first.');
    return;
  }
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    editor.document.uri,
    new vscode.Range(0, 0, editor.document.lineCount, 0),
    FIX_ALL_KIND.value,
  );
  const action = actions?.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind));
  if (!action?.edit) {
    void vscode.window.showInformationMessage('No safe etcd fixes to apply in this file.');
    return;
  }
  await vscode.workspace.applyEdit(action.edit);
}

async function generateMember(): Promise<void> {
  const name = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Generate member configuration (1/2)',
    prompt: 'Name of the new member (as given to etcdctl member add)',
    validateInput: (v) => (v === '' ? undefined : validateNewMember({ name: v, peerUrl: 'http://localhost:2380' })),
  });
  if (!name) return;
  const peerUrl = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Generate member configuration (2/2)',
    prompt: `Peer URL of ${name}`,
    placeHolder: 'http://10.0.0.4:2380',
    validateInput: (v) => (v === '' ? undefined : validateNewMember({ name, peerUrl: v })),
  });
  if (!peerUrl) return;
  // Carry the cluster-wide settings over from the etcd config open in the editor, if any.
  const active = vscode.window.activeTextEditor?.document;
  const from =
    active && (active.languageId === 'etcd-conf' || active.languageId === 'yaml')
      ? parseDocument(active.getText(), active.languageId === 'yaml' ? 'yaml' : detectFormat(active.fileName, active.getText()))
      : undefined;
  const doc = await vscode.workspace.openTextDocument({ language: 'etcd-conf', content: generateMemberConfig({ name, peerUrl }, from) });
  await vscode.window.showTextDocument(doc);
}
