// `etcd-inspector lint`: the configuration linter for CI. Text, JSON or SARIF 2.1.0 output; exit 1 when any
// file has an error, 2 on usage errors or unreadable files.
//
// Configurations and their names are untrusted (a CI job lints whatever a pull request adds): files are read
// only if regular and at most MAX_LINT_BYTES, each rule lists at most MAX_FINDINGS_PER_RULE findings per
// file, and everything taken from a file or a file name is made printable in the text output (an escape
// sequence in a value would drive the terminal; a newline in a file name would forge a diagnostic line).
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectFormat, type ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';
import { checkAcrossFiles } from '../lint/crossFile';
import { lintDocumentInto, parseDocument, sortByPosition } from '../lint/engine';
import { FindingCap, MAX_FINDINGS_PER_RULE, MAX_LINT_BYTES } from '../lint/limits';
import { RULE_DOCS } from '../lint/ruleDocs';
import type { LintDiagnostic, Severity } from '../lint/types';
import { EXIT, type CliIo } from './cli';
import type { DiagnosisInput } from '../etcd/causes';
import { formatBinaryBytes } from '../shared/text';
import { InputFileError, readRegularFile } from './input';
import { printable } from '../shared/text';

const USAGE = `Usage: etcd-inspector lint [--etcd-version 3.4|3.5|3.6] [--output text|json|sarif] FILE...

Checks etcd configuration files: env-style (etcd.conf, read like systemd's EnvironmentFile=) or YAML
(--config-file). The format is detected from the file name, then the content. With several files, also
checks that members of the same cluster agree. Only regular files up to ${formatBinaryBytes(MAX_LINT_BYTES)} are read; each
rule lists at most ${MAX_FINDINGS_PER_RULE} findings per file, then says how many more it found.
Exit status: 0 no errors, 1 at least one error, 2 usage error or unreadable file.
`;

/** One file's result in the JSON output (positions 1-based). */
export interface LintFileResult {
  file: string;
  format: ConfigFormat;
  diagnostics: { severity: Severity; code: string; message: string; line: number; column: number; endLine: number; endColumn: number }[];
}

/** Parses arguments, lints the files and writes the report. */
export async function runLint(args: string[], io: CliIo): Promise<number> {
  let version: EtcdVersion = '3.5';
  let output: 'text' | 'json' | 'sarif' = 'text';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const next = (): string | undefined => inline ?? args[++i];
    if (flag === '--help' || flag === '-h') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    } else if (flag === '--etcd-version') {
      const v = next();
      if (v !== '3.4' && v !== '3.5' && v !== '3.6') return usage(io, `--etcd-version must be 3.4, 3.5 or 3.6 (got ${v ?? 'nothing'})`);
      version = v;
    } else if (flag === '--output' || flag === '-o') {
      const v = next();
      if (v !== 'text' && v !== 'json' && v !== 'sarif') return usage(io, `--output must be text, json or sarif (got ${v ?? 'nothing'})`);
      output = v;
    } else if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      return usage(io, `unknown option ${a}`);
    } else files.push(a);
  }
  if (files.length === 0) return usage(io, 'no files given');

  const { results, unread } = await lintFiles(files, version);
  for (const u of unread) io.stderr.write(`etcd-inspector lint: ${printable(u.message)}\n`);
  if (output === 'json') io.stdout.write(`${safeJson(results.map(toJson))}\n`);
  else if (output === 'sarif') io.stdout.write(`${safeJson(toSarif(results, unread, version))}\n`);
  else io.stdout.write(toText(results, unread));
  if (unread.length > 0) return EXIT.usage;
  return results.some((r) => r.errors > 0) ? EXIT.failed : EXIT.ok;
}

