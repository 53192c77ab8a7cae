// The messages between the status webview and its panel host, declared once. Each message is an interface
// plus a same-named constant with an `is()` guard; both sides switch on these guards, never on bare strings.
// Guards of webview→host messages check every field: the host treats the webview as untrusted input.
import type { StatusViewModel, TableKind } from './statusViewModel';

/**
 * The extension commands the webview's buttons may ask the host to run: the host allow-lists exactly these.
 * The runbook actions among them ask their own modal confirmation in the host, which also refuses them on a
 * read-only cluster whatever the webview shows.
 */
export const STATUS_PANEL_COMMANDS = [
  'etcdInspector.refresh',
  'etcdInspector.showRunbookStep',
  'etcdInspector.showLog',
  'etcdInspector.defragmentCluster',
  'etcdInspector.disarmAlarm',
  'etcdInspector.removeMember',
  'etcdInspector.promoteMember',
  'etcdInspector.showRecoveryGuide',
] as const;

/** One of STATUS_PANEL_COMMANDS. */
export type StatusPanelCommand = (typeof STATUS_PANEL_COMMANDS)[number];

const TABLE_KINDS: readonly TableKind[] = ['endpoints', 'members', 'checklist'];

function record(m: unknown, type: string): m is Record<string, unknown> {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && (m as { type?: unknown }).type === type;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** A member id as the tree and the snapshot write it: 16 lowercase hex digits. */
const isMemberId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);

/** webview → host: the page is loaded and listening; the host answers with `state`. */
export interface ReadyMessage {
  type: 'ready';
}
export const ReadyMessage = {
  is: (m: unknown): m is ReadyMessage => record(m, 'ready'),
};

/** webview → host: refresh one cluster now (every cluster when `cluster` is absent). */
export interface RefreshMessage {
  type: 'refresh';
  cluster?: string;
}
export const RefreshMessage = {
  is: (m: unknown): m is RefreshMessage => record(m, 'refresh') && (m.cluster === undefined || isString(m.cluster)),
};

/** webview → host: run one of STATUS_PANEL_COMMANDS with one argument object (a checklist or banner button). */
export interface RunCommandMessage {
  type: 'runCommand';
  command: StatusPanelCommand;
  args: { cluster?: string; step?: number; member?: string };
}
export const RunCommandMessage = {
  is: (m: unknown): m is RunCommandMessage => {
    if (!record(m, 'runCommand')) return false;
    if (!(STATUS_PANEL_COMMANDS as readonly unknown[]).includes(m.command)) return false;
    const args = m.args;
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return false;
    const a = args as Record<string, unknown>;
    return (
      Object.keys(a).every((k) => k === 'cluster' || k === 'step' || k === 'member') &&
      (a.cluster === undefined || isString(a.cluster)) &&
      (a.member === undefined || isMemberId(a.member)) &&
      (a.step === undefined || (typeof a.step === 'number' && Number.isInteger(a.step)))
    );
  },
};

/** webview → host: copy one table of a cluster to the clipboard as plain text. */
export interface CopyTableMessage {
  type: 'copyTable';
  cluster: string;
  table: TableKind;
}
export const CopyTableMessage = {
  is: (m: unknown): m is CopyTableMessage =>
    record(m, 'copyTable') && isString(m.cluster) && (TABLE_KINDS as readonly unknown[]).includes(m.table),
};

/** webview → host: export a cluster's endpoint status as `etcdctl endpoint status -w json`. */
export interface ExportJsonMessage {
  type: 'exportJson';
  cluster: string;
}
export const ExportJsonMessage = {
  is: (m: unknown): m is ExportJsonMessage => record(m, 'exportJson') && isString(m.cluster),
};

/** Every message the webview sends. */
export type WebviewToHostMessage = ReadyMessage | RefreshMessage | RunCommandMessage | CopyTableMessage | ExportJsonMessage;

/** host → webview: every cluster's view-model, replacing what is shown; `focus` selects a cluster's tab. */
export interface StateMessage {
  type: 'state';
  clusters: StatusViewModel[];
  focus?: string;
}
export const StateMessage = {
  is: (m: unknown): m is StateMessage => record(m, 'state') && Array.isArray(m.clusters) && (m.focus === undefined || isString(m.focus)),
};

/** host → webview: show this cluster's tab (createOrShow with a cluster name on an open panel). */
export interface FocusClusterMessage {
  type: 'focusCluster';
  cluster: string;
}
export const FocusClusterMessage = {
  is: (m: unknown): m is FocusClusterMessage => record(m, 'focusCluster') && isString(m.cluster),
};

/** host → webview: one line of feedback on the last action (copied, exported, refused). */
export interface NoticeMessage {
  type: 'notice';
  text: string;
  severity: 'info' | 'error';
}
export const NoticeMessage = {
  is: (m: unknown): m is NoticeMessage => record(m, 'notice') && isString(m.text) && (m.severity === 'info' || m.severity === 'error'),
};

/** Every message the host sends. */
export type HostToWebviewMessage = StateMessage | FocusClusterMessage | NoticeMessage;

/** What the webview keeps with vscode.setState (and the panel serializer gets back after a reload). */
export interface StatusWebviewState {
  selectedCluster?: string;
}
export const StatusWebviewState = {
  is: (s: unknown): s is StatusWebviewState =>
    typeof s === 'object' &&
    s !== null &&
    ((s as { selectedCluster?: unknown }).selectedCluster === undefined || isString((s as { selectedCluster?: unknown }).selectedCluster)),
};
