// The registry of lint rules, one file per rule. Rules arrive with the linter issue; the engine and the
// server are wired already so that adding a rule needs no other change.
import type { LintDiagnostic, LintOptions } from '../types';

/** A lint rule: its id is the diagnostic code. */
export interface Rule {
  id: string;
  check(text: string, options: LintOptions): LintDiagnostic[];
}

export const RULES: readonly Rule[] = [];
