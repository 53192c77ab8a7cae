// The webview side of VS Code's messaging, typed with the shared protocol.
import type { StatusWebviewState, WebviewToHostMessage } from '../shared/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The typed handle on the host; acquireVsCodeApi may be called once per page. */
export interface Host {
  post(message: WebviewToHostMessage): void;
  getState(): unknown;
  setState(state: StatusWebviewState): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