/** Reads and lints files on their own and together (the cross-file checks of members of one cluster). */
async function lintFiles(files: string[], version: EtcdVersion): Promise<{ results: FileResult[]; unread: Unread[] }> {
  const docs = [];
  const unread: Unread[] = [];
  for (const file of files) {
    try {
      // Never blocks (a FIFO is refused, not waited on) and never reads more than the limit (/dev/zero).
      const text = await readRegularFile(file, MAX_LINT_BYTES);
      const format = detectFormat(file, text);
      docs.push({ file, format, doc: parseDocument(text, format) });
    } catch (error) {
      const message =
        error instanceof InputFileError ? error.message : `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
      unread.push({ file, message });
    }
  }
  const across = checkAcrossFiles(
    docs.map((d) => ({ uri: d.file, doc: d.doc })),
    version,
  );
  const results: FileResult[] = docs.map((d) => {
    const cap = new FindingCap();
    lintDocumentInto(d.doc, { version }, cap);
    for (const x of across.get(d.file) ?? []) cap.push(x);
    // The listed findings in position order, the summaries after them.
    const diagnostics = [...sortByPosition(cap.listed()), ...cap.summaries()];
    return { file: d.file, format: d.format, errors: cap.errors, others: cap.others, diagnostics };
  });
  return { results, unread };
}

/**
 * The members' configuration files as `diagnose --config` gives them to the cause engine: every finding
 * with its file and line (0-based), and the files that could not be read (their messages name them).
 */
export async function configEvidence(
  files: string[],
  version: EtcdVersion,
): Promise<{ config: NonNullable<DiagnosisInput['config']>; unread: string[] }> {
  const { results, unread } = await lintFiles(files, version);
  const findings = results.flatMap((r) =>
    r.diagnostics.map((d) => ({ file: r.file, line: d.range.start.line, code: d.code, message: d.message })),
  );
  return { config: { files: results.length, findings }, unread: unread.map((u) => u.message) };
}

/** A file that could not be read, and why (the message names the file). */
interface Unread {
  file: string;
  message: string;
}

/** One linted file: how many findings it has (for the exit status and the counts) and the ones listed (capped per rule). */
interface FileResult {
  file: string;
  format: ConfigFormat;
  errors: number;
  others: number;
  diagnostics: LintDiagnostic[];
}

// JSON.stringify escapes the C0 controls but leaves DEL, the C1 controls (U+009B is a CSI on some terminals),
// the bidirectional controls and the invisible characters as they are. Outside strings JSON is plain ASCII, so
// writing these as \u escapes changes no value and keeps `lint -o json` safe to print.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function usage(io: CliIo, problem: string): number {
  io.stderr.write(`etcd-inspector lint: ${problem}\n\n${USAGE}`);
  return EXIT.usage;
}

function toJson(r: { file: string; format: ConfigFormat; diagnostics: LintDiagnostic[] }): LintFileResult {
  return {
    file: r.file,
    format: r.format,
    diagnostics: r.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
    })),
  };
}

function toText(results: FileResult[], unread: Unread[]): string {
  let out = '';
  let errors = 0;
  let others = 0;
  for (const r of results) {
    const file = printable(r.file);
    for (const d of r.diagnostics)
      out += `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${printable(d.message)}\n`;
    // The counts cover every finding, listed or summarised.
    errors += r.errors;
    others += r.others;
  }
  const notRead = unread.length > 0 ? `; ${unread.length} file(s) could not be read` : '';
  return `${out}${results.length} file(s) checked: ${errors} error(s), ${others} other finding(s)${notRead}\n`;
}

/** A file name as a SARIF artifact URI: an absolute path as a file:// URI, a relative one as a relative URI
 * reference with each segment percent-encoded (a `#`, `?`, `%` or `:` in a name must not change its meaning). */
function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  // encodeURIComponent throws on a lone surrogate; such a name is shown with U+FFFD instead.
  const wellFormed = file.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return wellFormed
    .split(sep === '\\' ? /[\\/]/ : '/')
    .map(encodeURIComponent)
    .join('/');
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function toSarif(results: FileResult[], unread: Unread[], version: EtcdVersion): unknown {
  const codes = [...new Set(results.flatMap((r) => r.diagnostics.map((d) => d.code)))].sort();
  // A run with no results must say whether that is because every file is clean or because some were not read.
  const invocation = {
    executionSuccessful: unread.length === 0,
    toolExecutionNotifications: unread.map((u) => ({
      level: 'error',
      message: { text: u.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(u.file) } } }],
    })),
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'etcd-inspector lint',
            informationUri: 'https://etcd.io/docs/',
            rules: codes.map((id) => ({ id, shortDescription: { text: RULE_DOCS[id]?.what ?? id }, properties: { etcdVersion: version } })),
          },
        },
        invocations: [invocation],
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: d.code,
            ruleIndex: codes.indexOf(d.code),
            level: SARIF_LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(r.file) },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}
