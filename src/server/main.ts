// The etcd configuration language server: wires the pure engine in src/lint to vscode-languageserver.
// Each open document is kept as an array of lines that incremental edits are spliced into, so the lines an
// edit did not touch stay the very same strings and the linter's caches recognise them by identity: a
// keystroke re-parses and re-checks only its own lines. Diagnostics go out only when they changed, without
// their fixes (code actions look those up in the last lint result), and cross-file checks run over every
// open etcd config.
//
// Whatever the editor sends, the work stays bounded: a document over MAX_LINT_BYTES is not linted (one
// diagnostic on line 0 says so, until it shrinks), each rule publishes at most MAX_FINDINGS_PER_RULE findings
// per document, and an edit whose range has no meaning is ignored and logged rather than spliced in.
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  MarkupKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { checkAcrossFiles } from '../lint/crossFile';
import { splitLines, type ConfigDocument } from '../lint/document';
import { Linter, lintDocument } from '../lint/engine';
import { safeFixEdits } from '../lint/fixes';
import { completionsAt, hoverAt } from '../lint/language';
import { isMeasuredPeers, MEASURED_PEERS, type MeasuredPeers } from '../lint/measured';
import { capPerRule, MAX_LINT_BYTES } from '../lint/limits';
import type { LintDiagnostic, Severity } from '../lint/types';
import { detectFormat, type ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';
import { formatBinaryBytes } from '../shared/text';
import { applyContentChange, changeProblem, oversize, sameDiagnostics } from './lines';

/** The code action kind of "Apply all safe fixes". */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.etcd`;

const connection = createConnection(ProposedFeatures.all);
let version: EtcdVersion = '3.5';
/** etcdInspector.maxNumberOfProblems: how many problems one file publishes at most. */
let maxProblems = 1000;

/** An open document as the server keeps it. */
interface OpenDocument {
  uri: string;
  version: number;
  format: ConfigFormat;
  lines: readonly string[];
  /** One linter per document, so its per-line caches follow this document's edits. */
  linter: Linter;
  /** While the document is over MAX_LINT_BYTES: the refusal last published for it. */
  refused?: string;
}
const open = new Map<string, OpenDocument>();

interface State {
  doc: ConfigDocument;
  /** This document's findings, capped per rule by the Linter (what is published, so what code actions name). */
  own: LintDiagnostic[];
  /** The cross-file findings (codes of their own, `cross-file-*`), uncapped. */
  across: LintDiagnostic[];
  /** What was last sent for this document, to skip publishing an identical list. */
  sent?: Diagnostic[];
}
const states = new Map<string, State>();
let lastValidated: string | undefined;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

connection.onInitialize((params) => {
  const initial = (params.initializationOptions as { etcdVersion?: EtcdVersion } | undefined)?.etcdVersion;
  if (initial === '3.4' || initial === '3.5' || initial === '3.6') version = initial;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['=', ':', '_'] },
    },
    serverInfo: { name: 'etcd-inspector-language-server' },
  };
});

connection.onDidChangeConfiguration((change) => {
  const settings = (change.settings as { etcdInspector?: { etcdVersion?: EtcdVersion; maxNumberOfProblems?: unknown } } | undefined)
    ?.etcdInspector;
  const v = settings?.etcdVersion;
  if (v === '3.4' || v === '3.5' || v === '3.6') version = v;
  const max = settings?.maxNumberOfProblems;
  if (typeof max === 'number' && Number.isFinite(max) && max >= 1) maxProblems = Math.floor(max);
  for (const doc of open.values()) validate(doc, false);
  lastValidated = undefined;
  publishAcross();
  for (const uri of states.keys()) publish(uri);
});

function formatOf(languageId: string, uri: string, lines: readonly string[]): ConfigFormat {
  return languageId === 'yaml' ? 'yaml' : languageId === 'etcd-conf' ? 'env' : detectFormat(uri, lines.join('\n'));
}

// A finding object is reused for as long as its line is untouched, so its LSP form is converted once.
const lspForm = new WeakMap<LintDiagnostic, Diagnostic>();
function toLsp(d: LintDiagnostic): Diagnostic {
  let out = lspForm.get(d);
  if (!out) {
    out = { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'etcd', message: d.message };
    lspForm.set(d, out);
  }
  return out;
}

/** Most problems first (errors, then warnings, ...), at most maxProblems of them plus one line saying how many more. */
function capped(all: Diagnostic[]): Diagnostic[] {
  if (all.length <= maxProblems) return all;
  const rank = (d: Diagnostic): number => d.severity ?? DiagnosticSeverity.Hint;
  const shown = [...all].sort((a, b) => rank(a) - rank(b) || a.range.start.line - b.range.start.line).slice(0, maxProblems);
  shown.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'more-problems',
    source: 'etcd',
    message: `${all.length - maxProblems} more problems are not shown (etcdInspector.maxNumberOfProblems is ${maxProblems}).`,
  });
  return shown;
}

function publish(uri: string): void {
  const s = states.get(uri);
  const doc = open.get(uri);
  if (!s || !doc) return;
  // Per rule first: `own` is capped already, and the cross-file codes are never among its codes.
  const diagnostics = capped((s.across.length === 0 ? s.own : [...s.own, ...capPerRule(s.across)]).map(toLsp));
  if (s.sent && sameDiagnostics(s.sent, diagnostics)) return;
  s.sent = diagnostics;
  void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
}

/** Publishes the one diagnostic of a document too large to lint, and forgets its last lint result. */
function refuse(doc: OpenDocument, bytes: number): void {
  const message = `This document is ${formatBinaryBytes(bytes)}: etcd Inspector lints configurations of up to ${formatBinaryBytes(MAX_LINT_BYTES)} (a real etcd configuration is a few KB), so it is not checked until it is smaller.`;
  const hadState = states.delete(doc.uri);
  // Drop the caches of the last lint: they would only hold on to text that is not linted any more.
  if (hadState) doc.linter = new Linter();
  if (doc.refused !== message) {
    doc.refused = message;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    void connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: [{ range, severity: DiagnosticSeverity.Warning, code: 'too-large', source: 'etcd', message }],
    });
  }
  // The other open configurations are no longer compared with this one.
  if (hadState && states.size > 0) publishAcross();
}

function validate(doc: OpenDocument, withAcross = true): void {
  const bytes = oversize(doc.lines);
  if (bytes !== undefined) {
    refuse(doc, bytes);
    return;
  }
  doc.refused = undefined;
  const { doc: parsed, diagnostics } = doc.linter.lint(doc.lines, { format: doc.format, version });
  const prev = states.get(doc.uri);
  states.set(doc.uri, { doc: parsed, own: diagnostics, across: prev?.across ?? [], sent: prev?.sent });
  lastValidated = doc.uri;
  if (withAcross && states.size > 1) publishAcross();
  else publish(doc.uri);
}

/** Re-runs the cross-file checks over the open configs; republishes only files whose findings changed. */
function publishAcross(): void {
  const across = checkAcrossFiles(
    [...states.entries()].map(([uri, s]) => ({ uri, doc: s.doc })),
    version,
  );
  for (const [uri, s] of states) {
    const next = across.get(uri) ?? [];
    const changed = JSON.stringify(next) !== JSON.stringify(s.across);
    s.across = next;
    if (changed || uri === lastValidated) publish(uri);
  }
}

connection.onDidOpenTextDocument(({ textDocument: t }) => {
  const lines = splitLines(t.text);
  const doc: OpenDocument = { uri: t.uri, version: t.version, format: formatOf(t.languageId, t.uri, lines), lines, linter: new Linter() };
  open.set(t.uri, doc);
  validate(doc);
});

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  const doc = open.get(textDocument.uri);
  if (!doc) return;
  let lines = doc.lines;
  for (const change of contentChanges as TextDocumentContentChangeEvent[]) {
    // There is no way to ask the client for its text, so a change without meaning is skipped (the document
    // stays as it was) and logged, rather than spliced in as garbage that every later edit would build on.
    const problem = changeProblem(change);
    if (problem) {
      connection.console.warn(`Ignored a change to ${doc.uri} (version ${textDocument.version}): ${problem}.`);
      continue;
    }
    lines = applyContentChange(lines, change);
  }
  doc.lines = lines;
  doc.version = textDocument.version;
  validate(doc);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  open.delete(textDocument.uri);
  states.delete(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  if (states.size > 0) publishAcross();
});

/** The findings behind the diagnostics a code action request names (matched by code, range and message). */
function findingsFor(s: State, wanted: readonly Diagnostic[]): { diagnostic: Diagnostic; finding: LintDiagnostic }[] {
  const out: { diagnostic: Diagnostic; finding: LintDiagnostic }[] = [];
  for (const d of wanted) {
    const match = (f: LintDiagnostic): boolean =>
      f.code === d.code &&
      f.message === d.message &&
      f.range.start.line === d.range.start.line &&
      f.range.start.character === d.range.start.character &&
      f.range.end.line === d.range.end.line &&
      f.range.end.character === d.range.end.character;
    const f = s.own.find(match) ?? s.across.find(match);
    if (f) out.push({ diagnostic: d, finding: f });
  }
  return out;
}

connection.onCodeAction((params) => {
  const uri = params.textDocument.uri;
  const s = states.get(uri);
  if (!s) return [];
  const actions: CodeAction[] = [];
  const only = params.context.only;
  if (!only || only.some((k) => k === CodeActionKind.QuickFix)) {
    for (const { diagnostic, finding } of findingsFor(s, params.context.diagnostics)) {
      (finding.fixes ?? []).forEach((f, i) =>
        actions.push({
          title: f.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: i === 0 && f.safe,
          edit: { changes: { [uri]: f.edits } },
        }),
      );
    }
  }
  if (only?.some((k) => FIX_ALL_KIND.startsWith(k) || k === FIX_ALL_KIND)) {
    // Every safe fix, including those of findings past the per-rule cap: the rules run again, uncapped.
    const edits = safeFixEdits(lintDocument(s.doc, { version }));
    if (edits.length > 0) actions.push({ title: 'Apply all safe etcd fixes', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } } });
  }
  return actions;
});

/** The clusters' measured peer round trips, as the extension last sent them (shown in timeout hovers). */
let measured: MeasuredPeers[] = [];
connection.onNotification(MEASURED_PEERS, (params: { clusters?: unknown }) => {
  measured = Array.isArray(params?.clusters) ? params.clusters.filter(isMeasuredPeers) : [];
});

connection.onHover((params) => {
  const s = states.get(params.textDocument.uri);
  if (!s) return null;
  const h = hoverAt(s.doc, params.position, version, measured);
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
});

connection.onCompletion((params) => {
  // Every change is linted as it arrives, so the last parse is the current text.
  const s = states.get(params.textDocument.uri);
  if (!s) return [];
  return completionsAt(s.doc, params.position, version).map((c) => ({
    label: c.label,
    kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
    insertText: c.insertText,
    detail: c.detail,
    documentation: c.documentation,
    deprecated: c.deprecated,
  }));
});

connection.listen();
