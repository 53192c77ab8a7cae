// The language server's own copy of a document: a content change whose range has no meaning (negative,
// fractional, reversed) is refused rather than spliced in, and the size check that decides whether a document
// is linted at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { MAX_LINT_BYTES } from '../../../src/lint/limits';
import { applyContentChange, changeProblem, oversize } from '../../../src/server/lines';

const LINES = ['ETCD_NAME=m1', 'ETCD_HEARTBEAT_INTERVAL=100', 'ETCD_ELECTION_TIMEOUT=400'];
const change = (sl: number, sc: number, el: number, ec: number, text = 'X'): TextDocumentContentChangeEvent => ({
  range: { start: { line: sl, character: sc }, end: { line: el, character: ec } },
  text,
});

test('a reversed, negative or fractional range is refused and leaves the lines as they were', () => {
  const bad: [TextDocumentContentChangeEvent, RegExp][] = [
    [change(2, 5, 1, 0), /ends before it starts/],
    [change(1, 9, 1, 3), /ends before it starts/],
    [change(-1, 0, 0, 3), /negative/],
    [change(0, -4, 0, 3), /negative/],
    [change(0.5, 0, 1, 0), /whole number/],
    [change(0, 0, 1, 2.5), /whole number/],
    [{ range: { start: { line: 0, character: 0 } }, text: 'X' } as unknown as TextDocumentContentChangeEvent, /missing/],
    [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } } as unknown as TextDocumentContentChangeEvent,
      /no text/,
    ],
  ];
  for (const [c, why] of bad) {
    assert.match(changeProblem(c) ?? '', why, JSON.stringify(c));
    assert.deepEqual(applyContentChange(LINES, c), LINES, JSON.stringify(c));
  }
});

test('well-formed changes still apply, positions past the end are clamped', () => {
  assert.equal(changeProblem(change(1, 24, 1, 27, '200')), undefined);
  assert.deepEqual(applyContentChange(LINES, change(1, 24, 1, 27, '200')), [LINES[0], 'ETCD_HEARTBEAT_INTERVAL=200', LINES[2]]);
  assert.deepEqual(applyContentChange(LINES, change(2, 999, 9, 0, '\nETCD_DATA_DIR=/x')), [...LINES, 'ETCD_DATA_DIR=/x']);
  assert.deepEqual(applyContentChange(LINES, { text: 'a=1' }), ['a=1']);
});

test('oversize: undefined up to MAX_LINT_BYTES in UTF-8 (line ends count one byte), the size beyond', () => {
  const ascii = 'x'.repeat(1023);
  const lines = Array.from({ length: MAX_LINT_BYTES / 1024 }, () => ascii);
  assert.equal(oversize(lines), undefined); // 2048 lines of 1023 characters and 2047 line ends: MAX_LINT_BYTES - 1
  assert.equal(oversize([...lines, '']), undefined, 'exactly the limit');
  assert.equal(oversize([...lines, 'x']), MAX_LINT_BYTES + 1);
  // Three bytes per character in UTF-8: under the limit in characters, over it in bytes.
  const wide = Array.from({ length: MAX_LINT_BYTES / 3 / 511 + 1 }, () => '€'.repeat(511));
  assert.ok(wide.reduce((n, l) => n + l.length + 1, 0) < MAX_LINT_BYTES);
  assert.ok((oversize(wide) ?? 0) > MAX_LINT_BYTES);
  assert.equal(oversize(['']), undefined);
});
