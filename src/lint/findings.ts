// How findings are built: every builder is bound to one diagnostic code, so whatever holds a Reporter (a rule,
// a parser, the cross-file checks) never spells its code in a finding. Rules get theirs from defineRule.
import type { RuleContext } from './context';
import { clipMessage } from './limits';
import type { LintDiagnostic, LintFix, Range, Severity } from './types';

/** What a check builds its findings with: every builder is bound to one rule's id (the diagnostic code). Plain
 * functions, so a check may destructure the ones it uses. */
export interface Reporter {
  readonly id: string;
  /** A finding of this rule. Rules quote values through clip(); the message as a whole is bounded here too. */
  finding(severity: Severity, message: string, range: Range, fixes?: LintFix[]): LintDiagnostic;
  /**
   * A finding whose message and fixes are built only when something reads them. For rules whose message costs
   * far more than deciding that they fire (unknown-key's did-you-mean search): a generated file with 200,000
   * unknown keys lists only the first findings per rule (limits.ts), so the other suggestions are never
   * computed. Both are own enumerable properties, so JSON, spreads and deep comparisons see plain values.
   */
  lazyFinding(severity: Severity, range: Range, build: () => { message: string; fixes?: LintFix[] }): LintDiagnostic;
  /** How many more findings of this rule the run lists: `ctx.room(id)`. */
  room(ctx: RuleContext): number;
  /** Counts findings of this rule past the cap instead of building them: `ctx.more(id, ...)`. */
  more(ctx: RuleContext, severity: Severity, range: Range, count?: number): void;
  /** The findings of this rule's code among others' (the parsers report env-syntax and yaml-syntax). */
  own(found: readonly LintDiagnostic[]): LintDiagnostic[];
}

/** The finding builders of one diagnostic code (a rule's, or one of the cross-file codes). */
export function reporter(id: string): Reporter {
  const finding = (severity: Severity, message: string, range: Range, fixes?: LintFix[]): LintDiagnostic => {
    const d: LintDiagnostic = { code: id, severity, message: clipMessage(message), range };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    return d;
  };
  const lazyFinding = (severity: Severity, range: Range, build: () => { message: string; fixes?: LintFix[] }): LintDiagnostic => {
    let built: { message: string; fixes?: LintFix[] } | undefined;
    const get = (): { message: string; fixes?: LintFix[] } => {
      if (!built) {
        const b = build();
        built = { message: clipMessage(b.message), fixes: b.fixes && b.fixes.length > 0 ? b.fixes : undefined };
      }
      return built;
    };
    // Accessors in the literal (not defineProperty, several times slower per object on 200,000 findings).
    return {
      code: id,
      severity,
      range,
      get message() {
        return get().message;
      },
      get fixes() {
        return get().fixes;
      },
    };
  };
  return Object.freeze({
    id,
    finding,
    lazyFinding,
    room: (ctx: RuleContext) => ctx.room(id),
    more: (ctx: RuleContext, severity: Severity, range: Range, count?: number) => ctx.more(id, severity, range, count),
    own: (found: readonly LintDiagnostic[]) => found.filter((d) => d.code === id),
  });
}
