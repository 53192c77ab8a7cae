// The incremental path (language server): edits spliced into a line array, a warm Linter per document. It must
// give exactly what a fresh one-shot lint gives, and must not redo the per-line work of untouched lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { splitLines } from '../../../src/lint/document';
import { Linter, lintText } from '../../../src/lint/engine';
import { applyContentChange, sameDiagnostics } from '../../../src/server/lines';

const MEMBER = [
  'ETCD_NAME=m1',
  'ETCD_LISTEN_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380',
  'ETCD_HEARTBEAT_INTERVAL=100',
  'ETCD_ELECTION_TIMEOUT=700 # ms',
  'ETCD_ELECTON_TIMEOUT=1000',
  '# comment',
  'ETCD_LOG_LEVEL="in',
  'fo"',
  'ETCD_DATA_DIR=/var/lib/etcd \\',
  '  /more',
  '',
];

test('applyContentChange splices an edit into the lines and keeps the other lines as the same strings', () => {
  const lines = splitLines('a=1\nb=2\nc=3');
  const next = applyContentChange(lines, { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 3 } }, text: '22\nd=4' });
  assert.deepEqual(next, ['a=1', 'b=22', 'd=4', 'c=3']);
  assert.equal(next[0], lines[0]);
  assert.equal(next[3], lines[2]);
  assert.deepEqual(applyContentChange(next, { text: 'x=1\r\ny=2' }), ['x=1', 'y=2']);
  assert.deepEqual(
    applyContentChange(['a', 'b'], { range: { start: { line: 0, character: 1 }, end: { line: 1, character: 1 } }, text: '' }),
    ['a'],
  );
});

test('sameDiagnostics compares what a user sees', () => {
  const d = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, severity: 1 as const, code: 'x', message: 'm' };
  assert.ok(sameDiagnostics([d], [{ ...d }]));
  assert.ok(!sameDiagnostics([d], [{ ...d, message: 'n' }]));
  assert.ok(!sameDiagnostics([d], [{ ...d, range: { ...d.range, end: { line: 1, character: 4 } } }]));
  assert.ok(!sameDiagnostics([d], []));
});

test('random edits: the warm incremental linter reports exactly what a fresh lint of the text reports', () => {
  const edit = fc.record({
    line: fc.nat(40),
    character: fc.nat(60),
    span: fc.nat(2),
    toCharacter: fc.nat(60),
    text: fc.constantFrom('', '\n', '0', '#', ' # x', '"', '\\', 'ETCD_NAME=m2', 'ETCD_ELECTION_TIMEOUT=50', '\nETCD_NAME=m1\n', 'x\ny'),
  });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 25 }), (edits) => {
      const linter = new Linter();
      let lines: readonly string[] = MEMBER;
      linter.lint(lines, { format: 'env', version: '3.5' });
      for (const e of edits) {
        const line = Math.min(e.line, lines.length - 1);
        const change: TextDocumentContentChangeEvent = {
          range: { start: { line, character: e.character }, end: { line: line + e.span, character: e.toCharacter } },
          text: e.text,
        };
        lines = applyContentChange(lines, change);
        const warm = linter.lint(lines, { format: 'env', version: '3.5' }).diagnostics;
        const fresh = lintText(lines.join('\n'), { format: 'env', version: '3.5' });
        assert.deepEqual(warm, fresh, lines.join('\n'));
      }
    }),
    { numRuns: 150 },
  );
});

test('a keystroke on one line leaves the findings of untouched lines as the same objects (no re-check)', () => {
  const linter = new Linter();
  const block = ['ETCD_ELECTON_TIMEOUT=1000', 'ETCD_SNAPSHOT_COUNT=10000', 'ETCD_HEARTBEAT_INTERVAL=100ms'];
  let lines: readonly string[] = Array.from({ length: 300 }, (_, i) => block[i % 3]);
  // Uncapped: every finding is listed, so each one's object can be compared.
  const before = linter.lint(lines, { format: 'env', version: '3.5' }, Infinity).diagnostics;
  // Line 151 is an overridden ETCD_SNAPSHOT_COUNT: retyping its value keeps its duplicate-key finding.
  lines = applyContentChange(lines, { range: { start: { line: 151, character: 20 }, end: { line: 151, character: 20 } }, text: '9' });
  const after = linter.lint(lines, { format: 'env', version: '3.5' }, Infinity).diagnostics;
  assert.equal(after.length, before.length);
  const changed = after.filter((d, i) => d !== before[i]);
  // Only the edited line has new finding objects; every other line's are reused.
  assert.ok(changed.length > 0);
  assert.deepEqual([...new Set(changed.map((d) => d.range.start.line))], [151]);
});
