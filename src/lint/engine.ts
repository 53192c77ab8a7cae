// The lint engine: parse, then a flatMap over the rules. Knows nothing of LSP or VS Code.
// `Linter` keeps the parse caches between runs so that, while typing, only the lines (env) or top-level keys
// (YAML) the last edit touched are parsed again; `lintText` is the one-shot form.
import type { ConfigFormat } from '../shared/documents';
import { RuleContext } from './context';
import { splitLines, type ConfigDocument, type Entry } from './document';
import { clipMessage } from './limits';
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

/** Findings of the per-entry rules, kept per entry object: the parsers hand back the same object for a line the
 * last edit did not touch, so a keystroke re-runs these rules only for the lines it changed. */
const entryFindings = new WeakMap<Entry, { key: string; findings: LintDiagnostic[] }>();

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

function runEntryRules(e: Entry, ctx: RuleContext, out: LintDiagnostic[] = []): LintDiagnostic[] {
  for (const rule of ENTRY_RULES) {
    try {
      for (const d of rule.checkEntry?.(e, ctx) ?? []) out.push(d);
    } catch (error) {
      out.push(internalError(rule, error));
    }
  }
  return out;
}

/**
 * Runs every rule on a parsed document, handing each finding to `sink` as it is made (entry rules in line
 * order, then document rules). A rule that throws is reported, never allowed to break the run. `entryFindings`
 * replaces running the per-entry rules (the Linter's per-entry memo).
 */
function runRules(
  doc: ConfigDocument,
  options: Pick<LintOptions, 'version'>,
  sink: (d: LintDiagnostic) => void,
  entryFindings?: (e: Entry, ctx: RuleContext) => readonly LintDiagnostic[],
): void {
  const ctx = new RuleContext(doc, options.version);
  const buffer: LintDiagnostic[] = [];
  for (const e of doc.entries) {
    const found = entryFindings ? entryFindings(e, ctx) : runEntryRules(e, ctx, buffer);
    for (const d of found) sink(d);
    buffer.length = 0;
  }
  for (const rule of DOCUMENT_RULES) {
    try {
      for (const d of rule.check(doc, ctx)) sink(d);
    } catch (error) {
      sink(internalError(rule, error));
    }
  }
}

/** Runs every rule on a parsed document; the findings in position order. */
export function lintDocument(doc: ConfigDocument, options: Pick<LintOptions, 'version'>): LintDiagnostic[] {
  const out: LintDiagnostic[] = [];
  runRules(doc, options, (d) => out.push(d));
  // Entry findings arrive in line order already, so this stable sort mostly merges the few document-level ones.
  return sortByPosition(out);
}

/**
 * Runs every rule on a parsed document without collecting the findings: the CLI keeps only what it lists
 * (FindingCap), so a file with 200,000 findings does not hold 200,000 of them.
 */
export function lintDocumentInto(doc: ConfigDocument, options: Pick<LintOptions, 'version'>, sink: (d: LintDiagnostic) => void): void {
  runRules(doc, options, sink);
}

/** Orders findings by position (stable: equal positions keep their order). */
export function sortByPosition(diagnostics: LintDiagnostic[]): LintDiagnostic[] {
  return diagnostics.sort(byPosition);
}

/** Lints text in one go. */
export function lintText(text: string, options: LintOptions): LintDiagnostic[] {
  return lintDocument(parseDocument(text, options.format), options);
}

/** A linter that remembers parse results between runs (one per server or per open document set). */
export class Linter {
  private caches = { env: new EnvLineCache(), yaml: new YamlChunkCache() };

  /** Parses text, or lines kept by the caller (the language server applies edits to its line array, so lines
   * the edit did not touch are the very same strings and are recognised by identity). */
  parse(text: string | readonly string[], format: ConfigFormat): ConfigDocument {
    return parseDocument(text, format, this.caches);
  }

  lint(text: string | readonly string[], options: LintOptions): { doc: ConfigDocument; diagnostics: LintDiagnostic[] } {
    const doc = this.parse(text, options.format);
    const key = `${doc.format}:${options.version}`;
    const out: LintDiagnostic[] = [];
    runRules(
      doc,
      options,
      (d) => out.push(d),
      (e, ctx) => {
        let hit = entryFindings.get(e);
        if (!hit || hit.key !== key) {
          hit = { key, findings: runEntryRules(e, ctx) };
          entryFindings.set(e, hit);
        }
        return hit.findings;
      },
    );
    return { doc, diagnostics: sortByPosition(out) };
  }
}
