// What every runbook action command does around the operation in src/etcd/actions: find the cluster (and
// member) from the tree node, the status panel's arguments or a picker; refuse a change on a read-only
// cluster; build the plan from a fresh refresh and ask in a modal naming the cluster and the members (a
// refusing quorum guard needs a second, explicit confirmation); run with cancellable progress (cancel aborts
// the context's signal: the action stops before its next member); log every step and etcd's answer; refresh
// the views; show the result with etcd's words and their meaning.
import * as vscode from 'vscode';
import {
  ActionRefusedError,
  actionError,
  readOnlyRefusal,
  renderPlan,
  type ActionContext,
  type ActionPlan,
  type ActionResult,
} from '../../etcd/actions/action';
import type { ClusterInspector } from '../../etcd/probe';
import type { ClusterSnapshot } from '../../etcd/model';
import { ACTION_WORDS, INSIST_CHOICE, confirmation, insistConfirmation, resultText, type MemberPickItem } from '../../shared/actionText';
import type { ClusterRegistry } from '../clusters/registry';
import type { Settings } from '../settings';

/** What the action commands work with. */
export interface ActionDeps {
  registry: ClusterRegistry;
  settings: Pick<Settings, 'isReadOnly'>;
  log: vscode.LogOutputChannel;
}

/** The cluster and member a command was invoked on (a tree node, the status panel's `{ cluster, member }`, or nothing). */
export interface ActionTarget {
  cluster?: string;
  memberId?: string;
}

/** Reads a command's argument: a tree node ({ cluster, memberId }), a webview's { cluster, member } or a cluster name. */
export function targetOf(arg: unknown): ActionTarget {
  if (typeof arg === 'string') return { cluster: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const cluster = typeof a.cluster === 'string' ? a.cluster : undefined;
  const member = typeof a.memberId === 'string' ? a.memberId : typeof a.member === 'string' ? a.member : undefined;
  return { cluster, memberId: member };
}

/**
 * The cluster an action runs on: the target's, else the only one, else a pick (read-only clusters are listed
 * with that word for a change, so the refusal that follows is no surprise). Undefined when cancelled.
 */
export async function pickCluster(deps: ActionDeps, target: ActionTarget, title: string, mutating: boolean): Promise<string | undefined> {
  const names = deps.registry.names();
  if (target.cluster !== undefined) {
    if (names.includes(target.cluster)) return target.cluster;
    void vscode.window.showErrorMessage(`${title}: no cluster named "${target.cluster}" is configured.`);
    return undefined;
  }
  if (names.length === 0) {
    void vscode.window.showErrorMessage(`${title}: no etcd cluster is configured. Add one first.`);
    return undefined;
  }
  if (names.length === 1) return names[0];
  const picked = await vscode.window.showQuickPick(
    names.map((name) => ({ label: name, description: mutating && deps.settings.isReadOnly(name) ? 'read-only' : undefined })),
    { title: `${title}: which cluster?` },
  );
  return picked?.label;
}

/** True (after saying so and logging it) when `cluster` is read-only: the host's own check, whatever a menu showed. */
export function refusedAsReadOnly(deps: ActionDeps, cluster: string, title: string): boolean {
  if (!deps.settings.isReadOnly(cluster)) return false;
  const text = `${title} refused: ${readOnlyRefusal(cluster)}.`;
  deps.log.warn(text);
  void vscode.window.showErrorMessage(text);
  return true;
}

/** The cluster's latest snapshot for the pickers (refreshed first when there is none yet). */
export async function latestSnapshot(deps: ActionDeps, cluster: string): Promise<ClusterSnapshot | undefined> {
  if (!deps.registry.snapshot(cluster)) await deps.registry.refresh(cluster);
  return deps.registry.snapshot(cluster);
}

/** A member picker over pure items; the first item is the default. Undefined when cancelled or empty (said so). */
export async function pickMember(items: MemberPickItem[], title: string, empty: string): Promise<string | undefined> {
  if (items.length === 0) {
    void vscode.window.showErrorMessage(empty);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
  return picked?.memberId;
}

/** The context of one run: the cluster's inspector, cancel, progress, log (prefixed with the cluster), read-only. */
function contextFor(
  deps: ActionDeps,
  cluster: string,
  inspector: ClusterInspector,
  extra: { signal?: AbortSignal; progress?: (m: string) => void; insist?: boolean },
): ActionContext {
  return {
    inspector,
    signal: extra.signal,
    progress: extra.progress,
    // What was done and etcd's answer; profiles (and so passwords) are never logged.
    log: (line) => deps.log.info(`${cluster}: ${line}`),
    readOnly: deps.settings.isReadOnly(cluster),
    insist: extra.insist,
  };
}

/** The cluster's inspector, or undefined after saying why. */
async function inspectorOf(deps: ActionDeps, cluster: string, title: string): Promise<ClusterInspector | undefined> {
  const inspector = await deps.registry.inspector(cluster);
  if (!inspector) void vscode.window.showErrorMessage(`${title}: cluster "${cluster}" is not configured.`);
  return inspector;
}

/** Asks in a modal; a refusing guard needs a second confirmation. Resolves to whether to insist, or undefined: do not run. */
export async function confirmPlan(plan: ActionPlan): Promise<{ insist: boolean } | undefined> {
  const c = confirmation(plan);
  if (c.confirm === null) {
    await vscode.window.showErrorMessage(c.message, { modal: true, detail: c.detail });
    return undefined;
  }
  const first = await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, c.confirm);
  if (first !== c.confirm) return undefined;
  if (!c.guardRefuses) return { insist: false };
  const second = insistConfirmation(plan);
  const again = await vscode.window.showWarningMessage(second.message, { modal: true, detail: second.detail }, INSIST_CHOICE);
  return again === INSIST_CHOICE ? { insist: true } : undefined;
}

/** Shows a result (error: etcd's words and their meaning); the steps go to the log, which one click opens. */
export async function showResult(deps: ActionDeps, result: ActionResult): Promise<void> {
  const text = resultText(result);
  const line = `${text.message}${text.detail ? `\n${text.detail}` : ''}`;
  if (text.severity === 'error') deps.log.error(line);
  else if (text.severity === 'warning') deps.log.warn(line);
  else deps.log.info(line);
  const show =
    text.severity === 'error'
      ? vscode.window.showErrorMessage
      : text.severity === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  const choice = await show(text.message, 'Show Log');
  if (choice === 'Show Log') deps.log.show(true);
}

/** Runs `work` under a cancellable notification; cancel aborts the signal it is given. */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    return work(abort.signal, (message) => progress.report({ message })).finally(() => subscription.dispose());
  });
}

