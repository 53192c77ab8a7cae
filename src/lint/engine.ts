// The lint engine: a flatMap over the enabled rules. Knows nothing of LSP or VS Code.
import type { LintDiagnostic, LintOptions } from './types';
import { RULES } from './rules';

export function lintText(text: string, options: LintOptions): LintDiagnostic[] {
  return RULES.flatMap((rule) => rule.check(text, options));
}
