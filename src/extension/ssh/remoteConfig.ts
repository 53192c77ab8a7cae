// A member's etcd.conf opened over SFTP in an ordinary editor (scheme etcd-member-conf:/<cluster>/<member>/
// <file name>), in the etcd-conf language so the language server lints it like a local file. Saving asks
// first, naming the cluster, the member, the host and the path; it is refused under read-only; it writes
// through src/ssh/remoteConfig.ts (a backup beside the file, refused if the file changed on the host since it
// was opened). Everything else a file system does (rename, delete, folders) is refused.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { configPathOf, readRemoteFile, writeRemoteFile, type RemoteFile } from '../../ssh/remoteConfig';
import { hostLabel, type HostMember } from '../../ssh/hosts';
import { SshError } from '../../ssh/session';
import { readOnlyRefusal } from '../../etcd/actions/action';
import { latestSnapshot, pickCluster, pickMember, targetOf } from '../actions/runner';
import type { SshDeps } from './commands';
import type { ClusterHosts } from './hosts';

export const MEMBER_CONF_SCHEME = 'etcd-member-conf';

/** The URI of a member's configuration file; names are percent-encoded path segments. */
export function memberConfUri(cluster: string, member: string, fileName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: MEMBER_CONF_SCHEME, path: `/${[cluster, member, fileName].map(encodeURIComponent).join('/')}` });
}

function parse(uri: vscode.Uri): { cluster: string; member: string } {
  const [cluster, member] = uri.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!cluster || !member) throw vscode.FileSystemError.FileNotFound(uri);
  return { cluster, member };
}

/** What was read, per URI: the version a save must still find on the host. */
interface Opened {
  remote: RemoteFile;
  where: string;
  /** When it was read (Date.now()). */
  at: number;
}

/** VS Code stats a file right before reading it: a read this recent answers both from one SSH connection. */
const FRESH_READ_MS = 3000;

export class MemberConfigFileSystem implements vscode.FileSystemProvider {
  private readonly opened = new Map<string, Opened>();
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  constructor(private readonly deps: SshDeps) {}

  /** The member's hosts (one command's MemberHosts) and the member; the caller closes the hosts. */
  private async open(uri: vscode.Uri): Promise<{ hosts: ClusterHosts; member: HostMember; cluster: string; memberName: string }> {
    const { cluster, member: memberName } = parse(uri);
    const setting = this.deps.registry.setting(cluster);
    if (!setting) throw vscode.FileSystemError.Unavailable(`cluster "${cluster}" is not configured`);
    if (!this.deps.registry.snapshot(cluster)) await this.deps.registry.refresh(cluster);
    const snapshot = this.deps.registry.snapshot(cluster);
    const member = snapshot?.members.find((m) => m.name === memberName || m.id === memberName);
    if (!member) throw vscode.FileSystemError.FileNotFound(`${memberName} is not a member of "${cluster}"`);
    return { hosts: await this.deps.factory.open(setting), member, cluster, memberName };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const recent = this.opened.get(uri.toString());
    if (recent && Date.now() - recent.at < FRESH_READ_MS) return Buffer.from(recent.remote.text, 'utf8');
    return Buffer.from((await this.read(uri)).remote.text, 'utf8');
  }

