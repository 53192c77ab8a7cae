// Collects the safe fixes of a lint run into one non-overlapping edit list ("Apply all safe fixes").
import { YAML_SYNTAX } from './parse/yaml';
import type { LintDiagnostic, TextEdit } from './types';

const before = (a: TextEdit, b: TextEdit): number =>
  a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
const endsBefore = (a: TextEdit, b: TextEdit): boolean =>
  a.range.end.line < b.range.start.line || (a.range.end.line === b.range.start.line && a.range.end.character <= b.range.start.character);

/**
 * The edits of every safe fix, skipping any that overlap an earlier one; apply them in one go. None for a YAML
 * document with syntax errors: there the positions of keys and values are the YAML parser's recovery guesses,
 * and fixes applied blindly can join lines or move keys into another mapping (the property test found both).
 */
export function safeFixEdits(diagnostics: readonly LintDiagnostic[]): TextEdit[] {
  if (diagnostics.some((d) => d.code === YAML_SYNTAX.id)) return [];
  const edits = diagnostics
    .flatMap((d) =>
      (d.fixes ?? [])
        .filter((f) => f.safe)
        .slice(0, 1)
        .flatMap((f) => f.edits),
    )
    .sort(before);
  const out: TextEdit[] = [];
  for (const e of edits) {
    const last = out[out.length - 1];
    if (!last || endsBefore(last, e)) out.push(e);
  }
  return out;
}

/** Applies edits to text (edits must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }): number =>
    p.line >= starts.length ? text.length : Math.min(text.length, starts[p.line] + p.character);
  let out = text;
  for (const e of [...edits].sort(before).reverse()) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
