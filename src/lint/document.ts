// The parsed form both formats share: a list of key/value entries with exact positions. Rules see only this.
import type { ConfigFormat } from '../shared/documents';
import type { FlagSpec } from './catalogue';
import type { LintDiagnostic, Range } from './types';

/** How a YAML value resolves under etcd's YAML 1.1 reader; env values are always 'string'. */
export type ValueType = 'string' | 'int' | 'float' | 'bool' | 'null' | 'seq' | 'map';

/** One `KEY=value` line or one YAML key with its value. */
export interface Entry {
  /** The key as written: an env name, or a YAML key (without its block). */
  key: string;
  /** The YAML TLS block the key sits in (`client-transport-security` / `peer-transport-security`). */
  block?: string;
  spec: FlagSpec | undefined;
  /** The value after unquoting (env: the systemd way); null for a YAML null, sequence or mapping. */
  value: string | null;
  type: ValueType;
  /** YAML sequence items, for the list-valued keys. */
  items?: string[];
  quoted: boolean;
  keyRange: Range;
  valueRange: Range;
  /** The whole entry (key through value), for removal fixes. */
  range: Range;
  /** Env only: where an inline `# ...` begins that systemd keeps as part of the value. */
  inlineComment?: Range;
}

/** A parsed configuration document. */
export interface ConfigDocument {
  format: ConfigFormat;
  lines: readonly string[];
  entries: readonly Entry[];
  /** Findings of the parser itself (YAML syntax, lines systemd ignores). */
  syntax: readonly LintDiagnostic[];
}

/** A range on one line. */
export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Shifts a range down by `lines` (results of a cached chunk parsed on its own). */
export function shiftRange(range: Range, lines: number): Range {
  if (lines === 0) return range;
  return {
    start: { line: range.start.line + lines, character: range.start.character },
    end: { line: range.end.line + lines, character: range.end.character },
  };
}

/** Splits text into lines the way editors count them (\n, \r\n or \r). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
