// Browser side of the status panel: posts `ready`, then renders every `state` the host posts. Messages are
// told apart with the shared `is()` guards; all data is rendered as text (see dom.ts).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import { FocusClusterMessage, NoticeMessage, StateMessage, StatusWebviewState } from '../shared/messages';
import type { StatusViewModel } from '../shared/statusViewModel';
import { renderAll, type Actions } from './render';
import { drawCharts, watchTheme } from './charts';
import { connectHost } from './vscodeApi';

const host = connectHost();
const saved = host.getState();
let selected = StatusWebviewState.is(saved) ? saved.selectedCluster : undefined;
let clusters: StatusViewModel[] = [];
let noticeTimer: ReturnType<typeof setTimeout> | undefined;

function remember(cluster: string): void {
  selected = cluster;
  host.setState({ selectedCluster: cluster });
}

const actions: Actions = {
  refresh: (cluster) => host.post({ type: 'refresh', cluster }),
  run: (action) => host.post({ type: 'runCommand', command: action.command, args: action.args }),
  copyTable: (cluster, table) => host.post({ type: 'copyTable', cluster, table }),
  exportJson: (cluster) => host.post({ type: 'exportJson', cluster }),
  select: remember,
};

// Live updates replace the DOM; keep the keyboard focus, the page's scroll position (the charts are far down)
// and the horizontal scroll of each table where they were.
function render(): void {
  const root = document.getElementById('root');
  if (!root) return;
  // The new tabs lay their panels out in their first (asynchronous) update, and the tables take their widths a
  // frame later: until then the page would be short and the browser would move it to the top. Its height is
  // held meanwhile (media/status.css turns scroll anchoring off, so the position stays as it was).
  root.style.minHeight = `${root.offsetHeight}px`;
  const active = document.activeElement?.closest('[data-key]')?.getAttribute('data-key') ?? null;
  const scroll = new Map<string, number>();
  root.querySelectorAll<HTMLElement>('.table-scroll[data-key]').forEach((e) => scroll.set(e.dataset.key ?? '', e.scrollLeft));
  root.replaceChildren(renderAll(clusters, selected, actions));
  drawCharts(root, clusters);
  root.setAttribute('aria-busy', 'false');
  root.querySelectorAll<HTMLElement>('[data-key]').forEach((e) => {
    const key = e.dataset.key ?? '';
    const left = scroll.get(key);
    if (left !== undefined) e.scrollLeft = left;
    // A web component becomes focusable in its first (asynchronous) update.
    if (key === active) void Promise.resolve((e as { updateComplete?: Promise<unknown> }).updateComplete).then(() => e.focus());
  });
  const tabs = root.querySelector('vscode-tabs') as { updateComplete?: Promise<unknown> } | null;
  void Promise.resolve(tabs?.updateComplete).then(() =>
    requestAnimationFrame(() => requestAnimationFrame(() => (root.style.minHeight = ''))),
  );
}

function showNotice(text: string, severity: 'info' | 'error'): void {
  const notice = document.getElementById('notice');
  if (!notice) return;
  notice.textContent = text;
  notice.className = `notice ${severity}`;
  if (noticeTimer) clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.textContent = '';
    notice.className = '';
  }, 5000);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (StateMessage.is(message)) {
    clusters = message.clusters;
    if (message.focus !== undefined) remember(message.focus);
    render();
  } else if (FocusClusterMessage.is(message)) {
    remember(message.cluster);
    render();
  } else if (NoticeMessage.is(message)) {
    showNotice(message.text, message.severity);
  }
});

watchTheme();
host.post({ type: 'ready' });
