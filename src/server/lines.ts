// Pure helpers of the language server: splicing LSP content changes into a line array, and comparing two
// diagnostic lists so an unchanged list is not sent again.
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { splitLines } from '../lint/document';

/**
 * Applies one content change to a document's lines and returns a new array. Lines outside the change are the
 * same string objects as before (only the array of references is copied), which is what lets the linter skip
 * them by identity.
 */
export function applyContentChange(lines: readonly string[], change: TextDocumentContentChangeEvent): string[] {
  if (!('range' in change)) return splitLines(change.text);
  const { start, end } = change.range;
  const last = Math.max(0, lines.length - 1);
  const startLine = Math.min(start.line, last);
  const endLine = Math.min(Math.max(end.line, startLine), last);
  const head = (lines[startLine] ?? '').slice(0, start.line > last ? undefined : start.character);
  const tail = end.line > last ? '' : (lines[endLine] ?? '').slice(end.character);
  const replaced = splitLines(head + change.text + tail);
  return lines.slice(0, startLine).concat(replaced, lines.slice(endLine + 1));
}

/** Whether two diagnostic lists would show the same thing (same order, range, severity, code and message). */
export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (
      x.code !== y.code ||
      x.severity !== y.severity ||
      x.message !== y.message ||
      x.range.start.line !== y.range.start.line ||
      x.range.start.character !== y.range.start.character ||
      x.range.end.line !== y.range.end.line ||
      x.range.end.character !== y.range.end.character
    )
      return false;
  }
  return true;
}
