// Reading the files a user names on the command line (configurations, kubeadm manifests) without ever
// hanging or exhausting memory: only regular files, opened without blocking (a FIFO would otherwise wait
// for a writer), and never more than a stated size (/dev/zero is endless, a stray dump is gigabytes).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatBinaryBytes } from '../shared/text';

/** Why a named file was not read, in words for the user. */
export class InputFileError extends Error {}

/** What a non-regular file is, for the error message. */
function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a regular file as UTF-8 text, refusing anything else and anything
 * larger than maxBytes with an InputFileError whose message names the file and the reason.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise block until some process opens it for writing.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new InputFileError(`cannot read ${path}: ${why}`, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputFileError(`cannot read ${path}: ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes)
      throw new InputFileError(`cannot read ${path}: ${formatBinaryBytes(stat.size)} is over the limit of ${formatBinaryBytes(maxBytes)}`);
    // Read at most one byte past the size stat() gave: a file that grows meanwhile is refused, not read
    // without end (/proc files report size 0 and are refused here too, which is fine for these inputs).
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > stat.size) throw new InputFileError(`cannot read ${path}: it changed while being read`);
    // A byte-order mark is kept: for systemd it is part of the first name (the linter reports it), and the
    // YAML parser skips it by itself.
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}
