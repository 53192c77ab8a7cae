// The CLI's code cache: which folders it trusts, what it writes, and that a bundle loads the same with or
// without an entry (missing, valid, corrupt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheDir, privateDir } from '../../../src/cli/codeCache';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the cache folder: $XDG_CACHE_HOME, else ~/.cache', { skip: process.platform === 'win32' }, () => {
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/etcd-inspector/code-cache');
  assert.match(codeCacheDir({ XDG_CACHE_HOME: '' }), /\/\.cache\/etcd-inspector\/code-cache$/);
});

test('only a folder of this user that no one else can write is trusted', { skip: process.platform === 'win32' }, (t) => {
  const dir = tempDir(t);
  const own = join(dir, 'own');
  mkdirSync(own, { mode: 0o700 });
  assert.equal(privateDir(own), true);
  chmodSync(own, 0o777);
  assert.equal(privateDir(own), false, 'world-writable');
  chmodSync(own, 0o770);
  assert.equal(privateDir(own), false, 'group-writable');
  writeFileSync(join(dir, 'file'), '');
  assert.equal(privateDir(join(dir, 'file')), false, 'a file');
  assert.equal(privateDir(join(dir, 'missing')), false);
  chmodSync(own, 0o700);
  process.chdir(dir);
  try {
    assert.equal(privateDir('own'), false, 'a relative path');
  } finally {
    process.chdir(__dirname);
  }
});

const CODE_CACHE = join(__dirname, '..', '..', '..', 'src', 'cli', 'codeCache.ts');

/**
 * Loads bundles/cli-sample.js through the cache in a process of its own, as the CLI does once a run (in
 * one process V8 would compile the same text from its memory and never read the entry), then saves.
 */
function loadSample(bundles: string, cache: string): { value: number } {
  const script = `
    const { useCodeCache } = require(${JSON.stringify(CODE_CACHE)});
    const cached = useCodeCache(${JSON.stringify(bundles)}, () => ${JSON.stringify(cache)});
    const value = require(${JSON.stringify(join(bundles, 'cli-sample.js'))}).compute();
    cached.save();
    process.stdout.write(String(value));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { value: Number(r.stdout) };
}

test('a bundle loads through the cache: the entry is written after the run, read on the next, rewritten when corrupt', (t) => {
  const bundles = tempDir(t);
  const cache = join(tempDir(t), 'code-cache');
  writeFileSync(
    join(bundles, 'cli-sample.js'),
    "'use strict';\nconst path = require('node:path');\nfunction square(n) { return n * n; }\n" +
      'exports.compute = () => square(7) + path.basename(__filename).length + (module.loaded ? 1000 : 0);\n',
  );
  const first = loadSample(bundles, cache);
  assert.equal(first.value, 49 + 'cli-sample.js'.length + 1000, '__filename, require and module as Node gives them');
  const entries = readdirSync(cache);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].replace(/[0-9a-f]{16}\.v8$/, ''), `cli-sample-node${process.versions.node}-${process.arch}-`);
  const entry = join(cache, entries[0]);
  assert.equal(statSync(cache).mode & 0o777, 0o700);
  assert.equal(statSync(entry).mode & 0o777, 0o600);
  const written = statSync(entry).mtimeMs;

  const second = loadSample(bundles, cache);
  assert.equal(second.value, first.value);
  assert.equal(statSync(entry).mtimeMs, written, 'an accepted entry is not written again');

  writeFileSync(entry, Buffer.from('not V8 code cache data'));
  const third = loadSample(bundles, cache);
  assert.equal(third.value, first.value, 'a corrupt entry is rejected by V8, the bundle compiled from its text');
  assert.notDeepEqual(readFileSync(entry), Buffer.from('not V8 code cache data'), 'and written again');
  assert.deepEqual(readdirSync(cache), entries);
});

test(
  'a changed bundle gets a new entry and the old one goes; an untrusted folder is neither read nor written',
  { skip: process.platform === 'win32' },
  (t) => {
    const bundles = tempDir(t);
    const cache = join(tempDir(t), 'code-cache');
    const file = join(bundles, 'cli-sample.js');
    writeFileSync(file, 'exports.compute = () => 1;\n');
    loadSample(bundles, cache);
    const before = readdirSync(cache);
    writeFileSync(file, 'exports.compute = () => 2 + 0;\n');
    const changed = loadSample(bundles, cache);
    assert.equal(changed.value, 2);
    const after = readdirSync(cache);
    assert.equal(after.length, 1);
    assert.notEqual(after[0], before[0]);

    chmodSync(cache, 0o777);
    rmSync(join(cache, after[0]));
    loadSample(bundles, cache);
    assert.deepEqual(readdirSync(cache), [], 'nothing written into a world-writable folder');
  },
);
