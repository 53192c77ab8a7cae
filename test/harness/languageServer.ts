// The built language server (dist/server.js --stdio) driven over stdio with vscode-languageserver-protocol, as
// VS Code drives it: the tests of the linter's LSP side share this client.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

/** A running language server and what it has sent. */
export interface LanguageServer {
  conn: ProtocolConnection;
  child: ChildProcess;
  init: InitializeResult;
  /** Every publishDiagnostics, per URI, in arrival order. */
  published: Map<string, PublishDiagnosticsParams[]>;
  /** Every window/logMessage text. */
  logged: string[];
  /**
   * The last diagnostics published for `uri` once they satisfy `predicate` (at once if they already do);
   * rejects after `timeoutMs` or when the server exits.
   */
  waitFor(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number): Promise<Diagnostic[]>;
  /** Shutdown and exit (SIGKILL after 2 s), unless the server is gone already. */
  stop(): Promise<void>;
}

/** Starts and initializes the built server. */
export async function startLanguageServer(): Promise<LanguageServer> {
  if (!existsSync(SERVER)) throw new Error('dist/server.js missing: run npm run build');
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const published = new Map<string, PublishDiagnosticsParams[]>();
  const logged: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  child.once('exit', wake);
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    wake();
  });
  conn.onNotification(LogMessageNotification.type, (p) => {
    logged.push(p.message);
  });
  conn.onError(() => undefined);
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    conn,
    child,
    init,
    published,
    logged,
    waitFor: (uri, predicate, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const last = published.get(uri)?.at(-1);
          reject(
            new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms: ${JSON.stringify(last?.diagnostics.map((d) => d.code))}`),
          );
        }, timeoutMs);
        const check = (): void => {
          const last = published.get(uri)?.at(-1);
          if (last && predicate(last)) {
            clearTimeout(timer);
            resolve(last.diagnostics);
          } else if (gone()) {
            clearTimeout(timer);
            reject(new Error(`the server exited (${child.exitCode ?? child.signalCode})`));
          } else waiters.push(check);
        };
        check();
      }),
    stop: async () => {
      if (!gone()) {
        const exited = new Promise((r) => child.once('exit', r));
        await conn.sendRequest(ShutdownRequest.type);
        await conn.sendNotification(ExitNotification.type);
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        await exited;
      }
      conn.dispose();
    },
  };
}
