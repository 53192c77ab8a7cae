// The oracle: real etcd 3.5 and 3.4 decide whether each config in test/fixtures/lint/oracle starts, and both
// etcd and the linter must do what test/fixtures/lint/oracle/expected.ts says, per version: etcd starts or
// refuses, the linter reports exactly the expected Error codes (none when etcd starts) and the warnings the
// fixture is about. The environment of an env fixture is never the linter's reading of it: it is written in
// expected.ts (or, for plain NAME=value lines, taken from the lines), and checked against systemd's own parser
// where one is installed; the linter's env parser is checked against the same expectations. YAML files go
// through --config-file. {{PEER_PORT}}, {{CLIENT_PORT}}, {{PORT_3}}, {{PORT_4}} become free loopback ports so
// the configs that should start can bind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdBinaries, type HarnessEtcdVersion } from '../../harness/binaries';
import { EXPECTED } from '../../fixtures/lint/oracle/expected';
import { lintText } from '../../../src/lint/engine';
import { parseEnv } from '../../../src/lint/parse/env';
import { splitLines } from '../../../src/lint/document';

const CORPUS = join(__dirname, '..', '..', 'fixtures', 'lint', 'oracle');
const START_WINDOW_MS = 3000;
const POOL = 3;
/** systemd's environment.d generator: it reads files with the parser EnvironmentFile= uses (env-file.c). */
const SYSTEMD_ENV_GENERATOR = [
  '/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator',
  '/lib/systemd/user-environment-generators/30-systemd-environment-d-generator',
].find(existsSync);

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

const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.env') || f.endsWith('.yaml'))
  .sort();