/** One mutating action: plan from a fresh refresh, modal, run with progress and cancel, log, refresh, result. */
export async function runPlanned<R extends ActionResult>(
  deps: ActionDeps,
  cluster: string,
  options: {
    plan: (snapshot: ClusterSnapshot) => ActionPlan;
    run: (context: ActionContext) => Promise<R>;
  },
): Promise<R | undefined> {
  const inspector = await inspectorOf(deps, cluster, 'Runbook action');
  if (!inspector) return undefined;
  let plan: ActionPlan;
  try {
    const fresh = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading cluster "${cluster}"…` },
      () => inspector.refresh(),
    );
    plan = options.plan(fresh);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot plan the action on "${cluster}": ${actionError(error).text}`);
    return undefined;
  }
  const title = ACTION_WORDS[plan.action].title;
  if (plan.mutating && refusedAsReadOnly(deps, cluster, title)) return undefined;
  const answer = await confirmPlan(plan);
  if (!answer) {
    deps.log.info(`${cluster}: ${title}: not confirmed, nothing done`);
    return undefined;
  }
  deps.log.info(`${cluster}: ${title}: confirmed${answer.insist ? ', insisting past the quorum guard' : ''}\n${renderPlan(plan)}`);
  return execute(deps, cluster, title, inspector, answer.insist, options.run);
}

/** Runs an action that needs no plan of its own (or whose confirmation was asked already) with progress, log and result. */
export async function execute<R extends ActionResult>(
  deps: ActionDeps,
  cluster: string,
  title: string,
  inspectorOrNull: ClusterInspector | null,
  insist: boolean,
  run: (context: ActionContext) => Promise<R>,
): Promise<R | undefined> {
  const inspector = inspectorOrNull ?? (await inspectorOf(deps, cluster, title));
  if (!inspector) return undefined;
  let result: R;
  try {
    result = await withCancellableProgress(`${title} — ${cluster}`, (signal, report) =>
      run(contextFor(deps, cluster, inspector, { signal, progress: report, insist })),
    );
  } catch (error) {
    if (error instanceof ActionRefusedError) {
      deps.log.warn(`${cluster}: ${title} refused: ${error.message}`);
      void vscode.window.showErrorMessage(`${title} refused: ${error.message}`);
    } else {
      const e = actionError(error);
      deps.log.error(`${cluster}: ${title} failed: ${e.text}${e.meaning ? ` (${e.meaning})` : ''}`);
      void vscode.window.showErrorMessage(`${title} of cluster "${cluster}" failed: ${e.text}${e.meaning ? ` — ${e.meaning}` : ''}`);
    }
    void deps.registry.refresh(cluster);
    return undefined;
  }
  void deps.registry.refresh(cluster);
  await showResult(deps, result);
  return result;
}

/** Runs a read-only action (alarms list, guides): cancellable progress, errors shown with their meaning. */
export async function readOnlyRun<T>(
  deps: ActionDeps,
  cluster: string,
  title: string,
  run: (context: ActionContext) => Promise<T>,
): Promise<T | undefined> {
  const inspector = await inspectorOf(deps, cluster, title);
  if (!inspector) return undefined;
  try {
    return await withCancellableProgress(`${title} — ${cluster}`, (signal, report) =>
      run(contextFor(deps, cluster, inspector, { signal, progress: report })),
    );
  } catch (error) {
    const e = actionError(error);
    deps.log.error(`${cluster}: ${title} failed: ${e.text}`);
    void vscode.window.showErrorMessage(`${title} of cluster "${cluster}" failed: ${e.text}${e.meaning ? ` — ${e.meaning}` : ''}`);
    return undefined;
  }
}
