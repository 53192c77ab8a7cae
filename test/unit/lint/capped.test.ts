// The capped runs (issue 8): the language server's Linter and the CLI list at most `max` findings per rule, and
// the rules that can fire on every line of a generated file (unknown-key, duplicate-key) only count the rest,
// never building them. A capped run must tell exactly what capping the full, uncapped result tells: the same
// findings listed, the same counts, the same summaries; and a warm Linter must agree with a fresh one after
// any edit (an entry whose findings were only counted is never remembered as if it had none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { Linter, lintDocument, lintDocumentInto, parseDocument } from '../../../src/lint/engine';
import { capPerRule, FindingCap } from '../../../src/lint/limits';
import type { LintDiagnostic } from '../../../src/lint/types';
import { applyContentChange } from '../../../src/server/lines';

const ENV_LINES = [
  'ETCD_NAME=m1',
  'ETCD_NAME=m2',
  'ETCD_ELECTON_TIMEOUT=1000',
  'ETCD_FOO=1',
  'ETCD_SNAPSHOT_COUNT=10000',
  'ETCD_HEARTBEAT_INTERVAL=100ms',
  'ETCD_LISTEN_CLIENT_URLS=h1:1,h2:2,h3:3',
  'ETCD_INITIAL_CLUSTER=a=http://10.0.0.1:2380,b=http://10.0.0.1:2380,c=http://10.0.0.1:2380',
  'ETCD_DEBUG=true',
  'ETCD_DEBUG=maybe',
  'export ETCD_X=1',
  'ETCD_LOG_LEVEL=info # inline',
  '# comment',
  '',
];
const YAML_LINES = [
  'name: m1',
  'name: m2',
  'nmae: m3',
  'k1:',
  'k2: 3',
  'snapshot-count: 10000',
  'snapshot-count: ten',
  'heartbeat-interval: 100ms',
  'listen-client-urls: h1:1,h2:2',
  'client-transport-security:',
  '  cert-file: /a',
  '  certfile: /b',
  '# comment',
];

/** The full result capped afterwards, in the form a capped run gives it: listed findings by position, then
 * one summary per rule that had more. */
function cappedAfterwards(all: readonly LintDiagnostic[], max: number): { listed: LintDiagnostic[]; summaries: LintDiagnostic[] } {
  const out = capPerRule(all, max);
  const summaries = out.filter((d) => d.message.startsWith('… and '));
  return { listed: out.filter((d) => !summaries.includes(d)), summaries };
}

const plain = (ds: readonly LintDiagnostic[]): object[] =>
  ds.map((d) => ({ code: d.code, severity: d.severity, message: d.message, range: d.range, fixes: d.fixes }));

for (const [format, pool] of [
  ['env', ENV_LINES],
  ['yaml', YAML_LINES],
] as const) {
  test(`${format}: a capped run lists and counts exactly what capping the full result does (Linter and CLI)`, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (lines, max) => {
        const text = lines.join('\n');
        const doc = parseDocument(text, format);
        const all = lintDocument(doc, { version: '3.5' });
        const want = cappedAfterwards(all, max);
        const run = new Linter().lint(text, { format, version: '3.5' }, max);
        const n = want.listed.length;
        assert.deepEqual(plain(run.diagnostics.slice(0, n)), plain(want.listed), text);
        assert.deepEqual(plain(run.diagnostics.slice(n)), plain(want.summaries), text);
        assert.equal(run.errors, all.filter((d) => d.severity === 'error').length);
        assert.equal(run.others, all.length - run.errors);
        // The CLI's path: the same cap, fed as the rules run.
        const cap = new FindingCap(max);
        lintDocumentInto(doc, { version: '3.5' }, cap);
        assert.equal(cap.errors + cap.others, all.length);
        assert.deepEqual(plain(cap.summaries()), plain(want.summaries));
      }),
      { numRuns: 300 },
    );
  });
}

test('random edits: a warm capped Linter reports exactly what a fresh capped one does', () => {
  const edit = fc.record({
    line: fc.nat(40),
    text: fc.constantFrom('', '\n', 'ETCD_NAME=m2\n', 'ETCD_FOO=1\n', 'ETCD_ELECTON_TIMEOUT=5\n', 'x', 'ETCD_SNAPSHOT_COUNT=1\n'),
    remove: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...ENV_LINES), { minLength: 1, maxLength: 40 }),
      fc.array(edit, { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 1, max: 3 }),
      (start, edits, max) => {
        const linter = new Linter();
        let lines: readonly string[] = start;
        linter.lint(lines, { format: 'env', version: '3.5' }, max);
        for (const e of edits) {
          const line = Math.min(e.line, lines.length - 1);
          const change: TextDocumentContentChangeEvent = {
            range: { start: { line, character: 0 }, end: { line: e.remove ? line + 1 : line, character: 0 } },
            text: e.text,
          };
          lines = applyContentChange(lines, change);
          const warm = linter.lint(lines, { format: 'env', version: '3.5' }, max);
          const fresh = new Linter().lint(lines, { format: 'env', version: '3.5' }, max);
          assert.deepEqual(plain(warm.diagnostics), plain(fresh.diagnostics), lines.join('\n'));
          assert.equal(warm.others, fresh.others);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('past the cap, unknown-key and duplicate-key findings are counted: totals and summaries stay exact', () => {
  // 20,000 unknown keys and 20,000 repeats of one: a run with a cap of 5 builds 5 of each (and the summaries).
  const lines = Array.from({ length: 20_000 }, (_, i) => `ETCD_UNKNOWN_${i}=1\nETCD_NAME=m${i}`).join('\n');
  const run = new Linter().lint(lines, { format: 'env', version: '3.5' }, 5);
  const codes = run.diagnostics.map((d) => d.code);
  assert.equal(codes.filter((c) => c === 'unknown-key').length, 6);
  assert.equal(codes.filter((c) => c === 'duplicate-key').length, 6);
  assert.match(run.diagnostics.find((d) => d.code === 'unknown-key' && d.message.startsWith('…'))?.message ?? '', /and 19995 more/);
  assert.match(run.diagnostics.find((d) => d.code === 'duplicate-key' && d.message.startsWith('…'))?.message ?? '', /and 19994 more/);
  assert.equal(run.others, 20_000 + 19_999);
});

test('FindingCap: room counts down per rule; more() counts without listing and keeps the first range', () => {
  const cap = new FindingCap(2);
  const r = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });
  assert.equal(cap.room('x'), 2);
  cap.push({ code: 'x', severity: 'warning', message: 'a', range: r(0) });
  assert.equal(cap.room('x'), 1);
  assert.equal(cap.room('y'), 2);
  // A document rule counts its overflow before its listed findings arrive.
  cap.more('x', 'error', r(7), 3);
  cap.push({ code: 'x', severity: 'warning', message: 'b', range: r(1) });
  assert.equal(cap.room('x'), 0);
  cap.more('x', 'warning', r(9));
  assert.deepEqual(
    cap.listed().map((d) => d.message),
    ['a', 'b'],
  );
  assert.deepEqual(cap.summaries(), [
    { code: 'x', severity: 'error', message: '… and 4 more x findings in this file (only the first 2 are listed).', range: r(7) },
  ]);
  assert.equal(cap.errors, 3);
  assert.equal(cap.others, 3);
});
