// A member's etcd.conf on its host, over SFTP: where it is (the cluster's ssh.configFile, else the
// EnvironmentFile of etcd's systemd unit), read it (capped: it is a configuration file, not a data file), and
// write it back only with a backup of the old file beside it on the host and only if it did not change
// since it was read. The new text goes to a temporary file first, then replaces the old one in one rename,
// keeping the old file's mode: a reader on the host never sees half a file.
import type { SFTPWrapper, Stats } from 'ssh2';
import { hostLabel, type HostMember, type MemberHosts } from './hosts';
import { SshError } from './session';

/** etcd.conf is a few KB; anything larger is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The first EnvironmentFile of `systemctl show -p EnvironmentFiles --value`, which prints each as
 * `/etc/etcd/etcd.conf (ignore_errors=no)` (a leading `-` in the unit becomes ignore_errors=yes). Null when none.
 */
export function environmentFileOf(output: string): string | null {
  for (const line of output.split('\n')) {
    const path = /^\s*-?(\/\S+)/.exec(line)?.[1];
    if (path) return path;
  }
  return null;
}

/** Where a member's etcd.conf is: the setting, else its unit's EnvironmentFile. */
export async function configPathOf(hosts: MemberHosts, member: HostMember): Promise<string> {
  if (hosts.options.configFile) return hosts.options.configFile;
  const path = environmentFileOf(await hosts.run(member, 'configPath'));
  if (!path)
    throw new SshError(
      'command',
      `etcd's unit on ${hostLabel(member)} has no EnvironmentFile (it may take flags on its command line): set the cluster's ssh.configFile`,
    );
  return path;
}

function sftpCall<T>(what: string, run: (done: (error: Error | undefined | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((error, value) => (error ? reject(new SshError('command', `${what}: ${error.message}`)) : resolve(value as T))),
  );
}

/** A remote file as read: its text and what identifies that version (size and mtime). */
export interface RemoteFile {
  path: string;
  text: string;
  version: { size: number; mtime: number; mode: number };
}

/** Reads a remote configuration file. */
export async function readRemoteFile(sftp: SFTPWrapper, path: string, where: string): Promise<RemoteFile> {
  const stats = await sftpCall<Stats>(`cannot read ${path} on ${where}`, (done) => sftp.stat(path, done));
  if (!stats.isFile()) throw new SshError('command', `${path} on ${where} is not a regular file`);
  if (stats.size > MAX_CONFIG_BYTES)
    throw new SshError('command', `${path} on ${where} is ${stats.size} bytes: too large for a configuration file`);
  const data = await sftpCall<Buffer>(`cannot read ${path} on ${where}`, (done) => sftp.readFile(path, done));
  return { path, text: data.toString('utf8'), version: { size: stats.size, mtime: stats.mtime, mode: stats.mode } };
}

/** The backup's name: beside the file, with the time, e.g. etcd.conf.etcd-inspector-20261127T211500Z.bak. */
export function backupName(path: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${path}.etcd-inspector-${stamp}.bak`;
}

/**
 * Writes `text` over the file read as `read`, if it is still that version (else it refuses: someone changed
 * it on the host meanwhile). The old file is kept as backupName(); the new one takes its mode. Returns the
 * backup's path.
 */
export async function writeRemoteFile(sftp: SFTPWrapper, read: RemoteFile, text: string, where: string, now = new Date()): Promise<string> {
  const what = `cannot write ${read.path} on ${where}`;
  const current = await sftpCall<Stats>(what, (done) => sftp.stat(read.path, done));
  if (current.size !== read.version.size || current.mtime !== read.version.mtime)
    throw new SshError('command', `${read.path} on ${where} changed on the host since it was opened: nothing was written; open it again`);
  const backup = backupName(read.path, now);
  const temporary = `${read.path}.etcd-inspector-new`;
  const old = await sftpCall<Buffer>(what, (done) => sftp.readFile(read.path, done));
  await sftpCall<void>(`cannot write the backup ${backup} on ${where}`, (done) =>
    sftp.writeFile(backup, old, { mode: read.version.mode & 0o7777 }, done),
  );
  await sftpCall<void>(what, (done) => sftp.writeFile(temporary, text, { mode: read.version.mode & 0o7777 }, done));
  // OpenSSH's posix-rename replaces the target atomically; plain SFTP rename refuses an existing target.
  await sftpCall<void>(what, (done) => sftp.ext_openssh_rename(temporary, read.path, done));
  return backup;
}
