// Types of the pure lint engine. Positions are 0-based (LSP style); the CLI converts to 1-based.
import type { ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';

/** Severity of a finding: error = etcd refuses to start; warning/information = etcd logs or the docs advise. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A 0-based half-open range in a document. */
export interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** One finding of one rule. */
export interface LintDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
}

/** What a lint run needs to know besides the text. */
export interface LintOptions {
  format: ConfigFormat;
  version: EtcdVersion;
}
