// "Write Prometheus Alert Rules…": the rule file of src/metrics/alerts.ts for a cluster, in an untitled YAML
// document to review and save (as the runbook step documents open). Reads nothing from the cluster and
// changes nothing, so the read-only setting does not hide it.
import * as vscode from 'vscode';
import { alertRules, AlertRulesError, checkJobRegex, DEFAULT_JOB } from '../../metrics/alerts';

/** Asks for the scrape jobs' regex, then opens the rules for `cluster` (none: rules that name no cluster). */
export async function writeAlertRules(cluster: string | undefined): Promise<void> {
  const job = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `Prometheus alert rules${cluster === undefined ? '' : ` for "${cluster}"`}`,
    prompt: "The scrape jobs of the etcd members: a regex the whole job label must match (etcd's mixin uses .*etcd.*)",
    value: DEFAULT_JOB,
    validateInput: (value) => {
      try {
        checkJobRegex(value);
        return undefined;
      } catch (error) {
        return error instanceof AlertRulesError ? error.message : String(error);
      }
    },
  });
  if (job === undefined) return;
  let content: string;
  try {
    content = alertRules({ cluster, job });
  } catch (error) {
    if (!(error instanceof AlertRulesError)) throw error;
    void vscode.window.showErrorMessage(`Cannot write the alert rules: ${error.message}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(doc, { preview: false });
}
