// The lint engine: parse, then a flatMap over the rules. Knows nothing of LSP or VS Code.
// `Linter` keeps the parse caches between runs so that, while typing, only the lines (env) or top-level keys
// (YAML) the last edit touched are parsed again; `lintText` is the one-shot form.
import type { ConfigFormat } from '../shared/documents';
import { RuleContext } from './context';
import { splitLines, type ConfigDocument, type Entry } from './document';
import { clipMessage, FindingCap, MAX_FINDINGS_PER_RULE } from './limits';
import { EnvLineCache, parseEnv } from './parse/env';
import { parseYaml, YamlChunkCache } from './parse/yaml';
import { RULES, type Rule } from './rules';
import type { LintDiagnostic, LintOptions } from './types';

/** Parses a document in the given format. */
export function parseDocument(
  text: string | readonly string[],
  format: ConfigFormat,
  caches?: { env: EnvLineCache; yaml: YamlChunkCache },
): ConfigDocument {
  const lines = typeof text === 'string' ? splitLines(text) : text;
  const parsed = format === 'env' ? parseEnv(lines, caches?.env) : parseYaml(lines, caches?.yaml);
  return { format, lines, entries: parsed.entries, syntax: parsed.syntax };
}

const ENTRY_RULES = RULES.filter((r) => r.checkEntry !== undefined);
const DOCUMENT_RULES = RULES.filter((r) => r.checkEntry === undefined);

const byPosition = (a: LintDiagnostic, b: LintDiagnostic): number =>
  a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;

function internalError(rule: Rule, error: unknown): LintDiagnostic {
  return {
    code: 'internal-error',
    severity: 'hint',
    message: clipMessage(`rule ${rule.id} failed: ${error instanceof Error ? error.message : String(error)}`),
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

/** No findings (shared: most entries have none, and a memo of them must not cost an array each). */
const NONE: readonly LintDiagnostic[] = Object.freeze([]);

function runEntryRules(e: Entry, ctx: RuleContext, out: LintDiagnostic[] = []): LintDiagnostic[] {
  for (const rule of ENTRY_RULES) {
    try {
      for (const d of rule.checkEntry?.(e, ctx) ?? NONE) out.push(d);
    } catch (error) {
      out.push(internalError(rule, error));
    }
  }
  return out;
}

/**
 * Runs every rule on a parsed document into `cap` (entry rules in line order, then document rules). A rule that
 * throws is reported, never allowed to break the run. Under a finite cap, rules that can fire on every line
 * build only the findings it lists and count the rest. `entryFindings` replaces running the per-entry rules
 * (the Linter's per-entry memo).
 */
function runRules(
  doc: ConfigDocument,
  options: Pick<LintOptions, 'version'>,
  cap: FindingCap,
  entryFindings?: (e: Entry, ctx: RuleContext) => readonly LintDiagnostic[],
): void {
  const push = (d: LintDiagnostic): void => cap.push(d);
  // An uncapped run (max Infinity) gives the rules no cap: they build every finding.
  const ctx = new RuleContext(doc, options.version, cap.max === Infinity ? undefined : cap);
  const buffer: LintDiagnostic[] = [];
  for (const e of doc.entries) {
    const found = entryFindings ? entryFindings(e, ctx) : runEntryRules(e, ctx, buffer);
    for (const d of found) push(d);
    buffer.length = 0;
  }
  for (const rule of DOCUMENT_RULES) {
    try {
      for (const d of rule.check(doc, ctx)) push(d);
    } catch (error) {
      push(internalError(rule, error));
    }
  }
}

/** Runs every rule on a parsed document; the findings in position order. */
export function lintDocument(doc: ConfigDocument, options: Pick<LintOptions, 'version'>): LintDiagnostic[] {
  const all = new FindingCap(Infinity);
  runRules(doc, options, all);
  // Entry findings arrive in line order already, so this stable sort mostly merges the few document-level ones.
  return sortByPosition(all.listed());
}

/**
 * Runs every rule on a parsed document into a FindingCap: only the findings it lists are kept, and rules that
 * can fire on every line do not even build the others, so a file with 200,000 findings costs a few hundred.
 */
export function lintDocumentInto(doc: ConfigDocument, options: Pick<LintOptions, 'version'>, cap: FindingCap): void {
  runRules(doc, options, cap);
}

/** Orders findings by position (stable: equal positions keep their order). */
export function sortByPosition(diagnostics: LintDiagnostic[]): LintDiagnostic[] {
  return diagnostics.sort(byPosition);
}

/** Lints text in one go. */
export function lintText(text: string, options: LintOptions): LintDiagnostic[] {
  return lintDocument(parseDocument(text, options.format), options);
}

/** What the incremental linter hands back for one run. */
export interface LintRun {
  doc: ConfigDocument;
  /** At most `max` findings per rule in position order, then one finding per rule that had more, saying how
   * many were left out (FindingCap). */
  diagnostics: LintDiagnostic[];
  /** Every finding of the run, listed or not. */
  errors: number;
  others: number;
}

/** The most entry findings a Linter keeps between runs (see `lint`). */
const MEMO_FINDINGS = 10_000;

/** A linter that remembers parse results between runs (one per server or per open document set). */
export class Linter {
  private caches = { env: new EnvLineCache(), yaml: new YamlChunkCache() };
  /** The per-entry rules' findings of the last run, by entry, for the format and version in `memoKey`. */
  private memo = new Map<Entry, readonly LintDiagnostic[]>();
  private memoKey = '';

  /** Parses text, or lines kept by the caller (the language server applies edits to its line array, so lines
   * the edit did not touch are the very same strings and are recognised by identity). */
  parse(text: string | readonly string[], format: ConfigFormat): ConfigDocument {
    return parseDocument(text, format, this.caches);
  }

  /**
   * Lints with the findings capped per rule, as the server publishes them (a generated file with 150,000
   * unknown keys must not hold 150,000 findings). The parsers hand back the same entry object for a line the
   * last edit did not touch, so the per-entry rules' findings are kept per entry and a keystroke re-runs those
   * rules only on the lines it changed. The memo holds at most MEMO_FINDINGS findings (entries without any
   * cost one shared empty list): past that, entries with findings are checked again on each run instead.
   */
  lint(text: string | readonly string[], options: LintOptions, max = MAX_FINDINGS_PER_RULE): LintRun {
    const doc = this.parse(text, options.format);
    const key = `${doc.format}:${options.version}`;
    const previous = key === this.memoKey ? this.memo : undefined;
    const next = new Map<Entry, readonly LintDiagnostic[]>();
    let kept = 0;
    const cap = new FindingCap(max);
    runRules(doc, options, cap, (e, ctx) => {
      let found = previous?.get(e);
      if (!found) {
        const overflowed = ctx.overflowed;
        const fresh = runEntryRules(e, ctx);
        // Findings only counted (past the cap) depend on this run's earlier lines: never kept.
        if (ctx.overflowed !== overflowed) return fresh;
        found = fresh.length === 0 ? NONE : fresh;
      }
      if (kept + found.length <= MEMO_FINDINGS) {
        next.set(e, found);
        kept += found.length;
      }
      return found;
    });
    this.memo = next;
    this.memoKey = key;
    return { doc, diagnostics: [...sortByPosition(cap.listed()), ...cap.summaries()], errors: cap.errors, others: cap.others };
  }
}
