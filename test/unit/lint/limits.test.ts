// Bounded work and output on hostile input (issue 8): values are quoted at most MAX_QUOTED_CHARS long by every
// rule, each rule lists at most MAX_FINDINGS_PER_RULE findings per file, and the did-you-mean fast path gives
// the answers of the plain search it replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { FLAGS, keyOf } from '../../../src/lint/catalogue';
import { checkAcrossFiles } from '../../../src/lint/crossFile';
import { lintText, parseDocument } from '../../../src/lint/engine';
import { capPerRule, clip, MAX_FINDINGS_PER_RULE, MAX_MESSAGE_CHARS, MAX_QUOTED_CHARS } from '../../../src/lint/limits';
import { TLS_BLOCKS } from '../../../src/lint/parse/yaml';
import { suggestKey } from '../../../src/lint/rules/unknown-key';
import type { EtcdVersion } from '../../../src/shared/settings';
import type { LintDiagnostic } from '../../../src/lint/types';

test('clip keeps short values and cuts long ones to MAX_QUOTED_CHARS with an ellipsis and the length', () => {
  assert.equal(clip('http://10.0.0.1:2379'), 'http://10.0.0.1:2379');
  assert.equal(clip('x'.repeat(MAX_QUOTED_CHARS)), 'x'.repeat(MAX_QUOTED_CHARS));
  assert.equal(clip('x'.repeat(95_000)), `${'x'.repeat(MAX_QUOTED_CHARS)}…(95000 characters)`);
  // A surrogate pair straddling the cut is not split in half.
  const emoji = `${'x'.repeat(MAX_QUOTED_CHARS - 1)}😀${'y'.repeat(50)}`;
  assert.equal(clip(emoji), `${'x'.repeat(MAX_QUOTED_CHARS - 1)}…(${emoji.length} characters)`);
});

const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });
const d = (code: string, line: number, severity: LintDiagnostic['severity'] = 'warning'): LintDiagnostic => ({
  code,
  severity,
  message: `${code} ${line}`,
  range: at(line),
});

test('capPerRule lists the first findings of each rule and sums up the rest in one finding of that rule', () => {
  const many = Array.from({ length: 250 }, (_, i) => d('unknown-key', i, i === 240 ? 'error' : 'warning'));
  const input = [...many, d('duplicate-key', 3), d('duplicate-key', 7)];
  const out = capPerRule(input);
  assert.equal(out.length, MAX_FINDINGS_PER_RULE + 2 + 1);
  assert.deepEqual(out.slice(0, MAX_FINDINGS_PER_RULE), many.slice(0, MAX_FINDINGS_PER_RULE));
  const summary = out.at(-1);
  assert.equal(summary?.code, 'unknown-key');
  assert.equal(summary?.message, `… and 150 more unknown-key findings in this file (only the first ${MAX_FINDINGS_PER_RULE} are listed).`);
  // It stands where the first left-out finding was, with the worst severity among those left out.
  assert.deepEqual(summary?.range, at(MAX_FINDINGS_PER_RULE));
  assert.equal(summary?.severity, 'error');
  assert.equal(input.length, 252, 'the input is not changed');
  const few = [d('a', 1), d('b', 2)];
  assert.deepEqual(capPerRule(few), few);
});

test('a lint of 40,000 initial-cluster entries is capped per rule and every message is short', () => {
  const members = Array.from({ length: 40_000 }, (_, i) => `m${i}=http://10.0.0.${i % 250}:2380`).join(',');
  const all = lintText(`ETCD_NAME=m0\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.0:2380\nETCD_INITIAL_CLUSTER=${members}\n`, {
    format: 'env',
    version: '3.5',
  });
  assert.ok(all.filter((x) => x.code === 'initial-cluster-duplicate-url').length > 39_000);
  for (const x of all) assert.ok(x.message.length <= 1024, `${x.code}: ${x.message.length} characters`);
  const shown = capPerRule(all);
  assert.ok(shown.length < 500, `${shown.length} findings listed`);
  assert.ok(shown.some((x) => /^… and \d+ more initial-cluster-duplicate-url findings in this file/.test(x.message)));
});

