// Types of the pure lint engine. Positions are 0-based (LSP style); the CLI converts to 1-based.
import type { ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';

/** Severity of a finding: error = etcd refuses to start; warning/information = etcd logs or the docs advise. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A 0-based position in a document. */
export interface Position {
  line: number;
  character: number;
}

/** A 0-based half-open range in a document. */
export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of a range by new text. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** A fix offered for a finding. Safe fixes are applied by "Apply all safe fixes"; the others need a human look. */
export interface LintFix {
  title: string;
  edits: TextEdit[];
  safe: boolean;
}

/** One finding of one rule. */
export interface LintDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes?: LintFix[];
}

/** What a lint run needs to know besides the text. */
export interface LintOptions {
  format: ConfigFormat;
  version: EtcdVersion;
}
