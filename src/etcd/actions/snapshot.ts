// Snapshot save: stream a member's backend into a temporary file beside the target, hash it on the way,
// and move it into place only once complete, so a failed or cancelled save leaves nothing at the target.
// Then `etcdutl snapshot status` on it, when etcdutl is installed.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, link, open, rename, rm, stat } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import type { SnapshotChunk, SnapshotStream } from '../client';
import type { ClusterSnapshot, MemberReport } from '../model';
import { formatBytes } from '../format';
import {
  ActionRefusedError,
  LONG_CALL_MS,
  actionError,
  cancelled,
  deadlineIn,
  findMember,
  memberClient,
  type ActionContext,
  type ActionPlan,
  type ActionResult,
} from './action';
import { memberLabel } from './guard';

/** A snapshot written to disk. */
export interface SnapshotSaved {
  file: string;
  bytes: number;
  sha256: string;
  memberName: string;
  /** `etcdutl snapshot status -w json` of the file; null when etcdutl is not installed. */
  status: string | null;
}

/** The environment variable naming the etcdutl binary to use instead of the one on PATH. */
export const ETCDUTL_ENV = 'ETCD_INSPECTOR_ETCDUTL';

/** How long `etcdutl snapshot status` may take (it reads the whole file). */
const STATUS_TIMEOUT_MS = 120_000;

/** The member a snapshot is streamed from: `ref`, else the leader, else the reachable member with the highest raft index. */
function sourceMember(snapshot: ClusterSnapshot, ref?: string): { member: MemberReport | null; refusal: string | null } {
  if (ref !== undefined) {
    const member = findMember(snapshot, ref);
    if (!member) return { member: null, refusal: `no member named or with id "${ref}" in cluster "${snapshot.name}"` };
    if (!member.reachable || !member.endpoint) {
      return { member, refusal: `${memberLabel(member)} cannot be reached (${member.error ?? 'no client URL'}): choose another member` };
    }
    return { member, refusal: null };
  }
  const leader = snapshot.members.find((m) => m.isLeader && m.reachable && m.endpoint);
  if (leader) return { member: leader, refusal: null };
  // Without quorum a snapshot is still worth having: take the most up-to-date member that answers.
  const reachable = snapshot.members
    .filter((m) => m.reachable && m.endpoint && m.status)
    .sort((a, b) => (b.status?.raftIndex ?? 0) - (a.status?.raftIndex ?? 0));
  if (reachable[0]) return { member: reachable[0], refusal: null };
  return { member: null, refusal: `no member of cluster "${snapshot.name}" can be reached` };
}

/** Throws ActionRefusedError when a snapshot cannot be saved to `file` from the chosen member. */
async function refuseUnlessPossible(snapshot: ClusterSnapshot, file: string, ref?: string, overwrite = false): Promise<MemberReport> {
  const { member, refusal } = sourceMember(snapshot, ref);
  let why = refusal;
  if (why === null) {
    if (!overwrite && (await exists(file))) why = `${file} already exists: choose another file (a snapshot never overwrites one)`;
    else {
      const dir = await stat(dirname(file)).catch(() => null);
      if (!dir?.isDirectory()) why = `the folder ${dirname(file)} does not exist`;
    }
  }
  if (why !== null || !member) {
    const plan: ActionPlan = {
      action: 'snapshot-save',
      cluster: snapshot.name,
      summary: `Save a snapshot of cluster "${snapshot.name}" to ${file}`,
      steps: [],
      guard: null,
      refusal: why ?? 'no member to stream from',
      mutating: false,
    };
    throw new ActionRefusedError(plan.refusal as string, plan);
  }
  return member;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
  );
}

/**
 * Moves the complete temporary file to `file`, never over a file that appeared meanwhile, unless the user
 * chose to replace it (then an atomic rename: the old file stays whole until the new one is complete).
 */
async function moveIntoPlace(temp: string, file: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, file);
    return;
  }
  try {
    await link(temp, file);
    await rm(temp, { force: true });
  } catch (e) {
    // EEXIST, or a filesystem without hard links: check, then rename.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (await exists(file))) {
      throw new Error(`${file} appeared while the snapshot was saved: not overwritten`, { cause: e });
    }
    await rename(temp, file);
  }
}

/** Raised when the user cancelled a save in the middle of the stream. */
class SaveCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Streams a snapshot from one member (default: the leader) into `file`, with progress through `onBytes`,
 * then reports its size and sha256 and `etcdutl snapshot status`. Reads only: runs under read-only.
 * Refuses (ActionRefusedError) when `file` exists, unless `overwrite` (the user confirmed replacing it in a save
 * dialog). A failed or cancelled save leaves `file` as it was.
 */
