// The etcd configuration language server: wires the pure engine in src/lint to vscode-languageserver.
// Diagnostics carry their fixes in `data`, so code actions need no second lint run; cross-file checks run
// over every open etcd config.
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkAcrossFiles } from '../lint/crossFile';
import type { ConfigDocument } from '../lint/document';
import { lintDocument, Linter } from '../lint/engine';
import { safeFixEdits } from '../lint/fixes';
import { completionsAt, hoverAt } from '../lint/language';
import type { LintDiagnostic, LintFix, Severity } from '../lint/types';
import { detectFormat, type ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';

/** The code action kind of "Apply all safe fixes". */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.etcd`;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const linter = new Linter();
let version: EtcdVersion = '3.5';

interface State {
  version: number;
  doc: ConfigDocument;
  own: LintDiagnostic[];
  across: LintDiagnostic[];
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
  const settings = (change.settings as { etcdInspector?: { etcdVersion?: EtcdVersion } } | undefined)?.etcdInspector;
  const v = settings?.etcdVersion;
  if (v === '3.4' || v === '3.5' || v === '3.6') version = v;
  states.clear();
  for (const doc of documents.all()) validate(doc, false);
  lastValidated = undefined;
  publishAcross();
  for (const uri of states.keys()) publish(uri);
});

function formatOf(doc: TextDocument): ConfigFormat {
  return doc.languageId === 'yaml' ? 'yaml' : doc.languageId === 'etcd-conf' ? 'env' : detectFormat(doc.uri, doc.getText());
}

function toLsp(d: LintDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'etcd',
    message: d.message,
    data: d.fixes ? { fixes: d.fixes } : undefined,
  };
}

function publish(uri: string): void {
  const s = states.get(uri);
  if (s) void connection.sendDiagnostics({ uri, version: s.version, diagnostics: [...s.own, ...s.across].map(toLsp) });
}

function validate(doc: TextDocument, withAcross = true): void {
  const { doc: parsed, diagnostics } = linter.lint(doc.getText(), { format: formatOf(doc), version });
  const prev = states.get(doc.uri);
  states.set(doc.uri, { version: doc.version, doc: parsed, own: diagnostics, across: prev?.across ?? [] });
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

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidClose((e) => {
  states.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  if (states.size > 0) publishAcross();
});

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const actions: CodeAction[] = [];
  const only = params.context.only;
  if (!only || only.some((k) => k === CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      const fixes = (d.data as { fixes?: LintFix[] } | undefined)?.fixes ?? [];
      fixes.forEach((f, i) =>
        actions.push({
          title: f.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: i === 0 && f.safe,
          edit: { changes: { [doc.uri]: f.edits } },
        }),
      );
    }
  }
  if (only?.some((k) => FIX_ALL_KIND.startsWith(k) || k === FIX_ALL_KIND)) {
    const s = states.get(doc.uri);
    const edits = s ? safeFixEdits(lintDocument(s.doc, { version })) : [];
    if (edits.length > 0) actions.push({ title: 'Apply all safe etcd fixes', kind: FIX_ALL_KIND, edit: { changes: { [doc.uri]: edits } } });
  }
  return actions;
});

connection.onHover((params) => {
  const s = states.get(params.textDocument.uri);
  if (!s) return null;
  const h = hoverAt(s.doc, params.position, version);
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
});

connection.onCompletion((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const parsed = linter.parse(doc.getText(), formatOf(doc));
  return completionsAt(parsed, params.position, version).map((c) => ({
    label: c.label,
    kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
    insertText: c.insertText,
    detail: c.detail,
    documentation: c.documentation,
    deprecated: c.deprecated,
  }));
});

documents.listen(connection);
connection.listen();
