// Browser side of the etcd Inspector panels. The panels arrive with the status webview issue; this
// entry point already performs the ready handshake so the host knows when it may post state.
import '@vscode-elements/elements/dist/vscode-badge/index.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
vscode.postMessage({ type: 'ready' });
