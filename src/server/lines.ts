// Pure helpers of the language server: splicing LSP content changes into a line array (refusing ranges no
// correct client sends), measuring a document against the lint size limit, and comparing two diagnostic
// lists so an unchanged list is not sent again.
import type { Diagnostic, Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { splitLines } from '../lint/document';
import { MAX_LINT_BYTES } from '../lint/limits';

const validPosition = (p: Position | undefined): boolean =>
  typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;

/**
 * Why a content change cannot be applied, or undefined when it can. A range with a negative or fractional
 * position, or whose end comes before its start, has no meaning: splicing it anyway duplicated or dropped text
 * in the server's copy, and every later diagnostic was then computed on text the editor does not have.
 * (Positions past the end of a line or of the document are clamped, as LSP asks.)
 */
export function changeProblem(change: TextDocumentContentChangeEvent): string | undefined {
  if (typeof (change as { text?: unknown }).text !== 'string') return 'the change has no text';
  if (!('range' in change)) return undefined;
  const range = change.range as { start?: Position; end?: Position } | undefined;
  if (!range || !validPosition(range.start) || !validPosition(range.end))
    return 'a range position is missing, negative or not a whole number';
  const { start, end } = range as { start: Position; end: Position };
  if (end.line < start.line || (end.line === start.line && end.character < start.character)) return 'the range ends before it starts';
  return undefined;
}

/**
 * Applies one content change to a document's lines and returns a new array. Lines outside the change are the
 * same string objects as before (only the array of references is copied), which is what lets the linter skip
 * them by identity.
 */
export function applyContentChange(lines: readonly string[], change: TextDocumentContentChangeEvent): string[] {
  if (changeProblem(change) !== undefined) return [...lines];
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

/**
 * The document's size in UTF-8 bytes (each line end counted as one byte; far over the limit, its length in
 * UTF-16 units, a lower bound) when it is over MAX_LINT_BYTES, else undefined. Bytes are counted only near
 * the limit: a UTF-16 unit is at most 3 bytes, so a document of at most a third of the limit in units is
 * within it, and one over the limit in units is over it in bytes.
 */
export function oversize(lines: readonly string[]): number | undefined {
  let units = Math.max(0, lines.length - 1);
  for (const l of lines) units += l.length;
  if (units * 3 <= MAX_LINT_BYTES) return undefined;
  if (units > MAX_LINT_BYTES) return units;
  let bytes = Math.max(0, lines.length - 1);
  for (const l of lines) bytes += Buffer.byteLength(l);
  return bytes > MAX_LINT_BYTES ? bytes : undefined;
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
