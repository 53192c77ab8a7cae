// The oracle: real etcd 3.5 and 3.4 decide whether each config in test/fixtures/lint/oracle starts, and the
// linter (at the matching version setting) must report an Error exactly for the configs etcd refuses.
// Env files are applied the way systemd's EnvironmentFile= would (clean environment, last assignment wins);
// YAML files go through --config-file. {{PEER_PORT}}, {{CLIENT_PORT}}, {{PORT_3}}, {{PORT_4}} become free
// loopback ports so the configs that should start can bind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdBinaries, type HarnessEtcdVersion } from '../../harness/binaries';
import { lintText } from '../../../src/lint/engine';
import { parseEnv } from '../../../src/lint/parse/env';
import { splitLines } from '../../../src/lint/document';

const CORPUS = join(__dirname, '..', '..', 'fixtures', 'lint', 'oracle');
const START_WINDOW_MS = 3000;
const POOL = 3;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Outcome {
  file: string;
  refused: boolean;
  exitCode: number | null;
  log: string;
  lintErrors: string[];
}

async function runOne(version: HarnessEtcdVersion, file: string): Promise<Outcome> {
  const { etcd } = etcdBinaries(version);
  const ports = { PEER_PORT: await freePort(), CLIENT_PORT: await freePort(), PORT_3: await freePort(), PORT_4: await freePort() };
  const text = readFileSync(join(CORPUS, file), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: keyof typeof ports) => String(ports[k]));
  const format = file.endsWith('.yaml') ? 'yaml' : 'env';
  const lintErrors = lintText(text, { format, version })
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code}: ${d.message}`);
  const dir = mkdtempSync(join(tmpdir(), 'etcd-oracle-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCD_') && v !== undefined) env[k] = v;
  const args: string[] = [];
  if (format === 'env') {
    for (const e of parseEnv(splitLines(text)).entries) env[e.key] = e.value ?? '';
  } else {
    writeFileSync(join(dir, 'etcd.conf.yml'), text);
    args.push('--config-file', join(dir, 'etcd.conf.yml'));
  }
  const child = spawn(etcd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  try {
    const exitCode = await new Promise<number | null | 'running'>((resolve) => {
      const timer = setTimeout(() => resolve('running'), START_WINDOW_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? (signal ? -1 : null));
      });
    });
    return { file, refused: exitCode !== 'running' && exitCode !== 0, exitCode: exitCode === 'running' ? null : exitCode, log, lintErrors };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.env') || f.endsWith('.yaml'))
  .sort();

for (const version of ['3.5', '3.4'] as const) {
  test(`linter reports an Error exactly when etcd ${version} refuses to start (${files.length} configs)`, async (t) => {
    const outcomes = await pool(files, POOL, (f) => runOne(version, f));
    // The corpus must exercise both sides, or agreement would prove nothing.
    assert.ok(outcomes.filter((o) => o.refused).length >= 10, 'at least 10 configs etcd refuses');
    assert.ok(outcomes.filter((o) => !o.refused).length >= 8, 'at least 8 configs etcd starts with');
    for (const o of outcomes) {
      await t.test(`${o.file}: etcd ${o.refused ? `refused (exit ${o.exitCode})` : 'started'}`, () => {
        const tail = o.log
          .split('\n')
          .filter((l) => /error|fatal|panic|invalid|must|cannot|couldn't|expected|unexpected|missing/i.test(l))
          .slice(-3)
          .join('\n');
        if (o.refused)
          assert.ok(o.lintErrors.length > 0, `etcd ${version} refused ${o.file} but the linter reported no error. etcd said:\n${tail}`);
        else assert.deepEqual(o.lintErrors, [], `etcd ${version} started with ${o.file} but the linter reported errors`);
      });
    }
  });
}
