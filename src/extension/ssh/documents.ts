// Read-only documents for the member-host commands' reports (logs, clocks, connectivity): a
// TextDocumentContentProvider of its own scheme, so a report is never an unsaved file, cannot be edited, and
// its untrusted text (log lines, member names, remote errors) is only ever text. `.log` names give VS Code's
// log colouring. A report's text is dropped when its document is closed.
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'etcd-inspector-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private count = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === REPORT_SCHEME) this.contents.delete(d.uri.toString());
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This report is no longer kept: run its command again.\n';
  }

  /** Opens a report in an editor of its own. */
  async show(name: string, content: string): Promise<void> {
    const uri = vscode.Uri.from({
      scheme: REPORT_SCHEME,
      path: `/${name.replace(/[^\w. -]+/g, '_').slice(0, 120)}.log`,
      query: String(++this.count),
    });
    this.contents.set(uri.toString(), content);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.contents.clear();
  }
}
