// The status panel's HTML, kept free of 'vscode' so the browser test loads exactly what the panel serves.
// The only dynamic values are the nonce, the CSP source and the two resource URIs; all are escaped. Data
// never goes into HTML: it arrives later as a `state` message and is rendered as text nodes.
import { randomBytes } from 'node:crypto';

/** What the HTML of the status panel is built from. */
export interface StatusHtmlInput {
  /** webview.cspSource: where styles and fonts may come from. */
  cspSource: string;
  /** A fresh nonce for each HTML (makeNonce). */
  nonce: string;
  /** webview.asWebviewUri of dist/webview.js. */
  scriptUri: string;
  /** webview.asWebviewUri of dist/webview.css (media/status.css and uPlot's rules, bundled by esbuild). */
  styleUri: string;
}

/** 128 random bits, base64: the only script allowed to run carries it. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Escapes text for an HTML attribute value or text content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The Content-Security-Policy of the panel: nothing but our nonce'd script and the extension's styles and fonts. */
export function statusCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The panel's document: an empty root the webview script fills once the host posts state. */
export function statusPanelHtml(input: StatusHtmlInput): string {
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(statusCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(input.styleUri)}">
<title>etcd Status</title>
</head>
<body>
<main id="root" aria-busy="true"><p class="placeholder">Loading cluster status…</p></main>
<div id="notice" role="status" aria-live="polite"></div>
<script nonce="${e(input.nonce)}" src="${e(input.scriptUri)}"></script>
</body>
</html>
`;
}