  /** Reads the file from the member's host and remembers that version. */
  private async read(uri: vscode.Uri): Promise<Opened> {
    const { hosts, member } = await this.open(uri);
    try {
      const path = await configPathOf(hosts.hosts, member);
      const sftp = await (await hosts.hosts.session(member)).sftp();
      const where = `${hostLabel(member)} (${hosts.where(member) ?? '?'})`;
      const remote = await readRemoteFile(sftp, path, where);
      const opened = { remote, where, at: Date.now() };
      this.opened.set(uri.toString(), opened);
      this.deps.log.info(`read ${path} of ${where}: ${remote.text.length} characters`);
      return opened;
    } catch (error) {
      if (error instanceof SshError) hosts.explain([error]);
      throw vscode.FileSystemError.Unavailable((error as Error).message);
    } finally {
      hosts.close();
    }
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const opened = this.opened.get(uri.toString());
    const { cluster, member: memberName } = parse(uri);
    if (!opened)
      throw vscode.FileSystemError.NoPermissions('open the file from the member first: only a file read from the host is written back');
    if (this.deps.settings.isReadOnly(cluster)) throw vscode.FileSystemError.NoPermissions(`not written: ${readOnlyRefusal(cluster)}`);
    const confirm = 'Write to the Host';
    const choice = await vscode.window.showWarningMessage(
      `Write ${opened.remote.path} on member ${memberName} of cluster "${cluster}"?`,
      {
        modal: true,
        detail: `Host: ${opened.where}. The current file is kept beside it as a timestamped .bak; etcd reads the new one at its next restart (Rolling Restart).`,
      },
      confirm,
    );
    if (choice !== confirm) throw vscode.FileSystemError.NoPermissions('not written: you did not confirm');
    const { hosts, member } = await this.open(uri);
    try {
      const sftp = await (await hosts.hosts.session(member)).sftp();
      const backup = await writeRemoteFile(sftp, opened.remote, Buffer.from(content).toString('utf8'), opened.where);
      this.opened.set(uri.toString(), {
        remote: await readRemoteFile(sftp, opened.remote.path, opened.where),
        where: opened.where,
        at: Date.now(),
      });
      this.deps.log.info(`wrote ${opened.remote.path} of ${opened.where}; the old file is ${backup}`);
      void vscode.window.showInformationMessage(
        `Wrote ${opened.remote.path} on ${memberName}; the old file is ${basename(backup)} beside it.`,
      );
      this.changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    } catch (error) {
      throw vscode.FileSystemError.Unavailable((error as Error).message);
    } finally {
      hosts.close();
    }
  }

  /**
   * The version last read or written (VS Code compares it before a save: a stat of 0 would make every save
   * look like a conflict); a file not read yet is read now, so its first stat is the host's.
   */
  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const opened = this.opened.get(uri.toString()) ?? (await this.read(uri));
    return { type: vscode.FileType.File, ctime: 0, mtime: opened.remote.version.mtime * 1000, size: opened.remote.version.size };
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    throw vscode.FileSystemError.NoPermissions('a member configuration is a single file');
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('a member configuration is a single file');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('etcd Inspector never deletes a member configuration');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('etcd Inspector never renames a member configuration');
  }
}

/** Open Member Configuration: pick the cluster and member, open its etcd.conf over SFTP in the etcd-conf language. */
export async function openMemberConfig(deps: SshDeps, arg: unknown): Promise<void> {
  const title = 'Open member configuration';
  const target = targetOf(arg);
  const cluster = await pickCluster(deps, target, title, false);
  if (cluster === undefined) return;
  let ref = target.memberId;
  if (ref === undefined) {
    const snapshot = await latestSnapshot(deps, cluster);
    if (!snapshot) return;
    ref = await pickMember(
      snapshot.members
        .filter((m) => m.name)
        .map((m) => ({ label: m.name, description: m.id, detail: m.peerURLs.join(', '), memberId: m.id })),
      `${title} of "${cluster}": which member?`,
      `${title}: no started member in "${cluster}".`,
    );
    if (ref === undefined) return;
  }
  const member = deps.registry.snapshot(cluster)?.members.find((m) => m.id === ref || m.name === ref);
  const name = member?.name || ref;
  const fileName = basename(deps.registry.setting(cluster)?.ssh?.configFile ?? 'etcd.conf');
  try {
    const doc = await vscode.workspace.openTextDocument(memberConfUri(cluster, name, fileName));
    const language = /\.ya?ml$/i.test(fileName) ? 'yaml' : 'etcd-conf';
    await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, language), { preview: false });
  } catch (error) {
    void vscode.window.showErrorMessage(`${title} of ${name} ("${cluster}") failed: ${(error as Error).message}`);
  }
}