export async function saveSnapshot(
  context: ActionContext,
  file: string,
  options: { memberRef?: string; onBytes?: (bytes: number) => void; overwrite?: boolean } = {},
): Promise<ActionResult & { saved: SnapshotSaved | null }> {
  const snapshot = await context.inspector.refresh();
  const member = await refuseUnlessPossible(snapshot, file, options.memberRef, options.overwrite === true);
  const name = memberLabel(member);
  const result: ActionResult & { saved: SnapshotSaved | null } = {
    action: 'snapshot-save',
    cluster: snapshot.name,
    ok: false,
    cancelled: false,
    steps: [],
    error: null,
    saved: null,
  };
  if (cancelled(context)) {
    result.cancelled = true;
    return result;
  }
  const temp = join(dirname(file), `.${basename(file)}.part-${randomBytes(6).toString('hex')}`);
  const started = Date.now();
  const client = memberClient(context, member);
  const hash = createHash('sha256');
  let bytes = 0;
  let stream: SnapshotStream | undefined;
  const onAbort = (): void => stream?.cancel();
  context.signal?.addEventListener('abort', onAbort);
  context.progress?.(`Saving a snapshot of ${name} to ${file}`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      stream = await client.snapshotStream(deadlineIn(context.longCallMs ?? LONG_CALL_MS));
      let remaining: string | null = null;
      for await (const chunk of stream as AsyncIterable<SnapshotChunk>) {
        if (cancelled(context)) throw new SaveCancelled();
        await handle.write(chunk.blob);
        hash.update(chunk.blob);
        bytes += chunk.blob.length;
        remaining = String(chunk.remaining_bytes);
        options.onBytes?.(bytes);
      }
      if (cancelled(context)) throw new SaveCancelled();
      // etcd says how much is still to come in each message: a stream that ends early is not a snapshot.
      if (remaining !== '0') throw new Error(`the snapshot stream ended early (${remaining ?? 'no data'} bytes still expected)`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await moveIntoPlace(temp, file, options.overwrite === true);
  } catch (e) {
    await rm(temp, { force: true });
    if (e instanceof SaveCancelled || cancelled(context)) {
      result.cancelled = true;
      context.log?.(`snapshot save from ${name} cancelled after ${bytes} bytes: ${file} not written`);
      return result;
    }
    result.error = actionError(e);
    result.steps.push({ memberId: member.id, memberName: name, ok: false, text: result.error.text, tookMs: Date.now() - started });
    context.log?.(`snapshot save from ${name} failed after ${bytes} bytes: ${result.error.text}`);
    return result;
  } finally {
    context.signal?.removeEventListener('abort', onAbort);
    client.close();
  }
  const sha256 = hash.digest('hex');
  const tookMs = Date.now() - started;
  const text = `saved ${formatBytes(bytes)} (${bytes} bytes) from ${name} to ${file}, sha256 ${sha256}`;
  context.log?.(`snapshot ${text} in ${tookMs} ms`);
  result.steps.push({ memberId: member.id, memberName: name, ok: true, text, tookMs, details: { bytes, sha256 } });
  result.saved = { file, bytes, sha256, memberName: name, status: null };
  try {
    result.saved.status = await etcdutlSnapshotStatus(file);
    if (result.saved.status !== null) context.log?.(`etcdutl snapshot status ${file}: ${result.saved.status}`);
    result.ok = true;
  } catch (e) {
    result.error = { text: actionError(e).text, meaning: 'the file was saved but etcdutl cannot read it as a snapshot: do not rely on it' };
    context.log?.(`etcdutl snapshot status ${file} failed: ${result.error.text}`);
  }
  return result;
}

/** The etcdutl to run: $ETCD_INSPECTOR_ETCDUTL, else `etcdutl` on PATH, else null. */
async function findEtcdutl(): Promise<string | null> {
  const given = process.env[ETCDUTL_ENV];
  if (given) {
    const usable = await access(given, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!usable) throw new Error(`${ETCDUTL_ENV}=${given} is not an executable file`);
    return given;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'etcdutl');
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return candidate;
  }
  return null;
}

/**
 * `etcdutl snapshot status FILE -w json`, run without blocking: its output, or null when etcdutl is not
 * installed (neither $ETCD_INSPECTOR_ETCDUTL nor on PATH). Throws with etcdutl's words when it fails.
 */
export async function etcdutlSnapshotStatus(file: string): Promise<string | null> {
  const etcdutl = await findEtcdutl();
  if (etcdutl === null) return null;
  return new Promise((resolve, reject) => {
    execFile(
      etcdutl,
      ['snapshot', 'status', file, '-w', 'json'],
      { timeout: STATUS_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`etcdutl snapshot status failed: ${(stderr || error.message).trim()}`));
        else resolve(stdout.trim());
      },
    );
  });
}
