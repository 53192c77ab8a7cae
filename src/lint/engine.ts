// The lint engine: parse, then a flatMap over the rules. Knows nothing of LSP or VS Code.
// `Linter` keeps the parse caches between runs so that, while typing, only the lines (env) or top-level keys
// (YAML) the last edit touched are parsed again; `lintText` is the one-shot form.
import type { ConfigFormat } from '../shared/documents';
import { RuleContext } from './context';
import { splitLines, type ConfigDocument } from './document';
import { EnvLineCache, parseEnv } from './parse/env';
import { parseYaml, YamlChunkCache } from './parse/yaml';
import { RULES } from './rules';
import type { LintDiagnostic, LintOptions } from './types';

/** Parses a document in the given format. */
export function parseDocument(text: string, format: ConfigFormat, caches?: { env: EnvLineCache; yaml: YamlChunkCache }): ConfigDocument {
  const lines = splitLines(text);
  const parsed = format === 'env' ? parseEnv(lines, caches?.env) : parseYaml(lines, caches?.yaml);
  return { format, lines, entries: parsed.entries, syntax: parsed.syntax };
}

/** Runs every rule on a parsed document. A rule that throws is reported, never allowed to break the run. */
export function lintDocument(doc: ConfigDocument, options: Pick<LintOptions, 'version'>): LintDiagnostic[] {
  const ctx = new RuleContext(doc, options.version);
  const out: LintDiagnostic[] = [];
  for (const rule of RULES) {
    try {
      out.push(...rule.check(doc, ctx));
    } catch (error) {
      out.push({
        code: 'internal-error',
        severity: 'hint',
        message: `rule ${rule.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Lints text in one go. */
export function lintText(text: string, options: LintOptions): LintDiagnostic[] {
  return lintDocument(parseDocument(text, options.format), options);
}

/** A linter that remembers parse results between runs (one per server or per open document set). */
export class Linter {
  private caches = { env: new EnvLineCache(), yaml: new YamlChunkCache() };

  parse(text: string, format: ConfigFormat): ConfigDocument {
    return parseDocument(text, format, this.caches);
  }

  lint(text: string, options: LintOptions): { doc: ConfigDocument; diagnostics: LintDiagnostic[] } {
    const doc = this.parse(text, options.format);
    return { doc, diagnostics: lintDocument(doc, options) };
  }
}
