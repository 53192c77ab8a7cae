// The bounds that keep linting linear and its output small whatever the input: a generated, corrupted or
// hostile configuration (one 100 KB URL list, 40,000 initial-cluster entries, 200,000 unknown keys) must
// neither exhaust memory nor flood a terminal or the editor. A real etcd configuration is a few KB and
// meets none of these limits.
import { clip } from '../shared/text';
import type { LintDiagnostic, Range, Severity } from './types';

export { clip, MAX_QUOTED_CHARS } from '../shared/text';

/** The largest configuration the CLI and the language server lint: 2 MiB (UTF-8 bytes). */
export const MAX_LINT_BYTES = 2 * 1024 * 1024;

/** A safety net under every message: longer ones are cut here (a message quotes at most a few values). */
export const MAX_MESSAGE_CHARS = 1000;

/** At most this many findings of one rule are listed per file; one more finding says how many were left out. */
export const MAX_FINDINGS_PER_RULE = 100;

/** A message with the safety net applied (see MAX_MESSAGE_CHARS). */
export function clipMessage(message: string): string {
  return clip(message, MAX_MESSAGE_CHARS);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * Keeps the first `max` findings of each code (in the order pushed, i.e. by position) and, per code that had
 * more, one finding of that code saying how many were left out. The summary takes the worst severity among the
 * findings it stands for, so that an "errors only" filter or a SARIF gate still sees that errors were left
 * out; it sits where the first left-out finding was. Findings past the cap are only counted, never kept: a
 * file with 200,000 findings holds a few hundred in memory.
 */
export class FindingCap {
  /** Every finding pushed, listed or not, by severity. */
  errors = 0;
  others = 0;
  private readonly seen = new Map<string, number>();
  private readonly kept: LintDiagnostic[] = [];
  private readonly left = new Map<string, { range: Range; severity: Severity; count: number }>();

  constructor(readonly max = MAX_FINDINGS_PER_RULE) {}

  /** How many more findings of `code` will be listed. Rules whose findings come by the thousand in a generated
   * file ask this (through RuleContext.room) and only count the rest (`more`), never building them. */
  room(code: string): number {
    return this.max - (this.seen.get(code) ?? 0);
  }

  push(d: LintDiagnostic): void {
    if (d.severity === 'error') this.errors++;
    else this.others++;
    const n = (this.seen.get(d.code) ?? 0) + 1;
    this.seen.set(d.code, n);
    if (n <= this.max) {
      this.kept.push(d);
      return;
    }
    this.leftOut(d.code, d.severity, d.range, 1);
  }

  /**
   * Counts `count` findings of a code that are past the cap (so never built), the first of them at `range`.
   * A rule that returns its findings at the end (a document rule) calls this before they are pushed: it leaves
   * the listed count alone, so its first `room` findings are still listed when they arrive.
   */
  more(code: string, severity: Severity, range: Range, count = 1): void {
    if (severity === 'error') this.errors += count;
    else this.others += count;
    this.leftOut(code, severity, range, count);
  }

  private leftOut(code: string, severity: Severity, range: Range, count: number): void {
    const l = this.left.get(code);
    if (!l) this.left.set(code, { range, severity, count });
    else {
      l.count += count;
      if (RANK[severity] < RANK[l.severity]) l.severity = severity;
    }
  }

  /** The findings kept for listing, in the order pushed. */
  listed(): LintDiagnostic[] {
    return [...this.kept];
  }

  /** One finding per code that had more than the cap, saying how many were left out, in position order. */
  summaries(): LintDiagnostic[] {
    const byPosition = [...this.left].sort(
      ([, a], [, b]) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    return byPosition.map(([code, l]) => ({
      code,
      severity: l.severity,
      message: `… and ${l.count} more ${code} findings in this file (only the first ${this.max} are listed).`,
      range: l.range,
    }));
  }

  /** The listed findings, then the summaries. */
  result(): LintDiagnostic[] {
    return [...this.kept, ...this.summaries()];
  }
}

/** FindingCap over a list. The input is not changed. */
export function capPerRule(diagnostics: readonly LintDiagnostic[], max = MAX_FINDINGS_PER_RULE): LintDiagnostic[] {
  const cap = new FindingCap(max);
  for (const d of diagnostics) cap.push(d);
  return cap.result();
}
