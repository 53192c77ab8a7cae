// How the CLI reads a file it is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegularFile, InputFileError } from '../../../src/cli/input';

test('readRegularFile refuses FIFOs, devices, directories and oversized files at once, and keeps a BOM for the parsers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'pipe');
  await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (e) => (e ? reject(e) : resolve())));
  await assert.rejects(readRegularFile(fifo, 1024), (e: Error) => e instanceof InputFileError && /FIFO/.test(e.message));
  await assert.rejects(readRegularFile('/dev/zero', 1024), /a device, not a regular file/);
  await assert.rejects(readRegularFile(dir, 1024), /a directory/);
  await assert.rejects(readRegularFile(join(dir, 'missing'), 1024), /no such file/);
  const big = join(dir, 'big');
  writeFileSync(big, 'x'.repeat(2048));
  await assert.rejects(readRegularFile(big, 1024), /2 KiB is over the limit of 1 KiB/);
  const bom = join(dir, 'bom');
  writeFileSync(bom, '\ufeffETCD_NAME=x\n');
  assert.equal(await readRegularFile(bom, 1024), '\ufeffETCD_NAME=x\n');
});