// Every rule that quotes a value, a key, a name or a URL, fed one that is far too long to quote whole.
const LONG = 'x'.repeat(5000);
const PORT = '1'.repeat(5000);
const LIST = Array.from({ length: 600 }, (_, i) => `h${i}:1`).join(',');
const NAMES = Array.from({ length: 300 }, (_, i) => `n${i}=http://10.0.0.${i % 200}:2380`).join(',');
const ENV_CASES: { text: string; version?: EtcdVersion }[] = [
  { text: `ETCD_LISTEN_CLIENT_URLS=${LIST}\n` },
  { text: `ETCD_LISTEN_CLIENT_URLS=http://${LONG}.example:2379\nETCD_ADVERTISE_CLIENT_URLS=http://a:1\n` },
  { text: `ETCD_LISTEN_CLIENT_URLS=http://10.0.0.1:${PORT}\n` },
  { text: `ETCD_LISTEN_CLIENT_URLS=https://10.0.0.1:${PORT}\nETCD_LISTEN_PEER_URLS=https://10.0.0.1:${PORT}\n` },
  { text: `ETCD_LISTEN_METRICS_URLS=https://10.0.0.1:${PORT}\n` },
  { text: `ETCD_LISTEN_CLIENT_URLS=http://10.0.0.1:${PORT}\nETCD_LISTEN_CLIENT_HTTP_URLS=http://10.0.0.1:${PORT}\n` },
  { text: `ETCD_ADVERTISE_CLIENT_URLS=http://:${PORT}\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://0.0.0.0:${PORT}\n` },
  { text: `ETCD_ADVERTISE_CLIENT_URLS=http://localhost:${PORT}\n` },
  { text: `ETCD_ADVERTISE_CLIENT_URLS=${LONG}\nETCD_LISTEN_PEER_URLS=http://10.0.0.1:2380/${LONG}\n` },
  { text: `ETCD_NAME=${LONG}\nETCD_INITIAL_CLUSTER=${LONG}=http://10.0.0.1:2380\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.2:2380\n` },
  {
    text: `ETCD_NAME=a\nETCD_INITIAL_CLUSTER=a=http://10.0.0.1:2380,${NAMES}\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380,http://10.0.0.9:2380\n`,
  },
  { text: `ETCD_NAME=${LONG}\nETCD_INITIAL_CLUSTER=${NAMES}\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:${PORT}\n` },
  { text: `ETCD_NAME=${LONG}\nETCD_INITIAL_CLUSTER= ${LONG} =http://10.0.0.1:2380,${LONG}=http://10.0.0.1:2380,${LONG}\n` },
  { text: `ETCD_INITIAL_CLUSTER=${LONG}=http://10.0.0.1:2380,${LONG}=http://10.0.0.2:2380,b=http://10.0.0.1:${PORT}/\n` },
  { text: `ETCD_INITIAL_CLUSTER=a=${LONG}, ${LONG}=http://10.0.0.1:2380\n` },
  { text: `ETCD_ELECTION_TIMEOUT=1000 # ${LONG}\nETCD_DATA_DIR=/var/lib/etcd # ${LONG}\n` },
  { text: `ETCD_HEARTBEAT_INTERVAL=${LONG}\nETCD_ENABLE_PPROF=${LONG}\nETCD_GRPC_KEEPALIVE_TIMEOUT=${LONG}\n` },
  { text: `ETCD_INITIAL_CLUSTER_STATE=${LONG}\nETCD_LOG_LEVEL=${LONG}\nETCD_LOGGER=${LONG}\nETCD_METRICS=${LONG}\n` },
  { text: `ETCD_AUTO_COMPACTION_MODE=${LONG}\nETCD_TLS_MIN_VERSION=${LONG}\nETCD_AUTO_COMPACTION_RETENTION=${LONG}\n` },
  { text: `ETCD_CIPHER_SUITES=${LONG},${LONG}\nETCD_AUTH_TOKEN=${LONG}\n` },
  { text: `ETCD_LOG_OUTPUTS=${LIST}\n`, version: '3.4' },
  { text: `ETCD_ENABLE_V2=true\nETCD_V2_DEPRECATION=${LONG}\n` },
  { text: `ETCD_${LONG}=1\nETCD_${LONG}=2\nETCD_DATA_DIR=${LONG}\nETCD_DATA_DIR=/x\n` },
  { text: `${LONG}-x=1\nexport ETCD_${LONG}=1\n` },
  { text: `ETCD_CONFIG_FILE=/etc/etcd.yml\nETCD_DATA_DIR=${LONG}\n` },
];
const YAML_CASES: string[] = [
  `initial-cluster: [${LIST}]\nlisten-client-urls: ${LIST}\n`,
  `election-timeout: "${LONG}"\nheartbeat-interval: ${PORT}.5\nsnapshot-count: -${PORT}\n`,
  `grpc-keepalive-timeout: ${LONG}\ninitial-cluster-token: ${PORT}\nlog-outputs: {a: 1}\n`,
  `name: [${LIST}]\n${LONG}: 1\npeer-transport-security:\n  peer-${LONG}: /x\n`,
  `log-outputs: [${LIST}]\nlogger: capnslog\n`,
  `cipher-suites: [${LONG}]\nenable-pprof: "${LONG}"\n`,
];

