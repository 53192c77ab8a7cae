// The etcd configuration language server: wires the pure engine in src/lint to vscode-languageserver.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DiagnosticSeverity,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../lint/engine';
import { detectFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';
import type { Severity } from '../lint/types';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let version: EtcdVersion = '3.5';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'etcd-inspector-language-server' },
}));

connection.onDidChangeConfiguration((change) => {
  const settings = (change.settings as { etcdInspector?: { etcdVersion?: EtcdVersion } } | undefined)?.etcdInspector;
  if (settings?.etcdVersion) version = settings.etcdVersion;
  for (const doc of documents.all()) validate(doc);
});

function validate(doc: TextDocument): void {
  const text = doc.getText();
  const format = doc.languageId === 'yaml' ? 'yaml' : detectFormat(doc.uri, text);
  const diagnostics: Diagnostic[] = lintText(text, { format, version }).map((d) => ({
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'etcd',
    message: d.message,
  }));
  void connection.sendDiagnostics({ uri: doc.uri, diagnostics });
}

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
documents.listen(connection);
connection.listen();
