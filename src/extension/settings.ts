// Reads the etcdInspector.* settings. Clusters from workspace settings are honoured only in a trusted
// workspace: a cloned repository must not be able to point the extension at endpoints of its choosing.
import * as vscode from 'vscode';
import { parseClusterSettings, type ClusterSetting } from '../shared/settings';

export function readClusters(log?: vscode.LogOutputChannel): ClusterSetting[] {
  const config = vscode.workspace.getConfiguration('etcdInspector');
  const inspected = config.inspect<unknown>('clusters');
  const value = vscode.workspace.isTrusted ? config.get<unknown>('clusters') : inspected?.globalValue;
  const { clusters, problems } = parseClusterSettings(value);
  for (const problem of problems) log?.warn(problem);
  return clusters;
}