function assertClipped(diagnostics: readonly LintDiagnostic[], where: string): void {
  const tooLong = new RegExp(`[x1]{${MAX_QUOTED_CHARS + 1}}|(h\\d+:1,){100}|(n\\d+=http://[0-9.]+:2380,){30}`);
  for (const x of diagnostics) {
    assert.ok(x.message.length <= MAX_MESSAGE_CHARS, `${where}: ${x.code} message has ${x.message.length} characters`);
    assert.ok(!tooLong.test(x.message), `${where}: ${x.code} quotes a value whole: ${x.message.slice(0, 300)}…`);
    for (const f of x.fixes ?? []) assert.ok(!tooLong.test(f.title), `${where}: ${x.code} fix title quotes a value whole`);
  }
}

test('no rule quotes more than MAX_QUOTED_CHARS of a value, key, name or URL (env)', () => {
  const codes = new Set<string>();
  for (const [i, c] of ENV_CASES.entries()) {
    const diagnostics = lintText(c.text, { format: 'env', version: c.version ?? '3.5' });
    diagnostics.forEach((x) => codes.add(x.code));
    assertClipped(diagnostics, `env case ${i}`);
  }
  // The cases reach the rules that quote what they were given.
  for (const code of [
    'url-format',
    'bind-ip',
    'advertise-url',
    'advertise-client-required',
    'listen-duplicate',
    'tls-listener',
    'initial-cluster-advertise',
    'initial-cluster-own-name',
    'initial-cluster-duplicate-url',
    'initial-cluster-duplicate-name',
    'initial-cluster-untrimmed',
    'inline-comment',
    'invalid-value',
    'invalid-enum',
    'compaction-retention',
    'tls-options',
    'log-outputs',
    'v2-conflict',
    'unknown-key',
    'duplicate-key',
    'env-syntax',
  ])
    assert.ok(codes.has(code), `no case reaches ${code}`);
});

test('no rule quotes more than MAX_QUOTED_CHARS of a value, key, name or URL (YAML)', () => {
  for (const [i, text] of YAML_CASES.entries()) assertClipped(lintText(text, { format: 'yaml', version: '3.5' }), `yaml case ${i}`);
});

