// `etcd-inspector lint`: the configuration linter for CI. Text, JSON or SARIF 2.1.0 output; exit 1 when any
// file has an error, 2 on usage errors or unreadable files.
import { readFile } from 'node:fs/promises';
import { detectFormat, type ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';
import { checkAcrossFiles } from '../lint/crossFile';
import { parseDocument, lintDocument } from '../lint/engine';
import { RULE_DOCS } from '../lint/ruleDocs';
import type { LintDiagnostic, Severity } from '../lint/types';
import { EXIT, registerCommand, type CliIo } from './cli';

const USAGE = `Usage: etcd-inspector lint [--etcd-version 3.4|3.5|3.6] [--output text|json|sarif] FILE...

Checks etcd configuration files: env-style (etcd.conf, read like systemd's EnvironmentFile=) or YAML
(--config-file). The format is detected from the file name, then the content. With several files, also
checks that members of the same cluster agree.
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

  const docs = [];
  let unreadable = false;
  for (const file of files) {
    try {
      const text = await readFile(file, 'utf8');
      const format = detectFormat(file, text);
      docs.push({ file, format, doc: parseDocument(text, format) });
    } catch (error) {
      io.stderr.write(`etcd-inspector lint: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      unreadable = true;
    }
  }
  const across = checkAcrossFiles(
    docs.map((d) => ({ uri: d.file, doc: d.doc })),
    version,
  );
  const results = docs.map((d) => ({
    file: d.file,
    format: d.format,
    diagnostics: [...lintDocument(d.doc, { version }), ...(across.get(d.file) ?? [])],
  }));
  if (output === 'json') io.stdout.write(`${JSON.stringify(results.map(toJson), null, 2)}\n`);
  else if (output === 'sarif') io.stdout.write(`${JSON.stringify(toSarif(results, version), null, 2)}\n`);
  else io.stdout.write(toText(results));
  if (unreadable) return EXIT.usage;
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? EXIT.failed : EXIT.ok;
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

function toText(results: { file: string; diagnostics: LintDiagnostic[] }[]): string {
  let out = '';
  let errors = 0;
  let others = 0;
  for (const r of results) {
    for (const d of r.diagnostics) {
      out += `${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}\n`;
      if (d.severity === 'error') errors++;
      else others++;
    }
  }
  return `${out}${results.length} file(s) checked: ${errors} error(s), ${others} other finding(s)\n`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function toSarif(results: { file: string; diagnostics: LintDiagnostic[] }[], version: EtcdVersion): unknown {
  const codes = [...new Set(results.flatMap((r) => r.diagnostics.map((d) => d.code)))].sort();
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
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: d.code,
            ruleIndex: codes.indexOf(d.code),
            level: SARIF_LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file.replace(/\\/g, '/') },
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

registerCommand('lint', runLint);