/** A plain assignment: its meaning does not depend on how quotes, escapes or comments are read. */
const PLAIN = /^([A-Z_][A-Z0-9_]*)=([^\s"'\\#;$`]*)$/;

/**
 * The environment systemd gives etcd for an env fixture, placeholders kept: written in expected.ts, or taken
 * from the lines when every line is a plain NAME=value (each name once) or a comment starting the line.
 */
function expectedEnv(file: string, text: string): Record<string, string> {
  const hand = EXPECTED[file]?.env;
  if (hand) return { ...hand };
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = PLAIN.exec(line);
    if (!m || m[1] in env) throw new Error(`${file}: "${line}" is not a plain NAME=value line: write its environment in expected.ts`);
    env[m[1]] = m[2];
  }
  return env;
}

/** What systemd's parser makes of an env file (its ETCD_* variables), or undefined without systemd. */
function systemdEnv(text: string): Record<string, string> | undefined {
  if (!SYSTEMD_ENV_GENERATOR) return undefined;
  const home = mkdtempSync(join(tmpdir(), 'etcd-oracle-systemd-'));
  try {
    mkdirSync(join(home, 'environment.d'));
    writeFileSync(join(home, 'environment.d', '50-etcd.conf'), text);
    const out = execFileSync(SYSTEMD_ENV_GENERATOR, [], { env: { XDG_CONFIG_HOME: home }, encoding: 'utf8' });
    const env: Record<string, string> = {};
    // It prints NAME=value, in shell double quotes when the value needs them.
    for (const line of out.split('\n')) {
      const m = /^(ETCD_[A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (!m) continue;
      const quoted = /^"(.*)"$/.exec(m[2]);
      env[m[1]] = quoted ? quoted[1].replace(/\\(.)/g, '$1') : m[2];
    }
    return env;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

interface Outcome {
  file: string;
  refused: boolean;
  exitCode: number | null;
  log: string;
  /** The codes of the linter's Errors (sorted, once each) and their messages. */
  errorCodes: string[];
  errors: string[];
  /** Every code the linter reported. */
  codes: string[];
  ports: Record<string, number>;
}

/** The peer URLs of the members etcd added at bootstrap, from its log (3.5 logs JSON, 3.4 text). */
function addedMembers(log: string): string[] {
  const urls: string[] = [];
  for (const m of log.matchAll(/"msg":"added member".*?"added-peer-peer-urls":(\[[^\]]*\])/g)) urls.push(...(JSON.parse(m[1]) as string[]));
  for (const m of log.matchAll(/added member [0-9a-f]+ \[([^\]]*)\]/g)) urls.push(...m[1].split(' '));
  return urls.sort();
}

async function runOne(version: HarnessEtcdVersion, file: string): Promise<Outcome> {
  const { etcd } = etcdBinaries(version);
  const ports = { PEER_PORT: await freePort(), CLIENT_PORT: await freePort(), PORT_3: await freePort(), PORT_4: await freePort() };
  const fill = (s: string): string => s.replace(/\{\{(\w+)\}\}/g, (_, k: keyof typeof ports) => String(ports[k]));
  const raw = readFileSync(join(CORPUS, file), 'utf8');
  const text = fill(raw);
  const format = file.endsWith('.yaml') ? 'yaml' : 'env';
  const found = lintText(text, { format, version });
  const errors = found.filter((d) => d.severity === 'error');
  const dir = mkdtempSync(join(tmpdir(), 'etcd-oracle-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCD_') && v !== undefined) env[k] = v;
  const args: string[] = [];
  if (format === 'env') {
    for (const [k, v] of Object.entries(expectedEnv(file, raw))) env[k] = fill(v);
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
    return {
      file,
      refused: exitCode !== 'running' && exitCode !== 0,
      exitCode: exitCode === 'running' ? null : exitCode,
      log,
      errorCodes: [...new Set(errors.map((d) => d.code))].sort(),
      errors: errors.map((d) => `${d.code}: ${d.message}`),
      codes: [...new Set(found.map((d) => d.code))],
      ports,
    };
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

test('every configuration of the corpus has its expectations in expected.ts, and every expectation its file', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), files);
  // The corpus must exercise both sides at each version, or agreement would prove little.
  for (const version of ['3.5', '3.4'] as const) {
    assert.ok(files.filter((f) => EXPECTED[f][version].etcd === 'refuses').length >= 10, `at least 10 configs etcd ${version} refuses`);
    assert.ok(files.filter((f) => EXPECTED[f][version].etcd === 'starts').length >= 8, `at least 8 configs etcd ${version} starts`);
  }
});

const envFiles = files.filter((f) => f.endsWith('.env'));

test('systemd reads each env configuration into the environment the test gives etcd', (t) => {
  if (!SYSTEMD_ENV_GENERATOR) return t.skip("systemd's environment.d generator is not installed");
  for (const file of envFiles) {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    assert.deepEqual(systemdEnv(text), expectedEnv(file, text), file);
  }
});

test("the linter's env parser reads each env configuration as expected.ts says systemd does", () => {
  for (const file of envFiles) {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const parsed: Record<string, string> = {};
    for (const e of parseEnv(splitLines(text)).entries) parsed[e.key] = e.value ?? '';
    assert.deepEqual(parsed, expectedEnv(file, text), file);
  }
});

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version} starts or refuses each config as expected.ts says, and the linter reports the expected codes`, async (t) => {
    const outcomes = await pool(files, POOL, (f) => runOne(version, f));
    for (const o of outcomes) {
      await t.test(`${o.file}: etcd ${o.refused ? `refused (exit ${o.exitCode})` : 'started'}`, () => {
        const want = EXPECTED[o.file];
        const verdict = want[version];
        const tail = o.log
          .split('\n')
          .filter((l) => /error|fatal|panic|invalid|must|cannot|couldn't|expected|unexpected|missing/i.test(l))
          .slice(-3)
          .join('\n');
        assert.equal(
          o.refused ? 'refuses' : 'starts',
          verdict.etcd,
          `etcd ${version} ${o.refused ? 'refused' : 'started with'} ${o.file}. etcd said:\n${tail}`,
        );
        if (verdict.etcd === 'refuses') {
          assert.deepEqual(o.errorCodes, [...verdict.errors].sort(), `the linter's Errors for ${o.file}:\n${o.errors.join('\n')}`);
          return;
        }
        assert.deepEqual(o.errors, [], `etcd ${version} started with ${o.file} but the linter reported errors`);
        for (const code of want.warns ?? []) assert.ok(o.codes.includes(code), `expected ${code} for ${o.file}, got ${o.codes.join(', ')}`);
        if (want.bootstraps) {
          const fill = (s: string): string => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(o.ports[k]));
          assert.deepEqual(
            addedMembers(o.log),
            want.bootstraps.map(fill).sort(),
            `the members etcd ${version} bootstrapped with ${o.file}`,
          );
        }
      });
    }
  });
}