test('cross-file findings quote names, tokens, URLs and file names clipped too', () => {
  const member = (name: string, token: string, hb: number, adv: string): string =>
    `ETCD_NAME=${name}\nETCD_INITIAL_CLUSTER=${NAMES},${LONG}=http://10.0.0.250:2380\nETCD_INITIAL_CLUSTER_TOKEN=${token}\nETCD_HEARTBEAT_INTERVAL=${hb}\nETCD_INITIAL_ADVERTISE_PEER_URLS=${adv}\n`;
  const a = parseDocument(member(LONG, `t${LONG}`, 100, `http://10.0.0.1:${PORT}`), 'env');
  const b = parseDocument(member(LONG, `u${LONG}`, 200, 'http://10.0.0.2:2380'), 'env');
  const c = parseDocument(member('n1', `t${LONG}`, 300, 'http://10.0.0.3:2380').replace(/n0=/, 'zz='), 'env');
  const across = checkAcrossFiles(
    [
      { uri: `file:///etc/${LONG}/a.conf`, doc: a },
      { uri: `file:///etc/${LONG}.conf`, doc: b },
      { uri: 'file:///etc/c.conf', doc: c },
    ],
    '3.5',
  );
  const all = [...across.values()].flat();
  assert.ok(new Set(all.map((x) => x.code)).size >= 4, JSON.stringify([...new Set(all.map((x) => x.code))]));
  assertClipped(all, 'cross-file');
});

// The search the fast path replaced: every candidate's distance, the first of the closest wins.
function plainSuggestion(key: string, format: 'env' | 'yaml', block?: string): string | undefined {
  const candidates =
    format === 'env'
      ? FLAGS.map((f) => f.env)
      : FLAGS.filter((f) => f.yaml !== undefined && (block ? f.yaml.startsWith(`${block}.`) : !f.yaml.includes('.')))
          .map((f) => keyOf(f, 'yaml') as string)
          .concat(block ? [] : [...TLS_BLOCKS]);
  const unprefixed = block ? key.replace(/^(peer|client)-/, '') : key;
  if (unprefixed !== key && candidates.includes(unprefixed)) return unprefixed;
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(norm(key), norm(c));
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 5)) ? best : undefined;
}

test('the did-you-mean fast path suggests exactly what the plain search suggests', () => {
  const places: ['env' | 'yaml', string | undefined][] = [
    ['env', undefined],
    ['yaml', undefined],
    ...TLS_BLOCKS.map((b) => ['yaml', b] as ['yaml', string]),
  ];
  const real = FLAGS.flatMap((f) => [f.env, f.yaml ?? f.name, f.name]).map((k) => k.replace(/^.*\./, ''));
  // Typos of real keys: a character dropped, doubled, replaced or swapped with the next, and prefixes.
  const typos = real.flatMap((k, i) => {
    const p = 1 + (i % Math.max(1, k.length - 2));
    return [
      k.slice(0, p) + k.slice(p + 1),
      k.slice(0, p) + k[p] + k.slice(p),
      `${k.slice(0, p)}q${k.slice(p + 1)}`,
      k.slice(0, p) + k[p + 1] + k[p] + k.slice(p + 2),
      `peer-${k}`,
      `client-${k}`,
      k.toUpperCase(),
      `${k}_${k}`,
    ];
  });
  for (const key of [...real, ...typos, '', 'x', 'ETCD_', LONG, `ETCD_${'_'.repeat(300)}NAME`, `${'-'.repeat(500)}name`])
    for (const [format, block] of places)
      assert.equal(suggestKey(key, format, block), plainSuggestion(key, format, block), `${format} ${block ?? ''} ${key.slice(0, 80)}`);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.stringMatching(/^[A-Za-z_-]{0,60}$/),
        fc.constantFrom(...real).map((k) => `${k}x`),
      ),
      fc.constantFrom(...places),
      (key, [format, block]) => suggestKey(key, format, block) === plainSuggestion(key, format, block),
    ),
    { numRuns: 3000 },
  );
});
