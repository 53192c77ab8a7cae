// The shape of a lint rule and small helpers the rule files share.
import type { ConfigDocument, Entry } from '../document';
import type { RuleContext } from '../context';
import type { LintDiagnostic, LintFix, Range, Severity, TextEdit } from '../types';

/** A lint rule: its id is the diagnostic code. */
export interface Rule {
  id: string;
  check(doc: ConfigDocument, ctx: RuleContext): LintDiagnostic[];
}

/** Builds a finding of a rule. */
export function finding(code: string, severity: Severity, message: string, range: Range, fixes?: LintFix[]): LintDiagnostic {
  const d: LintDiagnostic = { code, severity, message, range };
  if (fixes && fixes.length > 0) d.fixes = fixes;
  return d;
}

/** A fix from edits, dropping it when an edit could not be built. */
export function fix(title: string, safe: boolean, ...edits: (TextEdit | undefined)[]): LintFix[] {
  return edits.every((e): e is TextEdit => e !== undefined) ? [{ title, safe, edits }] : [];
}

/** "etcd refuses to start: <etcd's message>", the form every Error message takes. */
export function refuses(etcdMessage: string, extra = ''): string {
  return `etcd refuses to start: "${etcdMessage}"${extra ? `. ${extra}` : ''}`;
}

/** The entry's key range, or the start of the document when the flag is unset (defaults). */
export function where(e: Entry | undefined, doc: ConfigDocument): Range {
  if (e) return e.keyRange;
  const first = doc.entries[0];
  return first ? first.keyRange : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
